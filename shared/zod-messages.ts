import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

// The project validates with zod/mini: zod's checks in a fraction of the code a start-up loads
// (its full API and locales are 700 KB of a bundled CLI). zod/mini ships without messages; this
// module gives it English. Every module that declares a schema imports it beside
// `import * as z from 'zod/mini'` — re-exporting the namespace instead would make a bundler keep
// all of zod, every locale included.
config(en());
