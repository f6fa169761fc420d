import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METHOD_NAMES } from '../../shared/contract';
import { execFileSync } from 'node:child_process';
import type { HistoryReport } from '../../shared/types/history';
import type { HostEvent, Job } from '../../shared/types/jobs';
import type { StatusReport } from '../../shared/types/status';
import { actorFor } from '../engine/core/history/actor';
import { initialize } from '../engine/actions/initialize';
import { damageMiddlePages } from '../engine/test-support/damage';
import { contextFor, seedFiles, sha256File, SHIPPED_SCHEMA_DIR } from '../engine/test-support/fixtures';
import { runningReadProcesses } from '../engine/test-support/read-processes';
import { suiteDir } from '../server/test-support/suite-dir';
import { DatabaseRegistry } from './database-registry';
import { dispatch } from './dispatch';
import { EngineWorkers } from './engine-workers';
import { handlers } from './handlers';
import { salvagedPathBeside, verbs } from '../engine/verbs';
import type { HostCapabilities, HostContext } from './host-context';
import { IntegrityMemory } from './integrity-memory';
import { QueryHistory } from './query-history';
import { Jobs } from './jobs';
import { Operations } from './operations';
import { SchemaCatalog } from './schema-catalog';

// The dispatcher and the handler table with a real host context: engine workers, real files.

const engine = new EngineWorkers({ entry: new URL('./engine-worker-tsx.mjs', import.meta.url), size: 2 });
const folder = suiteDir();
afterAll(async () => {
  await engine.close();
  folder.remove();
});

function hostWith(capabilities: Partial<HostCapabilities> = {}): { host: HostContext; events: HostEvent[] } {
  const events: HostEvent[] = [];
  const host: HostContext = {
    registry: new DatabaseRegistry(),
    schemas: new SchemaCatalog(dirname(SHIPPED_SCHEMA_DIR), 'conversation_files'),
    operations: new Operations(),
    integrity: new IntegrityMemory(),
    queryHistory: new QueryHistory(),
    jobs: new Jobs((job) => events.push({ type: 'job', job })),
    identity: { via: 'a test host', operator: null, asksForOperator: false },
    engine,
    emit: (event) => events.push(event),
    capabilities: { placeNewDatabase: async (name) => join(folder.path, name), ...capabilities },
  };
  return { host, events };
}

describe('the handler table', () => {
  it('has entries only for contract methods, and verbs only for methods on a database', () => {
    for (const method of [...Object.keys(handlers), ...Object.keys(verbs)]) expect(METHOD_NAMES).toContain(method);
    for (const method of Object.keys(verbs)) expect(method).not.toMatch(/^(listSchemas|listDatabases|openDatabase|createDatabase|cancel|jobs|hostInfo)$/);
  });

  it('handles every method of the contract once, as a host method or as an engine verb, so both hosts offer all of them', () => {
    expect(Object.keys(handlers).filter((method) => Object.hasOwn(verbs, method))).toEqual([]);
    expect([...Object.keys(handlers), ...Object.keys(verbs)].sort()).toEqual([...METHOD_NAMES].sort());
  });
});

