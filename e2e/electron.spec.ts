import { _electron as electron, expect, test } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CallEnvelope, WardenBridge } from '../shared/transport';
import type { DatabaseEntry } from '../shared/types/databases';

// The desktop app for real: Electron starts on the built app, creates and initializes the default
// database on first run, and the console shows its version.

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');

/** The Electron executable, or null: the electron package throws when its binary was never downloaded. */
function electronBinary(): string | null {
  try {
    const path = createRequire(import.meta.url)('electron') as unknown;
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();

test.skip(
  binary === null,
  "Electron's binary is not installed on this machine (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1, as offline installs must be); this spec runs where it is.",
);

test.beforeAll(() => {
  if (existsSync(join(ROOT, 'out/main/index.js'))) return;
  const build = spawnSync(process.execPath, [join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { cwd: ROOT, encoding: 'utf8' });
  expect(build.status, build.stderr).toBe(0);
});

test('opens the default database on first run and shows its version', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'warden-e2e-'));
  const app = await electron.launch({ executablePath: binary!, args: [ROOT], cwd: ROOT, env: { ...process.env, WARDEN_DATA_DIR: dataDir } });
  try {
    const page = await app.firstWindow();
    const call = (method: string, input: unknown) =>
      page.evaluate(([m, i]) => (globalThis as unknown as { warden: WardenBridge }).warden.call(m as string, i), [method, input] as const) as Promise<
        CallEnvelope<unknown>
      >;

    const databaseIds = async () => {
      const reply = await call('listDatabases', {});
      return reply.ok ? (reply.result as DatabaseEntry[]).map((d) => d.id) : reply.error.code;
    };
    await expect.poll(databaseIds).toEqual(['conversation_files']);
    expect(existsSync(join(dataDir, 'conversation_files.db'))).toBe(true);
    // Created here and never backed up: it needs attention (not backed up), which still starts a service.
    expect(await call('status', { db: 'conversation_files' })).toMatchObject({
      ok: true,
      result: { status: 'degraded', version: '1.2.0', reason: expect.stringMatching(/^Not backed up/) },
    });
    await expect(page.locator('body')).toContainText('1.2.0');

    // The page reaches the engine only through the bridge: no Node, no ipcRenderer.
    expect(await page.evaluate(() => [typeof (globalThis as { require?: unknown }).require, typeof (globalThis as { process?: unknown }).process])).toEqual([
      'undefined',
      'undefined',
    ]);
    expect(await call('status', { db: '/etc/passwd' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('opens a fleet file from File → Open Fleet…, and a deployment in a window of its own', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-e2e-fleet-'));
  const env = { ...process.env, WARDEN_DATA_DIR: join(dir, 'data'), WARDEN_USER_DATA_DIR: join(dir, 'userData') };
  const init = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), join(ROOT, 'electron/cli/main.ts'), 'init', '--db', join(dir, 'qa.db')],
    { cwd: ROOT, encoding: 'utf8' },
  );
  expect(init.status, init.stderr).toBe(0);
  const backedUp = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), join(ROOT, 'electron/cli/main.ts'), 'backup', '--db', join(dir, 'qa.db')],
    { cwd: ROOT, encoding: 'utf8' },
  );
  expect(backedUp.status, backedUp.stderr).toBe(0); // backed up: healthy, not 'not backed up'
  writeFileSync(
    join(dir, 'fleet.json'),
    JSON.stringify({
      deployments: [
        { name: 'qa', group: 'staging', file: 'qa.db' },
        { name: 'vm1', url: 'http://127.0.0.1:9', tokenKeychain: true },
      ],
    }),
  );
  const app = await electron.launch({ executablePath: binary!, args: [ROOT], cwd: ROOT, env });
  try {
    const page = await app.firstWindow();
    const callIn = (target: typeof page, method: string, input: unknown) =>
      target.evaluate(([m, i]) => (globalThis as unknown as { warden: WardenBridge }).warden.call(m as string, i), [method, input] as const) as Promise<
        CallEnvelope<unknown>
      >;
    // The native dialog answers with the fleet file, as a person picking it would.
    await app.evaluate(
      ({ dialog }, file) => {
        dialog.showOpenDialog = (async () => ({ canceled: false, filePaths: [file] })) as typeof dialog.showOpenDialog;
      },
      join(dir, 'fleet.json'),
    );
    expect(await callIn(page, 'openFleet', {})).toMatchObject({ ok: true, result: { deployments: 2 } });
    await expect(page.getByRole('heading', { name: 'Fleet' })).toBeVisible();
    const status = await callIn(page, 'fleetStatus', {});
    expect(status).toMatchObject({
      ok: true,
      result: {
        deployments: [
          { name: 'vm1', status: 'unreachable', keychain: 'missing' },
          { name: 'qa', status: 'healthy' },
        ],
      },
    });

    // The keychain keeps the token where the system protects it, and says why not elsewhere.
    const kept = await callIn(page, 'keepFleetToken', { deployment: 'vm1', token: 'an-agent-token-0123456789' });
    if (!kept.ok) expect(kept.error).toMatchObject({ code: 'NOT_SUPPORTED', message: expect.stringMatching(/keychain is not available|no secret service/) });
    expect(readFileSync(join(dir, 'userData', 'fleet.json'), 'utf8')).toContain('fleet.json');

    const opened = app.waitForEvent('window');
    await page.getByRole('button', { name: 'Open qa' }).click();
    const qa = await opened;
    await expect(qa.getByText('Fleet deployment')).toContainText('qa');
    expect(await callIn(qa, 'status', { db: 'qa' })).toMatchObject({ ok: true, result: { status: 'healthy', version: '1.2.0' } });
    expect(await callIn(qa, 'openFleet', {})).toMatchObject({ ok: false, error: { code: 'NOT_SUPPORTED' } });
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
