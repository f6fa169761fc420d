// Electron's fuses: bits in its binary, flipped when the desktop app is packaged, that turn off
// what the app never needs so that nobody can use the app's (signed, trusted) binary for it.
// `npm run fuses -- <the packaged app's Electron binary or .app>` flips them with @electron/fuses
// (Electron's own tool), then reads them back and refuses to finish unless each reads as set.
// A packager's after-pack hook calls flipElectronFuses the same way.

import { pathToFileURL } from 'node:url';

export type FuseName =
  | 'RunAsNode'
  | 'EnableCookieEncryption'
  | 'EnableNodeOptionsEnvironmentVariable'
  | 'EnableNodeCliInspectArguments'
  | 'EnableEmbeddedAsarIntegrityValidation'
  | 'OnlyLoadAppFromAsar'
  | 'LoadBrowserProcessSpecificV8Snapshot'
  | 'GrantFileProtocolExtraPrivileges'
  | 'WasmTrapHandlers';

/** Each fuse of Electron's wire (V1), what the packaged app sets it to, and why. */
export const ELECTRON_FUSES: Record<FuseName, { on: boolean; why: string }> = {
  RunAsNode: {
    on: true,
    why:
      "still needed: the engine starts Electron's binary as Node (ELECTRON_RUN_AS_NODE) for the query and rows child, which the memory limit and Cancel stop, and for restore's copy helper; " +
      'off once those run as utility processes (electron-fuses.test.ts lists them and fails when the list and this setting disagree)',
  },
  EnableCookieEncryption: { on: true, why: 'cookies on disk are encrypted with the OS keychain key' },
  EnableNodeOptionsEnvironmentVariable: { on: false, why: 'NODE_OPTIONS (--require of any file) would run code inside the app and its children' },
  EnableNodeCliInspectArguments: { on: false, why: '--inspect would open a debugger on the main process, which holds the keychain tokens' },
  EnableEmbeddedAsarIntegrityValidation: { on: true, why: 'the app refuses an app.asar that differs from the hash embedded at packaging (macOS, Windows)' },
  OnlyLoadAppFromAsar: { on: true, why: 'the app loads only from app.asar (the native addon and better-sqlite3 unpacked beside it), never from a folder put in its place' },
  LoadBrowserProcessSpecificV8Snapshot: { on: false, why: 'no snapshot of our own: one snapshot for every process, as Electron ships' },
  GrantFileProtocolExtraPrivileges: { on: false, why: 'the page comes from warden://console (app-protocol.ts), never from file://, so file:// needs no privileges' },
  WasmTrapHandlers: { on: true, why: "Electron's default: WebAssembly bounds checked by trap handlers" },
};

/** The part of @electron/fuses used here (a test gives its own; the package is a devDependency of packaging only). */
export interface FusesModule {
  FuseVersion: { V1: string };
  FuseV1Options: Record<string, number | string>;
  flipFuses(electron: string, config: Record<string | number, unknown>): Promise<number>;
  getCurrentFuseWire(electron: string): Promise<Record<string | number, unknown>>;
}

// FuseState in @electron/fuses: the byte each fuse holds in the wire.
const ENABLED = '1'.charCodeAt(0);
const DISABLED = '0'.charCodeAt(0);

/**
 * Flips every fuse of ELECTRON_FUSES in `electron` (the binary, or a macOS .app) and reads them back.
 * A fuse the installed @electron/fuses does not know, a fuse of the binary not decided here, or one
 * that does not read back as set stops it with the fuse named: never a package with a fuse left as it was.
 */
export async function flipElectronFuses(electron: string, fuses: FusesModule, target: { platform: string; arch: string } = process): Promise<Record<FuseName, 'on' | 'off'>> {
  const names = Object.keys(ELECTRON_FUSES) as FuseName[];
  const unknown = names.filter((name) => typeof fuses.FuseV1Options[name] !== 'number');
  if (unknown.length > 0) {
    throw new Error(`The installed @electron/fuses does not know the fuse(s) ${unknown.join(', ')}: update it (npm install --save-dev @electron/fuses@latest) before packaging.`);
  }
  const config: Record<string | number, unknown> = {
    version: fuses.FuseVersion.V1,
    // A fuse a newer Electron adds stops packaging until someone decides it here.
    strictlyRequireAllFuses: true,
    // Apple Silicon refuses to start a binary whose ad-hoc signature no longer matches it.
    resetAdHocDarwinSignature: target.platform === 'darwin' && target.arch === 'arm64',
  };
  for (const name of names) config[fuses.FuseV1Options[name] as number] = ELECTRON_FUSES[name].on;
  await fuses.flipFuses(electron, config);

  const wire = await fuses.getCurrentFuseWire(electron);
  const read = {} as Record<FuseName, 'on' | 'off'>;
  const wrong: string[] = [];
  for (const name of names) {
    const state = wire[fuses.FuseV1Options[name] as number];
    const expected = ELECTRON_FUSES[name].on ? ENABLED : DISABLED;
    if (state !== expected) wrong.push(`${name} reads ${state === ENABLED ? 'on' : state === DISABLED ? 'off' : `as ${String(state)}`}, not ${ELECTRON_FUSES[name].on ? 'on' : 'off'}`);
    read[name] = state === ENABLED ? 'on' : 'off';
  }
  if (wrong.length > 0) throw new Error(`The fuses of ${electron} are not as set: ${wrong.join('; ')}. Do not ship this package.`);
  return read;
}

/** @electron/fuses when installed, else null. */
async function installedFuses(): Promise<FusesModule | null> {
  const name = '@electron/fuses'; // a name in a variable: the typecheck does not need the package installed
  try {
    return (await import(name)) as FusesModule;
  } catch {
    return null;
  }
}

async function main(argv: string[]): Promise<number> {
  const [electron] = argv;
  if (!electron) {
    process.stderr.write('usage: npm run fuses -- <the packaged app\'s Electron binary, or its .app on macOS>\n');
    return 64;
  }
  const fuses = await installedFuses();
  if (!fuses) {
    process.stderr.write('Flipping the fuses needs @electron/fuses, which is not installed: npm install --save-dev @electron/fuses, then run this again.\n');
    return 1;
  }
  try {
    const read = await flipElectronFuses(electron, fuses);
    for (const name of Object.keys(read) as FuseName[]) process.stdout.write(`${name}: ${read[name]} (${ELECTRON_FUSES[name].why})\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
