#!/usr/bin/env node
// Builds the `warden` CLI that ships (package.json "bin"): out/cli/warden.mjs, with its engine
// worker beside it. esbuild inlines every dependency but the native better-sqlite3, so the CLI
// starts without compiling TypeScript (tsx, what `npm run warden` uses in development) or
// resolving hundreds of module files — what a service's start-up gate pays on every start.
// `warden serve` and its API are a separate chunk, loaded only by that command.
import { build } from 'esbuild';
import { chmodSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_CLI_DIR = join(ROOT, 'out/cli');

/** Under the bundle the HTTP host starts the bundled worker, not the tsx one (electron/api/engine-worker-entry.ts). */
const bundledWorkerEntry = {
  name: 'bundled-engine-worker-entry',
  setup(b) {
    b.onResolve({ filter: /\/engine-worker-entry$/ }, () => ({ path: 'engine-worker-entry', namespace: 'warden' }));
    b.onLoad({ filter: /.*/, namespace: 'warden' }, () => ({
      contents: "export const ENGINE_WORKER_ENTRY = new URL('./engine-worker.mjs', import.meta.url);",
      loader: 'js',
    }));
  },
};

/** The previous build's modules go (their chunk names change with their content); nothing else in the folder is touched. */
function removePreviousBuild(outDir) {
  if (!existsSync(outDir)) return;
  for (const name of readdirSync(outDir)) if (name.endsWith('.mjs')) rmSync(join(outDir, name));
}

/** How the project bundles code for Node: every dependency inlined but the native better-sqlite3. */
export const NODE_BUNDLE = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['better-sqlite3'],
  // Inlined CommonJS dependencies call require(): give the ES modules one.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: 'warning',
};

/** Bundles the CLI into `outDir`; returns the path of its entry. */
export async function buildCli(outDir = DEFAULT_CLI_DIR) {
  removePreviousBuild(outDir);
  await build({
    entryPoints: { warden: join(ROOT, 'electron/cli/main.ts'), 'engine-worker': join(ROOT, 'electron/api/engine-worker.ts') },
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    // Chunks stay beside the entries: the worker's URL above is relative to the chunk that names it.
    chunkNames: '[name]-[hash]',
    splitting: true,
    plugins: [bundledWorkerEntry],
    ...NODE_BUNDLE,
  });
  const entry = join(outDir, 'warden.mjs');
  chmodSync(entry, 0o755);
  return entry;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const entry = await buildCli(process.argv[2] ?? DEFAULT_CLI_DIR);
  console.log(`built ${entry}`);
}
