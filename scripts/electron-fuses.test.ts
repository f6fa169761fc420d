import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../electron/engine/test-support/fixtures';
import { ELECTRON_FUSES, flipElectronFuses, type FuseName, type FusesModule } from './electron-fuses';

// The fuses the packaged desktop app is given, and how they are flipped. @electron/fuses and
// Electron's binary are not installed here: a stand-in module keeps the wire as @electron/fuses
// does (by each fuse's index, '1' on and '0' off) so that what is flipped is what is read back.

// The V1 wire's order, as @electron/fuses numbers it.
const WIRE: FuseName[] = [
  'RunAsNode',
  'EnableCookieEncryption',
  'EnableNodeOptionsEnvironmentVariable',
  'EnableNodeCliInspectArguments',
  'EnableEmbeddedAsarIntegrityValidation',
  'OnlyLoadAppFromAsar',
  'LoadBrowserProcessSpecificV8Snapshot',
  'GrantFileProtocolExtraPrivileges',
  'WasmTrapHandlers',
];

/**
 * @electron/fuses over a binary's wire of `length` fuses, as shipped (`shipped`, '1' on, '0' off);
 * `flips`: the indices this version of it can set (an older one knows fewer); `stuck`: one that never changes.
 */
function standInFuses(options: { length?: number; shipped?: string; flips?: number; stuck?: number } = {}) {
  const length = options.length ?? WIRE.length;
  const shipped = options.shipped ?? '1'.repeat(length);
  const wire = new Map<number, number>([...shipped].map((c, i) => [i, c.charCodeAt(0)]));
  const flips: Record<string | number, unknown>[] = [];
  const fuses: FusesModule = {
    FuseVersion: { V1: '1' },
    async flipFuses(_electron, config) {
      flips.push(config);
      for (const [key, value] of Object.entries(config)) {
        const index = Number(key);
        if (!Number.isInteger(index)) continue;
        if (index >= length) throw new Error('the fuse wire in this version of Electron is not long enough');
        if (index < (options.flips ?? length) && index !== options.stuck) wire.set(index, (value ? '1' : '0').charCodeAt(0));
      }
      return 1;
    },
    async getCurrentFuseWire() {
      return { version: '1', ...Object.fromEntries(wire) };
    },
  };
  return { fuses, flips, wire: () => [...wire.values()].map((b) => String.fromCharCode(b)).join('') };
}

const FUSES_INSTALLED = (() => {
  try {
    createRequire(import.meta.url).resolve('@electron/fuses');
    return true;
  } catch {
    return false;
  }
})();

/** The engine's source files (tests aside) that start Electron's binary as Node. */
function runAsNodeUsers(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((entry) => {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) return entry === 'test-support' ? [] : walk(path);
      return /\.ts$/.test(entry) && !entry.endsWith('.test.ts') && readFileSync(path, 'utf8').includes('ELECTRON_RUN_AS_NODE')
        ? [relative(REPO_ROOT, path)]
        : [];
    });
  return ['electron', 'shared'].flatMap((folder) => walk(join(REPO_ROOT, folder))).sort();
}

