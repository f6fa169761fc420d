// Entry of the engine worker when the host runs from TypeScript sources (tsx, Vitest): a worker
// thread does not inherit the parent's TypeScript loader, so it registers tsx before loading the
// worker. The Electron build bundles engine-worker.ts to JavaScript and does not use this file.
import { register } from 'tsx/esm/api';

register();
await import('./engine-worker.ts');
