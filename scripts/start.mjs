#!/usr/bin/env node
// npm start: the desktop app where Electron's binary is installed; where it is not (an offline
// install with ELECTRON_SKIP_BINARY_DOWNLOAD=1), the same console in a browser via `warden serve`
// on the default database, created and initialized if missing. Extra arguments go to `warden serve`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_DB = join(ROOT, 'data/conversation_files.db');
const CLI = join(ROOT, 'out/cli/warden.mjs');

/** The Electron executable, or null: the electron package throws when its binary was never downloaded. */
function electronBinary() {
  try {
    const path = createRequire(import.meta.url)('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

/** Runs a step quietly; shows its output only if it fails. */
function step(command, args) {
  const result = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.status !== 0) {
    process.stderr.write(`${result.stdout}${result.stderr}`);
    process.exit(result.status ?? 1);
  }
}

function runToEnd(command, args) {
  const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit' });
  // Ctrl-C reaches the child directly (same process group); stay alive until it has stopped.
  process.on('SIGINT', () => {});
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 130 : 1)));
}

const electron = electronBinary();
step(process.execPath, [join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build']);
if (electron) {
  runToEnd(electron, [ROOT]);
} else {
  console.log("Electron's binary is not installed here (offline install), so the console opens in the browser instead: warden serve.");
  step(process.execPath, [join(ROOT, 'scripts/build-cli.mjs')]);
  if (!existsSync(DEFAULT_DB)) step(process.execPath, [CLI, 'init', '--db', DEFAULT_DB, '--create-folders']);
  runToEnd(process.execPath, [CLI, 'serve', '--db', DEFAULT_DB, ...process.argv.slice(2)]);
}
