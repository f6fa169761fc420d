import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
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

function standInFuses(options: { known?: FuseName[]; stuck?: FuseName } = {}) {
  const known = options.known ?? WIRE;
  const FuseV1Options: Record<string, number | string> = {};
  known.forEach((name) => {
    const index = WIRE.indexOf(name);
    FuseV1Options[name] = index;
    FuseV1Options[index] = name;
  });
  const wire = new Map<number, number>(WIRE.map((_, i) => [i, '1'.charCodeAt(0)])); // Electron ships every fuse but the V8 snapshot one on
  const flips: Record<string | number, unknown>[] = [];
  const fuses: FusesModule = {
    FuseVersion: { V1: '1' },
    FuseV1Options,
    async flipFuses(_electron, config) {
      flips.push(config);
      for (const [key, value] of Object.entries(config)) {
        const index = Number(key);
        if (Number.isInteger(index) && WIRE[index] !== options.stuck) wire.set(index, (value ? '1' : '0').charCodeAt(0));
      }
      return 1;
    },
    async getCurrentFuseWire() {
      return { version: '1', ...Object.fromEntries(wire) };
    },
  };
  return { fuses, flips };
}

/** The engine's source files (tests aside) that start Electron's binary as Node. */
function runAsNodeUsers(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((entry) => {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) return entry === 'test-support' ? [] : walk(path);
      return /\.ts$/.test(entry) && !entry.endsWith('.test.ts') && readFileSync(path, 'utf8').includes('ELECTRON_RUN_AS_NODE') ? [relative(REPO_ROOT, path)] : [];
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
    expect(Object.keys(ELECTRON_FUSES).sort()).toEqual([...WIRE].sort());
    for (const [name, fuse] of Object.entries(ELECTRON_FUSES)) expect(fuse.why.length, name).toBeGreaterThan(20);
  });

  it('keeps RunAsNode on only while the engine starts Electron as Node, and names those places', () => {
    const users = runAsNodeUsers();
    // When these move to utility processes, this list empties and RunAsNode must be turned off with it.
    expect(users).toEqual(['electron/engine/read-process.ts', 'electron/engine/restore-cut-over.ts']);
    expect(ELECTRON_FUSES.RunAsNode.on).toBe(users.length > 0);
    for (const user of users) expect(ELECTRON_FUSES.RunAsNode.why).toContain(user.includes('read-process') ? 'query and rows child' : "restore's copy helper");
  });

  it("flips each fuse by @electron/fuses' own index, requires every fuse of the binary to be decided, and reads them back", async () => {
    const { fuses, flips } = standInFuses();
    const read = await flipElectronFuses('/pkg/schema-warden', fuses, { platform: 'linux', arch: 'x64' });
    expect(read).toEqual(Object.fromEntries(Object.entries(ELECTRON_FUSES).map(([name, fuse]) => [name, fuse.on ? 'on' : 'off'])));
    expect(flips).toHaveLength(1);
    expect(flips[0]).toMatchObject({ version: '1', strictlyRequireAllFuses: true, resetAdHocDarwinSignature: false, 0: true, 2: false, 3: false, 4: true, 5: true, 7: false });
    const arm = standInFuses();
    await flipElectronFuses('/pkg/Schema Warden.app', arm.fuses, { platform: 'darwin', arch: 'arm64' });
    expect(arm.flips[0]).toMatchObject({ resetAdHocDarwinSignature: true });
  });

  it('refuses, naming the fuse, an @electron/fuses that does not know one of them (nothing flipped), and a fuse that does not read back as set', async () => {
    const old = standInFuses({ known: WIRE.slice(0, 7) });
    await expect(flipElectronFuses('/pkg/schema-warden', old.fuses)).rejects.toThrow(
      'The installed @electron/fuses does not know the fuse(s) GrantFileProtocolExtraPrivileges, WasmTrapHandlers: update it (npm install --save-dev @electron/fuses@latest) before packaging.',
    );
    expect(old.flips).toEqual([]);
    const stuck = standInFuses({ stuck: 'EnableNodeOptionsEnvironmentVariable' });
    await expect(flipElectronFuses('/pkg/schema-warden', stuck.fuses)).rejects.toThrow(
      'The fuses of /pkg/schema-warden are not as set: EnableNodeOptionsEnvironmentVariable reads on, not off. Do not ship this package.',
    );
  });

  it('`npm run fuses` without @electron/fuses installed says what to install, exit 1; without a path, exit 64', () => {
    const run = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'scripts/electron-fuses.ts'), ...args], { cwd: REPO_ROOT, encoding: 'utf8' });
    const noPath = run([]);
    expect(noPath.status).toBe(64);
    expect(noPath.stderr).toContain('usage: npm run fuses -- ');
    const missing = run(['/nowhere/electron']);
    let installed = true;
    try {
      import.meta.resolve('@electron/fuses');
    } catch {
      installed = false;
    }
    if (installed) return; // where it is installed, this run would try to open /nowhere/electron (exit 2)
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe('Flipping the fuses needs @electron/fuses, which is not installed: npm install --save-dev @electron/fuses, then run this again.\n');
  });
});
