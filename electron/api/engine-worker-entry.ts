// Where the engine worker thread starts when the HTTP host runs under Node. From the TypeScript
// sources (tsx, Vitest) it is engine-worker-tsx.mjs, which registers tsx first; the bundled CLI
// (scripts/build-cli.mjs) replaces this module with one naming the bundled worker beside it.
// Electron's main process names its own bundled worker (electron/main/index.ts).
export const ENGINE_WORKER_ENTRY = new URL('./engine-worker-tsx.mjs', import.meta.url);
