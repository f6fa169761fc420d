#!/usr/bin/env node
import { main } from './program';

// The `warden` command (package.json "bin", bundled by scripts/build-cli.mjs); the program is in program.ts.

await main(process.argv.slice(2));
