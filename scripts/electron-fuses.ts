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

/**
 * Each fuse of Electron's wire (V1) at its index (Electron never moves or reuses one), what the
 * packaged app sets it to, and why.
 */
export const ELECTRON_FUSES: Record<FuseName, { index: number; on: boolean; why: string }> = {
  RunAsNode: {
    index: 0,
    on: true,
    why:
      "still needed: the engine starts Electron's binary as Node (ELECTRON_RUN_AS_NODE) for the query and rows child, which the memory limit and Cancel stop, for restore's copy helper, and for the second read that tells a failing disk from damage; " +
      'off once those run as utility processes (electron-fuses.test.ts lists them and fails when the list and this setting disagree)',
  },
  EnableCookieEncryption: { index: 1, on: true, why: 'cookies on disk are encrypted with the OS keychain key' },
  EnableNodeOptionsEnvironmentVariable: { index: 2, on: false, why: 'NODE_OPTIONS (--require of any file) would run code inside the app and its children' },
  EnableNodeCliInspectArguments: { index: 3, on: false, why: '--inspect would open a debugger on the main process, which holds the keychain tokens' },
  EnableEmbeddedAsarIntegrityValidation: {
    index: 4,
    on: true,
    why: 'the app refuses an app.asar that differs from the hash embedded at packaging (macOS, Windows)',
  },
  OnlyLoadAppFromAsar: {
    index: 5,
    on: true,
    why: 'the app loads only from app.asar (the native addon and better-sqlite3 unpacked beside it), never from a folder put in its place',
  },
  LoadBrowserProcessSpecificV8Snapshot: { index: 6, on: false, why: 'no snapshot of our own: one snapshot for every process, as Electron ships' },
  GrantFileProtocolExtraPrivileges: {
    index: 7,
    on: false,
    why: 'the page comes from warden://console (app-protocol.ts), never from file://, so file:// needs no privileges',
  },
  WasmTrapHandlers: { index: 8, on: true, why: "Electron's default: WebAssembly bounds checked by trap handlers" },
};

/** The part of @electron/fuses used here (a test gives its own; the package is a devDependency of packaging only). */
export interface FusesModule {
  FuseVersion: { V1: string };
  flipFuses(electron: string, config: Record<string | number, unknown>): Promise<number>;
  /** Every fuse of the binary's wire by index, as the byte it holds; `version` too. */
  getCurrentFuseWire(electron: string): Promise<Record<string | number, unknown>>;
}

// FuseState in @electron/fuses: the byte each fuse holds in the wire.
const ENABLED = '1'.charCodeAt(0);
const DISABLED = '0'.charCodeAt(0);

/** The binary's wire as [index, byte] pairs, in order. */
async function wireOf(electron: string, fuses: FusesModule): Promise<[number, unknown][]> {
  const wire = await fuses.getCurrentFuseWire(electron);
  return Object.keys(wire)
    .filter((key) => /^\d+$/.test(key))
    .map((key): [number, unknown] => [Number(key), wire[key]])
    .sort(([a], [b]) => a - b);
}

/**
 * Flips every fuse of ELECTRON_FUSES that `electron` (the binary, or a macOS .app) has, then reads
 * the whole wire back. A fuse of the binary not decided here (a newer Electron's), or one that does
 * not read as set (an @electron/fuses too old to flip it, say), stops it with the fuse named:
 * never a package with a fuse left as it was.
 */
export async function flipElectronFuses(
  electron: string,
  fuses: FusesModule,
  target: { platform: string; arch: string } = process,
): Promise<Record<FuseName, 'on' | 'off' | 'absent'>> {
  const names = Object.keys(ELECTRON_FUSES) as FuseName[];
  const byIndex = new Map(names.map((name) => [ELECTRON_FUSES[name].index, name]));
  const before = await wireOf(electron, fuses);
  const undecided = before.filter(([index]) => !byIndex.has(index)).map(([index]) => `fuse ${index}`);
  if (undecided.length > 0) {
    throw new Error(
      `${electron} has ${undecided.join(', ')}, which scripts/electron-fuses.ts does not decide (a newer Electron's): decide each there (Electron's docs, "Fuses"), then package again.`,
    );
  }
  const config: Record<string | number, unknown> = {
    version: fuses.FuseVersion.V1,
    // Apple Silicon refuses to start a binary whose ad-hoc signature no longer matches it.
    resetAdHocDarwinSignature: target.platform === 'darwin' && target.arch === 'arm64',
  };
  // Only the fuses this binary has: @electron/fuses refuses to set one past the end of its wire.
  for (const [index] of before) config[index] = ELECTRON_FUSES[byIndex.get(index)!].on;
  await fuses.flipFuses(electron, config);

  const after = new Map(await wireOf(electron, fuses));
  const read = {} as Record<FuseName, 'on' | 'off' | 'absent'>;
  const wrong: string[] = [];
  for (const name of names) {
    const { index, on } = ELECTRON_FUSES[name];
    const state = after.get(index);
    read[name] = state === undefined ? 'absent' : state === ENABLED ? 'on' : 'off';
    if (state !== undefined && state !== (on ? ENABLED : DISABLED)) {
      wrong.push(`${name} reads ${state === ENABLED ? 'on' : state === DISABLED ? 'off' : `as ${String(state)}`}, not ${on ? 'on' : 'off'}`);
    }
  }
  if (wrong.length > 0)
    throw new Error(
      `The fuses of ${electron} are not as set: ${wrong.join('; ')}. Do not ship this package; a newer @electron/fuses may be needed to flip them.`,
    );
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
    process.stderr.write("usage: npm run fuses -- <the packaged app's Electron binary, or its .app on macOS>\n");
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