describe('the fuses of the packaged desktop app', () => {
  it('turns off NODE_OPTIONS, --inspect and file:// privileges, and turns on cookie encryption, asar integrity and loading only from app.asar', () => {
    const set = Object.fromEntries(Object.entries(ELECTRON_FUSES).map(([name, fuse]) => [name, fuse.on]));
    expect(set).toEqual({
      RunAsNode: true,
      EnableCookieEncryption: true,
      EnableNodeOptionsEnvironmentVariable: false,
      EnableNodeCliInspectArguments: false,
      EnableEmbeddedAsarIntegrityValidation: true,
      OnlyLoadAppFromAsar: true,
      LoadBrowserProcessSpecificV8Snapshot: false,
      GrantFileProtocolExtraPrivileges: false,
      WasmTrapHandlers: true,
    });
    // Every fuse of the wire is decided, each with its reason.
    expect(Object.keys(ELECTRON_FUSES)).toEqual(WIRE);
    for (const [name, fuse] of Object.entries(ELECTRON_FUSES)) expect(fuse.why.length, name).toBeGreaterThan(20);
  });

  it('keeps RunAsNode on only while the engine starts Electron as Node, and names those places', () => {
    const users = runAsNodeUsers();
    // When these move to utility processes, this list empties and RunAsNode must be turned off with it.
    const named: Record<string, string> = {
      'electron/engine/core/backups/restore-cut-over.ts': "restore's copy helper",
      'electron/engine/core/data/read-process.ts': 'query and rows child',
      'electron/engine/core/sqlite/failing-disk.ts': 'tells a failing disk from damage',
    };
    expect(users).toEqual(Object.keys(named));
    expect(ELECTRON_FUSES.RunAsNode.on).toBe(users.length > 0);
    for (const user of users) expect(ELECTRON_FUSES.RunAsNode.why).toContain(named[user]);
  });

  it('flips each fuse at its index in the wire, and reads the whole wire back', async () => {
    const { fuses, flips, wire } = standInFuses();
    const read = await flipElectronFuses('/pkg/schema-warden', fuses, { platform: 'linux', arch: 'x64' });
    expect(read).toEqual(Object.fromEntries(Object.entries(ELECTRON_FUSES).map(([name, fuse]) => [name, fuse.on ? 'on' : 'off'])));
    expect(wire()).toBe(WIRE.map((name) => (ELECTRON_FUSES[name].on ? '1' : '0')).join(''));
    expect(flips).toEqual([
      { version: '1', resetAdHocDarwinSignature: false, 0: true, 1: true, 2: false, 3: false, 4: true, 5: true, 6: false, 7: false, 8: true },
    ]);
    expect(WIRE.map((name) => ELECTRON_FUSES[name].index)).toEqual(WIRE.map((_, i) => i));
    const arm = standInFuses();
    await flipElectronFuses('/pkg/Schema Warden.app', arm.fuses, { platform: 'darwin', arch: 'arm64' });
    expect(arm.flips[0]).toMatchObject({ resetAdHocDarwinSignature: true });
    // An older Electron, without the last fuse: only the fuses it has are set.
    const older = standInFuses({ length: 8 });
    expect((await flipElectronFuses('/pkg/schema-warden', older.fuses)).WasmTrapHandlers).toBe('absent');
    expect(Object.keys(older.flips[0]).filter((key) => /^\d+$/.test(key))).toEqual(['0', '1', '2', '3', '4', '5', '6', '7']);
  });

  it('refuses, naming the fuse: one of the binary not decided here (nothing flipped), one an older @electron/fuses cannot set, one that does not read back as set', async () => {
    const newer = standInFuses({ length: 10 });
    await expect(flipElectronFuses('/pkg/schema-warden', newer.fuses)).rejects.toThrow(
      '/pkg/schema-warden has fuse 9, which scripts/electron-fuses.ts does not decide (a newer Electron\'s): decide each there (Electron\'s docs, "Fuses"), then package again.',
    );
    expect(newer.flips).toEqual([]);
    // @electron/fuses 1.8 (what Node 20 installs) knows 8 fuses: the 9th stays as shipped, which passes only when that is what is decided.
    const oldTool = standInFuses({ flips: 8, shipped: '111111110' });
    await expect(flipElectronFuses('/pkg/schema-warden', oldTool.fuses)).rejects.toThrow(
      'The fuses of /pkg/schema-warden are not as set: WasmTrapHandlers reads off, not on. Do not ship this package; a newer @electron/fuses may be needed to flip them.',
    );
    expect(await flipElectronFuses('/pkg/schema-warden', standInFuses({ flips: 8 }).fuses)).toMatchObject({ WasmTrapHandlers: 'on' });
    const stuck = standInFuses({ stuck: 2 });
    await expect(flipElectronFuses('/pkg/schema-warden', stuck.fuses)).rejects.toThrow(
      'The fuses of /pkg/schema-warden are not as set: EnableNodeOptionsEnvironmentVariable reads on, not off.',
    );
  });

  it('`npm run fuses` without @electron/fuses installed says what to install, exit 1; without a path, exit 64', () => {
    const run = (args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'scripts/electron-fuses.ts'), ...args], { cwd: REPO_ROOT, encoding: 'utf8' });
    const noPath = run([]);
    expect(noPath.status).toBe(64);
    expect(noPath.stderr).toContain('usage: npm run fuses -- ');
    const missing = run(['/nowhere/electron']);
    if (FUSES_INSTALLED) return; // where it is installed, this run would try to open /nowhere/electron (exit 2)
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe(
      'Flipping the fuses needs @electron/fuses, which is not installed: npm install --save-dev @electron/fuses, then run this again.\n',
    );
  });

  it.skipIf(!FUSES_INSTALLED)(
    "with @electron/fuses installed (skipped here: it is not), flips the wire of a binary holding Electron's sentinel and reads it back",
    async () => {
      const binary = join(mkdtempSync(join(tmpdir(), 'warden-fuses-')), 'electron');
      // Electron's layout: the sentinel, the wire's version (1) and length, then one byte per fuse ('1' on, '0' off), all on as shipped.
      // (Checked by hand against @electron/fuses 1.8.0, what npm installs on Node 20, with wires of 8, 9 and 10 fuses.)
      const wireAt = 64 + 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'.length + 2;
      writeFileSync(
        binary,
        Buffer.concat([
          Buffer.alloc(64),
          Buffer.from('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'),
          Buffer.from([1, WIRE.length]),
          Buffer.from('1'.repeat(WIRE.length)),
          Buffer.alloc(64),
        ]),
      );
      const fuses = (await import('@electron/fuses' as string)) as FusesModule;
      await flipElectronFuses(binary, fuses, { platform: 'linux', arch: 'x64' });
      const wire = readFileSync(binary)
        .subarray(wireAt, wireAt + WIRE.length)
        .toString('latin1');
      expect(wire).toBe(WIRE.map((name) => (ELECTRON_FUSES[name].on ? '1' : '0')).join(''));
    },
  );
});
