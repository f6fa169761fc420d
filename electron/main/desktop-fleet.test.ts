import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetActionReport, FleetStatusReport } from '../../shared/types/fleet';
import type { CallEnvelope } from '../../shared/transport';
import type { HostEvent } from '../../shared/types/jobs';
import { DatabaseRegistry } from '../api/database-registry';
import { dispatch } from '../api/dispatch';
import { EngineWorkers } from '../api/engine-workers';
import type { HostContext } from '../api/host-context';
import { IntegrityMemory } from '../api/integrity-memory';
import { QueryHistory } from '../api/query-history';
import { Jobs } from '../api/jobs';
import { Operations } from '../api/operations';
import { SchemaCatalog } from '../api/schema-catalog';
import { actorFor } from '../engine/core/history/actor';
import { initialize } from '../engine/actions/initialize';
import { backup } from '../engine/actions/backup';
import { contextFor, seedFiles, SHIPPED_SCHEMA_DIR, sqlite3 } from '../engine/test-support/fixtures';
import { startHttpHost, type HttpHost } from '../server/http-host';
import { suiteDir } from '../server/test-support/suite-dir';
import { DesktopFleet } from './desktop-fleet';
import { FleetTokens } from './fleet-tokens';
import { fakeKeychain } from './test-support/fake-keychain';

// The fleet in the desktop app, without the Electron binary: the desktop host's handler table
// with DesktopFleet's capabilities, a real `warden serve` agent whose token only the app's
// keychain holds, a local file, and deployment windows standing in for BrowserWindows. sqlite3
// is the referee of what each database holds.