describe('dispatch with real engine workers', () => {
  const dbPath = join(folder.path, 'shop.db');
  beforeAll(async () => {
    await initialize(contextFor(dbPath));
  });

  it('runs an engine method on a registered database and tags its events with operation and database', async () => {
    const { host, events } = hostWith();
    const entry = host.registry.add(dbPath, 'conversation_files');
    const envelope = await dispatch(host, 'verify', { db: entry.id, level: 'full', operationId: 'op-verify-1' });
    expect(envelope).toMatchObject({ ok: true, result: { status: 'healthy', integrity: { level: 'full', ok: true } } });
    const progress = events.filter((e) => e.type !== 'job');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((e) => e.type === 'progress' && e.operationId === 'op-verify-1' && e.db === 'shop')).toBe(true);
  });

  it('names an unknown database id, and an engine failure arrives with its code and sentence', async () => {
    const { host } = hostWith();
    expect(await dispatch(host, 'status', { db: 'nowhere' })).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_DATABASE', message: 'No database has the id "nowhere" here (known: none).' },
    });
    const notes = join(folder.path, 'notes.db');
    writeFileSync(notes, 'shopping list: milk, eggs, flour, and a few more things to make the file long enough\n'.repeat(3));
    host.registry.add(notes, 'conversation_files');
    const envelope = await dispatch(host, 'status', { db: 'notes' });
    expect(envelope).toMatchObject({ ok: false, error: { code: 'NOT_A_DATABASE' } });
    expect(JSON.stringify(envelope)).not.toMatch(/\n\s+at /);
  });

  it('refuses a second operation with the id of one still running', async () => {
    const { host } = hostWith();
    const entry = host.registry.add(dbPath, 'conversation_files');
    const first = dispatch(host, 'verify', { db: entry.id, level: 'full', operationId: 'same-id-0001' });
    const second = await dispatch(host, 'verify', { db: entry.id, operationId: 'same-id-0001' });
    expect(second).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: 'An operation with the id same-id-0001 is already running.' } });
    expect((await first).ok).toBe(true);
  });

  it('cancel stops a running query at once, though the query reports no progress for the worker to notice it at', async () => {
    const { host } = hostWith();
    const entry = host.registry.add(dbPath, 'conversation_files');
    const runaway = dispatch(host, 'query', {
      db: entry.id,
      sql: 'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n',
      timeoutMs: 20_000,
      operationId: 'op-runaway-query',
    });
    await expect.poll(() => runningReadProcesses().length, { timeout: 20_000 }).toBe(1); // running, in its own process
    expect(await dispatch(host, 'cancel', { operationId: 'op-runaway-query' })).toMatchObject({ ok: true, result: { cancelled: true } });
    expect(await runaway).toMatchObject({ ok: false, error: { code: 'CANCELLED', message: 'The query was cancelled and stopped; nothing was changed.' } });
    expect(runningReadProcesses()).toEqual([]); // stopped, not left to its 20 s time limit
  });

  it('a cancel sent right after the query, before its worker starts it, or while it waits in the queue, leaves no query process running (it ran to its time limit)', async () => {
    const { host } = hostWith();
    const entry = host.registry.add(dbPath, 'conversation_files');
    const runaway = (operationId: string) =>
      dispatch(host, 'query', {
        db: entry.id,
        sql: 'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n',
        timeoutMs: 20_000,
        operationId,
      });
    for (let round = 0; round < 3; round++) {
      const id = `op-early-cancel-${round}`;
      const query = runaway(id);
      expect(await dispatch(host, 'cancel', { operationId: id })).toMatchObject({ ok: true, result: { cancelled: true } });
      expect(await query).toMatchObject({ ok: false, error: { code: 'CANCELLED', message: expect.not.stringContaining('time limit') } });
      expect(runningReadProcesses()).toEqual([]);
    }
    // Both workers busy: the third waits in the queue, and its cancel drops it there.
    const busy = [runaway('op-busy-query-1'), runaway('op-busy-query-2')];
    await expect.poll(() => runningReadProcesses().length, { timeout: 20_000 }).toBe(2);
    const queued = runaway('op-queued-query');
    expect(await dispatch(host, 'cancel', { operationId: 'op-queued-query' })).toMatchObject({ ok: true, result: { cancelled: true } });
    expect(await queued).toMatchObject({ ok: false, error: { code: 'CANCELLED', message: expect.stringContaining('before it started') } });
    for (const id of ['op-busy-query-1', 'op-busy-query-2']) await dispatch(host, 'cancel', { operationId: id });
    for (const query of busy) expect(await query).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    expect(runningReadProcesses()).toEqual([]);
  });

  it('openDatabase registers the file the host chose, answers null when the user cancels, and NOT_SUPPORTED without a dialog', async () => {
    const chosen = hostWith({ chooseDatabaseToOpen: async () => dbPath });
    expect(await dispatch(chosen.host, 'openDatabase', {})).toMatchObject({ ok: true, result: { id: 'shop', path: dbPath, schema: 'conversation_files' } });
    expect(chosen.events).toEqual([]); // registry events are the host's to send (see the hosts' onChange)
    expect(await dispatch(hostWith({ chooseDatabaseToOpen: async () => null }).host, 'openDatabase', {})).toEqual({ ok: true, result: null });
    expect(await dispatch(hostWith().host, 'openDatabase', {})).toMatchObject({ ok: false, error: { code: 'NOT_SUPPORTED' } });
  });

  it('createDatabase initializes at the chosen version where the host says, and creates nothing when cancelled', async () => {
    const { host } = hostWith();
    const envelope = await dispatch(host, 'createDatabase', { schema: 'conversation_files', version: '1.0.0', name: 'old_install' });
    expect(envelope).toMatchObject({ ok: true, result: { id: 'old_install', name: 'old_install.db' } });
    expect(await dispatch(host, 'status', { db: 'old_install' })).toMatchObject({ ok: true, result: { version: '1.0.0', pending: ['1.1.0', '1.2.0'] } });
    expect(await dispatch(host, 'createDatabase', { schema: 'conversation_files', version: '7.0.0' })).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_VERSION' },
    });
    expect(await dispatch(host, 'createDatabase', { schema: 'no_such_schema' })).toMatchObject({ ok: false, error: { code: 'SCHEMA_NOT_FOUND' } });

    const cancelled = hostWith({ placeNewDatabase: async () => null });
    expect(await dispatch(cancelled.host, 'createDatabase', { schema: 'conversation_files', name: 'never' })).toMatchObject({
      ok: false,
      error: { code: 'CANCELLED' },
    });
    expect(existsSync(join(folder.path, 'never.db'))).toBe(false);
  });

  it('closeDatabase forgets a database and leaves its file as it was; an unknown id is refused', async () => {
    const { host } = hostWith();
    const before = readFileSync(dbPath);
    const opened = host.registry.add(dbPath, 'conversation_files');
    expect(await dispatch(host, 'closeDatabase', { db: opened.id })).toEqual({ ok: true, result: { closed: true } });
    expect(await dispatch(host, 'listDatabases', {})).toEqual({ ok: true, result: [] });
    expect(await dispatch(host, 'closeDatabase', { db: opened.id })).toMatchObject({ ok: false, error: { code: 'UNKNOWN_DATABASE' } });
    expect(readFileSync(dbPath).equals(before)).toBe(true);
  });

  it('keeps every long operation as a job: announced at start and end, listed by jobs with its result and who started it', async () => {
    const { host, events } = hostWith();
    const entry = host.registry.add(dbPath, 'conversation_files');
    const verified = await dispatch(host, 'verify', { db: entry.id, level: 'full' }); // no operationId: the host gives it one
    expect(verified.ok).toBe(true);
    const announced = events.flatMap((e) => (e.type === 'job' ? [e.job] : []));
    expect(announced.map((j) => j.state)).toEqual(['running', 'done']);
    const listed = ((await dispatch(host, 'jobs', {})) as { ok: true; result: Job[] }).result;
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ kind: 'verify', db: 'shop', options: { level: 'full' }, state: 'done', startedBy: actorFor(), error: null });
    expect(listed[0].id).toMatch(/^job-[0-9a-f-]{36}$/);
    expect(listed[0].result).toEqual((verified as { result: unknown }).result);
    expect(listed[0].progress).toMatchObject({ operation: 'verify', phase: 'done' });
    // Its progress events carry the id the host gave it, so a console can follow it.
    expect(events.some((e) => e.type === 'progress' && e.operationId === listed[0].id)).toBe(true);
    expect(Date.parse(listed[0].endedAt!)).toBeGreaterThanOrEqual(Date.parse(listed[0].startedAt));
  });

  it('keeps no job for quick reads and dry runs, and no rows of a query', async () => {
    const { host } = hostWith();
    const entry = host.registry.add(dbPath, 'conversation_files');
    await dispatch(host, 'status', { db: entry.id });
    await dispatch(host, 'plan', { db: entry.id });
    expect(await dispatch(host, 'repair', { db: entry.id, dryRun: true, backup: false })).toMatchObject({ ok: true });
    expect(await dispatch(host, 'query', { db: entry.id, sql: 'SELECT 1 AS one' })).toMatchObject({ ok: true, result: { rows: [[1]] } });
    const listed = ((await dispatch(host, 'jobs', {})) as { ok: true; result: Job[] }).result;
    expect(listed.map((j) => [j.kind, j.state, j.result])).toEqual([['query', 'done', null]]);
  });

  it('a job started without an operationId is cancelled from the jobs list by its id, and ends as cancelled', async () => {
    const { host } = hostWith();
    const entry = host.registry.add(dbPath, 'conversation_files');
    const runaway = dispatch(host, 'query', {
      db: entry.id,
      sql: 'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n',
      timeoutMs: 20_000,
    });
    await expect.poll(() => host.jobs.list().filter((j) => j.state === 'running').length).toBe(1);
    const [running] = host.jobs.list();
    expect(await dispatch(host, 'cancel', { operationId: running.id })).toEqual({ ok: true, result: { cancelled: true } });
    expect(await runaway).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    expect(host.jobs.list()[0]).toMatchObject({ id: running.id, state: 'cancelled', error: { code: 'CANCELLED' } });
  });

  it('records the operator a call names as the actor of the history rows it writes, and of its job', async () => {
    const { host } = hostWith();
    const path = join(folder.path, 'operated.db');
    await initialize(contextFor(path));
    const entry = host.registry.add(path, 'conversation_files');
    expect(await dispatch(host, 'backup', { db: entry.id }, { operator: 'Zoë Álvarez' })).toMatchObject({ ok: true });
    const history = (await dispatch(host, 'history', { db: entry.id })) as { ok: true; result: HistoryReport };
    expect(history.result.events[0]).toMatchObject({ action: 'backup', actor: actorFor('Zoë Álvarez via a test host') });
    expect(history.result.events[0].actor).toMatch(/^Zoë Álvarez via a test host \(\S+@\S+, pid \d+\)$/);
    expect(host.jobs.list()[0].startedBy).toBe(actorFor('Zoë Álvarez via a test host'));
    // Without a name the host's own user acts, as before.
    await dispatch(host, 'backup', { db: entry.id });
    const after = (await dispatch(host, 'history', { db: entry.id })) as { ok: true; result: HistoryReport };
    expect(after.result.events[0].actor).toBe(actorFor());
  });

  it('status reuses the quick_check the host kept while the file is unchanged, and checks again after a write', async () => {
    const { host } = hostWith();
    const path = join(folder.path, 'kept-check.db');
    await initialize(contextFor(path));
    const entry = host.registry.add(path, 'conversation_files');
    const statusOf = async () => ((await dispatch(host, 'status', { db: entry.id })) as { ok: true; result: StatusReport }).result;
    const first = await statusOf();
    const second = await statusOf();
    expect(second.integrity).toEqual(first.integrity);
    expect(host.integrity.recall(path)).toEqual(first.integrity);
    execFileSync('sqlite3', [
      path,
      "INSERT INTO conversation_files (file_id, session_id, original_filename, stored_filename, file_path, file_size, file_hash) VALUES ('w', 's', 'w.pdf', 'st-w', '/f/w', 1, 'h');",
    ]);
    const third = await statusOf();
    expect(third.integrity).toMatchObject({ ok: true });
    expect(third.integrity!.databaseStamp).not.toBe(first.integrity!.databaseStamp);
  });

  it('hostInfo says whom the host acts for and whether the console should ask', async () => {
    const { host } = hostWith();
    expect(await dispatch(host, 'hostInfo', {})).toEqual({
      ok: true,
      result: { operator: null, asksForOperator: false, processActor: actorFor(), readOnly: false, mayCall: METHOD_NAMES },
    });
    expect(await dispatch(host, 'hostInfo', {}, { readOnly: true })).toMatchObject({ ok: true, result: { readOnly: true } });
  });

  it('lists the schemas with their versions', async () => {
    expect(await dispatch(hostWith().host, 'listSchemas', {})).toMatchObject({
      ok: true,
      result: [
        { name: 'conversation_files', versions: ['1.0.0', '1.1.0', '1.2.0'], latest: '1.2.0' },
        // The second example: a dbmate folder, its versions named as dbmate names them.
        { name: 'tasks', versions: ['20240105090000', '20240212143000', '20240320080000'], latest: '20240320080000' },
      ],
    });
  });

  it('browses rows through the handler table: a page, its count, and a name the schema lacks refused', async () => {
    const { host } = hostWith();
    const entry = host.registry.add(dbPath, 'conversation_files');
    const page = await dispatch(host, 'rows', { db: entry.id, table: 'schema_version', sort: { column: 'version', direction: 'desc' }, withTotal: true });
    expect(page).toMatchObject({
      ok: true,
      result: {
        table: 'schema_version',
        total: 3,
        rows: [
          ['1.2.0', expect.anything(), expect.anything(), expect.anything(), expect.anything(), expect.anything(), expect.anything()],
          expect.anything(),
          expect.anything(),
        ],
      },
    });
    expect(await dispatch(host, 'rows', { db: entry.id, table: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', details: { field: 'table' } },
    });
  });

  it('salvage writes only a new file beside the damaged one, named by the host, on any machine', async () => {
    const { host } = hostWith();
    const damaged = join(folder.path, 'damaged.db');
    await initialize(contextFor(damaged));
    seedFiles(damaged, 500);
    damageMiddlePages(damaged);
    const before = sha256File(damaged);
    const entry = host.registry.add(damaged, 'conversation_files');
    const answer = await dispatch(host, 'salvage', { db: entry.id });
    expect(sha256File(damaged)).toBe(before);
    const salvaged = readdirSync(folder.path).filter((name) => name.startsWith('damaged-salvaged-'));
    expect(salvaged).toHaveLength(1);
    expect(answer).toMatchObject({ ok: true, result: { path: damaged, out: join(folder.path, salvaged[0]), integrity: { ok: true } } });
  });

  it('names a salvaged file beside its database with the time, keeping the extension', () => {
    const at = new Date('2026-11-30T16:45:00.123Z');
    expect(salvagedPathBeside('/srv/chat/files.db', at)).toBe('/srv/chat/files-salvaged-2026-11-30T16-45-00-123Z.db');
    expect(salvagedPathBeside('/srv/chat/files', at)).toBe('/srv/chat/files-salvaged-2026-11-30T16-45-00-123Z.db');
  });
});