describe('the desktop app: fleet file, keychain tokens and deployment windows', () => {
  const folder = suiteDir();
  const dir = folder.path;
  const engine = new EngineWorkers({ entry: new URL('../api/engine-worker-tsx.mjs', import.meta.url), size: 1 });
  const mainEvents: HostEvent[] = [];
  const windows = new Map<number, { deployment: string; events: HostEvent[]; focused: number; closed: boolean; closedByUser: () => void }>();
  let nextId = 100;
  let chosen: string | null = null;
  let agent: HttpHost;
  let host: HostContext;
  let fleet: DesktopFleet;
  const tokensFile = join(dir, 'userData', 'fleet-tokens.json');
  const rememberedFile = join(dir, 'userData', 'fleet.json');
  const me = `${userInfo().username}@${hostname()}`;

  const call = async <T = unknown>(method: string, input: unknown): Promise<CallEnvelope<T>> => (await dispatch(host, method, input)) as CallEnvelope<T>;
  const result = async <T = unknown>(method: string, input: unknown): Promise<T> => {
    const envelope = await call<T>(method, input);
    if (!envelope.ok) throw new Error(`${method}: ${envelope.error.code} ${envelope.error.message}`);
    return envelope.result;
  };
  const states = async () =>
    (await result<FleetStatusReport>('fleetStatus', {})).deployments.map((d) => ({
      name: d.name,
      status: d.status,
      keychain: d.keychain,
      reason: d.status === 'healthy' ? '' : d.reason,
    }));
  const windowOf = (deployment: string) => [...windows.entries()].find(([, w]) => w.deployment === deployment && !w.closed)!;

  function newFleet(): DesktopFleet {
    return new DesktopFleet({
      host,
      tokens: new FleetTokens(tokensFile, keychain, 'linux'),
      rememberedFile,
      defaultSchemaDir: SHIPPED_SCHEMA_DIR,
      chooseFleetFile: async () => chosen,
      openWindow(deployment, closed) {
        const id = nextId++;
        const shown = { deployment, events: [] as HostEvent[], focused: 0, closed: false, closedByUser: closed };
        windows.set(id, shown);
        return { id, window: { send: (e) => shown.events.push(e), focus: () => shown.focused++, close: () => ((shown.closed = true), closed()) } };
      },
    });
  }
  const keychain = fakeKeychain();

  beforeAll(async () => {
    await initialize(contextFor(join(dir, 'remote.db')), { to: '1.0.0' });
    seedFiles(join(dir, 'remote.db'), 20);
    await initialize(contextFor(join(dir, 'local.db')));
    await backup(contextFor(join(dir, 'local.db'))); // backed up: healthy, not 'not backed up'
    agent = await startHttpHost({
      databases: [join(dir, 'remote.db')],
      schemaDir: SHIPPED_SCHEMA_DIR,
      port: 0,
      rendererDir: join(dir, 'none'),
      healthIntervalMs: 60_000,
      workers: 1,
    });
    writeFileSync(
      join(dir, 'fleet.json'),
      JSON.stringify({
        deployments: [
          { name: 'remote', group: 'production', url: agent.origin, tokenKeychain: true },
          { name: 'local', group: 'staging', file: 'local.db' },
        ],
      }),
    );
    host = {
      registry: new DatabaseRegistry(),
      schemas: new SchemaCatalog(dirname(SHIPPED_SCHEMA_DIR), 'conversation_files'),
      operations: new Operations(),
      integrity: new IntegrityMemory(),
      queryHistory: new QueryHistory(),
      jobs: new Jobs((job) => host.emit({ type: 'job', job })),
      identity: { via: 'the desktop app', operator: null, asksForOperator: false },
      engine,
      // As index.ts does: the main window gets every event, local files' deployment windows their operations'.
      emit: (event) => {
        mainEvents.push(event);
        fleet?.forward(event);
      },
      capabilities: { placeNewDatabase: async () => null },
    };
    fleet = newFleet();
    Object.assign(host.capabilities, fleet.capabilities());
  });
  afterAll(async () => {
    await fleet.close();
    await agent.close();
    await engine.close();
    folder.remove();
  });

  it('has no fleet until one is opened, and says how to open one', async () => {
    expect(await call('fleetStatus', {})).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: 'No fleet file is open in this app.' } });
    expect(await call('openFleet', {})).toEqual({ ok: true, result: null }); // the dialog was cancelled
    expect(existsSync(rememberedFile)).toBe(false);
  });

  it('opens the fleet file chosen in the dialog, tells the window, and opens it again at the next start', async () => {
    chosen = join(dir, 'fleet.json');
    expect(await result('openFleet', {})).toEqual({ path: chosen, deployments: 2, groups: ['production', 'staging'] });
    expect(mainEvents.filter((e) => e.type === 'fleet')).toEqual([
      { type: 'fleet', fleet: { path: chosen, deployments: 2, groups: ['production', 'staging'] } },
    ]);
    expect(newFleet().reopen()).toMatchObject({ path: chosen, deployments: 2 });
  });

  it('keeps a broken fleet file out and the open one open', async () => {
    writeFileSync(join(dir, 'broken.json'), JSON.stringify({ deployments: [{ name: 'x', url: 'http://10.0.0.9:7373', token: 'in-clear' }] }));
    chosen = join(dir, 'broken.json');
    const refused = await call('openFleet', {});
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: expect.stringContaining('a token is never written into the fleet file in clear') },
    });
    expect(JSON.stringify(refused)).not.toContain('in-clear');
    expect((await states()).map((d) => d.name)).toEqual(['remote', 'local']);
  });

  it('asks for the token the keychain does not hold yet, then reaches the agent with it', async () => {
    expect(await states()).toEqual([
      { name: 'remote', status: 'unreachable', keychain: 'missing', reason: 'No token is kept for remote in this app.' },
      { name: 'local', status: 'healthy', keychain: undefined, reason: '' },
    ]);
    expect(await call('keepFleetToken', { deployment: 'remote', token: 'not the agent token' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: expect.stringMatching(/^That is not an agent token/) },
    });
    expect(await call('keepFleetToken', { deployment: 'nowhere', token: agent.token })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const kept = await call('keepFleetToken', { deployment: 'remote', token: agent.token });
    expect(kept).toEqual({ ok: true, result: { deployment: 'remote', kept: true } });
    expect(await states()).toEqual([
      { name: 'remote', status: 'degraded', keychain: 'kept', reason: expect.stringMatching(/1\.1\.0|pending|behind/) },
      { name: 'local', status: 'healthy', keychain: undefined, reason: '' },
    ]);
    // The token is nowhere in clear: not in the app's files, not in what the host kept or sent.
    for (const file of [tokensFile, rememberedFile]) expect(readFileSync(file, 'utf8')).not.toContain(agent.token);
    expect(JSON.stringify([mainEvents, await call('jobs', {})])).not.toContain(agent.token);
  });

  it('opens a deployment in its own window whose calls reach that deployment, acting for the user logged in', async () => {
    expect(await result('openDeployment', { deployment: 'remote' })).toEqual({ deployment: 'remote' });
    const [id, shown] = windowOf('remote');
    // The main window's calls are the host's own; the deployment window's go to the agent.
    expect(fleet.callFrom(1, 'listDatabases', {})).toBeNull();
    expect(await fleet.callFrom(id, 'listDatabases', {})).toMatchObject({ ok: true, result: [{ id: 'remote' }] });
    const info = await fleet.callFrom(id, 'hostInfo', {});
    expect(info).toMatchObject({ ok: true, result: { operator: me, asksForOperator: false, readOnly: false } });
    // The window is told what it may call: its database's methods, not the main window's fleet or files.
    const mayCall = (info as { result: { mayCall: string[] } }).result.mayCall;
    expect(mayCall).toEqual(expect.arrayContaining(['migrate', 'backup', 'restore', 'repair', 'status', 'hostInfo', 'cancel']));
    for (const method of ['openFleet', 'keepFleetToken', 'closeDatabase', 'fleetMigrate']) expect(mayCall).not.toContain(method);
    expect(await fleet.callFrom(id, 'openFleet', {})).toMatchObject({ ok: false, error: { code: 'NOT_SUPPORTED' } });
    expect(await fleet.callFrom(id, 'keepFleetToken', { deployment: 'remote', token: 'x' })).toMatchObject({ ok: false, error: { code: 'NOT_SUPPORTED' } });

    const migrated = await fleet.callFrom(id, 'migrate', { db: 'remote', operationId: 'desktop-migrate-1' });
    expect(migrated).toMatchObject({ ok: true });
    expect(sqlite3(join(dir, 'remote.db'), 'SELECT max(version) FROM schema_version')).toBe('1.2.0');
    expect(sqlite3(join(dir, 'remote.db'), 'SELECT count(*) FROM conversation_files')).toBe('20');
    expect(sqlite3(join(dir, 'remote.db'), "SELECT DISTINCT applied_by FROM schema_version WHERE version = '1.2.0'")).toBe(actorFor(`${me} via warden serve`));
    // The agent's progress events reached this window (and not the main window).
    await expect
      .poll(() => shown.events.filter((e) => e.type === 'progress' && e.operationId === 'desktop-migrate-1').length, { timeout: 10_000 })
      .toBeGreaterThan(0);
    expect(mainEvents.some((e) => e.type === 'progress' && e.operationId === 'desktop-migrate-1')).toBe(false);

    // Open again: the same window comes forward.
    await result('openDeployment', { deployment: 'remote' });
    expect(shown.focused).toBe(1);
    expect([...windows.values()].filter((w) => w.deployment === 'remote')).toHaveLength(1);
  });

  it("serves a local file's window with this app's engine and passes its operations' progress to it", async () => {
    await result('openDeployment', { deployment: 'local' });
    const [id, shown] = windowOf('local');
    expect(await fleet.callFrom(id, 'status', { db: 'local' })).toMatchObject({ ok: true, result: { status: 'healthy', version: '1.2.0' } });
    const backup = await fleet.callFrom(id, 'backup', { db: 'local', operationId: 'desktop-backup-1' });
    expect(backup).toMatchObject({ ok: true, result: { verified: { ok: true } } });
    expect(shown.events.some((e) => e.type === 'progress' && e.operationId === 'desktop-backup-1')).toBe(true);
    expect(sqlite3((backup as { ok: true; result: { path: string } }).result.path, 'PRAGMA integrity_check')).toBe('ok');
  });

  it("a local file's window sees and cancels only its own jobs, never the main window's", async () => {
    const [id, shown] = windowOf('local');
    // The main window runs a query of its own on another database, under an id the deployment window could guess.
    const mine = host.registry.add(join(dir, 'remote.db'), 'conversation_files');
    const runaway = dispatch(host, 'query', {
      db: mine.id,
      sql: 'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n',
      timeoutMs: 20_000,
      operationId: 'main-window-query-1',
    });
    await expect.poll(() => mainEvents.some((e) => e.type === 'job' && e.job.id === 'main-window-query-1')).toBe(true);
    const listed = await fleet.callFrom(id, 'jobs', {});
    expect(listed).toMatchObject({ ok: true });
    expect(JSON.stringify(listed)).not.toContain('main-window-query-1');
    expect(JSON.stringify(listed)).toContain('desktop-backup-1'); // its own backup, from the test before
    expect(await fleet.callFrom(id, 'cancel', { operationId: 'main-window-query-1' })).toEqual({ ok: true, result: { cancelled: false } });
    expect(shown.events.some((e) => e.type === 'job' && e.job.id === 'main-window-query-1')).toBe(false);
    // A window the fleet does not know is not a deployment window (index.ts then refuses it: see unknownWindow).
    expect(fleet.callFrom(999, 'cancel', { operationId: 'main-window-query-1' })).toBeNull();
    expect(await dispatch(host, 'cancel', { operationId: 'main-window-query-1' })).toEqual({ ok: true, result: { cancelled: true } });
    expect(await runaway).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    host.registry.remove(mine.id);
  });

  it("verifies all and backs up all from the main window (host jobs, acting for the user logged in), never from a deployment's", async () => {
    const verified = await result<FleetActionReport>('fleetVerify', { level: 'full', parallel: 2 });
    expect(verified.deployments.map((d) => [d.name, d.status])).toEqual([
      ['local', 'healthy'],
      ['remote', 'healthy'],
    ]);
    const backedUp = await result<FleetActionReport>('fleetBackup', { parallel: 1, group: 'production' });
    expect(backedUp.deployments.map((d) => [d.name, d.status])).toEqual([['remote', 'healthy']]);
    expect(sqlite3(join(dir, 'remote.db'), "SELECT actor FROM schema_events WHERE action = 'backup' ORDER BY rowid DESC LIMIT 1")).toBe(
      actorFor(`${me} via warden serve`),
    );
    const [id] = windowOf('local');
    expect(await fleet.callFrom(id, 'fleetBackup', { parallel: 1 })).toMatchObject({ ok: false, error: { code: 'NOT_SUPPORTED' } });
  });

  it('forgets a token: the agent is unreachable again at once, and a closed window gets no more events', async () => {
    const [id, shown] = windowOf('remote');
    shown.closedByUser();
    expect(fleet.callFrom(id, 'status', { db: 'remote' })).toBeNull();
    expect(await result('forgetFleetToken', { deployment: 'remote' })).toEqual({ deployment: 'remote', forgotten: true });
    expect((await states())[0]).toMatchObject({ name: 'remote', status: 'unreachable', keychain: 'missing' });
    expect(await result('forgetFleetToken', { deployment: 'remote' })).toEqual({ deployment: 'remote', forgotten: false });
    const seen = shown.events.length;
    await fetch(`${agent.origin}/api/backup`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${agent.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ db: 'remote', operationId: 'after-close-1' }),
    });
    expect(shown.events.length).toBe(seen);
  });
});
