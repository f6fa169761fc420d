import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METHOD_NAMES } from '../../shared/contract';
import type { HostEvent } from '../../shared/types';
import { initialize } from '../engine/initialize';
import { damageMiddlePages } from '../engine/test-support/damage';
import { contextFor, sha256File, SHIPPED_SCHEMA_DIR } from '../engine/test-support/fixtures';
import { suiteDir } from '../server/test-support/suite-dir';
import { DatabaseRegistry } from './database-registry';
import { dispatch } from './dispatch';
import { EngineWorkers } from './engine-workers';
import { handlers, salvagedPathBeside } from './handlers';
import type { HostCapabilities, HostContext } from './host-context';
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
    engine,
    emit: (event) => events.push(event),
    capabilities: { placeNewDatabase: async (name) => join(folder.path, name), ...capabilities },
  };
  return { host, events };
}

describe('the handler table', () => {
  it('has entries only for contract methods, and engine entries only for methods on a database', () => {
    for (const [method, handler] of Object.entries(handlers)) {
      expect(METHOD_NAMES).toContain(method);
      if (handler.runs === 'engine') expect(method).not.toMatch(/^(listSchemas|listDatabases|openDatabase|createDatabase|cancel)$/);
    }
  });

  it('handles every method of the contract, so both hosts offer all of them', () => {
    expect(Object.keys(handlers).sort()).toEqual([...METHOD_NAMES].sort());
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
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.type === 'progress' && e.operationId === 'op-verify-1' && e.db === 'shop')).toBe(true);
  });

  it('names an unknown database id, and an engine failure arrives with its code and sentence', async () => {
    const { host } = hostWith();
    expect(await dispatch(host, 'status', { db: 'nowhere' })).toMatchObject({ ok: false, error: { code: 'UNKNOWN_DATABASE', message: 'No database has the id "nowhere" here (known: none).' } });
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
    const started = performance.now();
    const runaway = dispatch(host, 'query', { db: entry.id, sql: 'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n', timeoutMs: 20_000, operationId: 'op-runaway-query' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await dispatch(host, 'cancel', { operationId: 'op-runaway-query' })).toMatchObject({ ok: true, result: { cancelled: true } });
    expect(await runaway).toMatchObject({ ok: false, error: { code: 'CANCELLED', message: 'The query was cancelled and stopped; nothing was changed.' } });
    expect(performance.now() - started).toBeLessThan(5000); // not its 20 s time limit
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
    expect(await dispatch(host, 'createDatabase', { schema: 'conversation_files', version: '7.0.0' })).toMatchObject({ ok: false, error: { code: 'UNKNOWN_VERSION' } });
    expect(await dispatch(host, 'createDatabase', { schema: 'no_such_schema' })).toMatchObject({ ok: false, error: { code: 'SCHEMA_NOT_FOUND' } });

    const cancelled = hostWith({ placeNewDatabase: async () => null });
    expect(await dispatch(cancelled.host, 'createDatabase', { schema: 'conversation_files', name: 'never' })).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    expect(existsSync(join(folder.path, 'never.db'))).toBe(false);
  });

  it('closeDatabase forgets a database the user opened, but not one the host was started with', async () => {
    const { host } = hostWith();
    const opened = host.registry.add(dbPath, 'conversation_files');
    expect(await dispatch(host, 'closeDatabase', { db: opened.id })).toEqual({ ok: true, result: { closed: true } });
    expect(await dispatch(host, 'listDatabases', {})).toEqual({ ok: true, result: [] });
    const pinned = host.registry.add(dbPath, 'conversation_files', { pinned: true });
    expect(await dispatch(host, 'closeDatabase', { db: pinned.id })).toMatchObject({ ok: false, error: { code: 'NOT_SUPPORTED' } });
    expect(existsSync(dbPath)).toBe(true);
  });

  it('lists the schemas with their versions', async () => {
    expect(await dispatch(hostWith().host, 'listSchemas', {})).toMatchObject({ ok: true, result: [{ name: 'conversation_files', versions: ['1.0.0', '1.1.0', '1.2.0'], latest: '1.2.0' }] });
  });

  it('browses rows through the handler table: a page, its count, and a name the schema lacks refused', async () => {
    const { host } = hostWith();
    const entry = host.registry.add(dbPath, 'conversation_files');
    const page = await dispatch(host, 'rows', { db: entry.id, table: 'schema_version', sort: { column: 'version', direction: 'desc' }, withTotal: true });
    expect(page).toMatchObject({ ok: true, result: { table: 'schema_version', total: 3, rows: [[ '1.2.0', expect.anything(), expect.anything(), expect.anything(), expect.anything(), expect.anything(), expect.anything()], expect.anything(), expect.anything()] } });
    expect(await dispatch(host, 'rows', { db: entry.id, table: 'nope' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', details: { field: 'table' } } });
  });

  it('salvage writes only a new file beside the damaged one, named by the host, or says why it cannot here', async () => {
    const { host } = hostWith();
    const damaged = join(folder.path, 'damaged.db');
    await initialize(contextFor(damaged));
    damageMiddlePages(damaged);
    const before = sha256File(damaged);
    const entry = host.registry.add(damaged, 'conversation_files');
    const answer = await dispatch(host, 'salvage', { db: entry.id });
    expect(sha256File(damaged)).toBe(before);
    const salvaged = readdirSync(folder.path).filter((name) => name.startsWith('damaged-salvaged-'));
    const recoverWorks = spawnSync('sqlite3', [':memory:', 'SELECT count(*) FROM sqlite_dbpage']).status === 0;
    if (recoverWorks) {
      expect(answer).toMatchObject({ ok: true, result: { path: damaged, out: join(folder.path, salvaged[0]) } });
    } else {
      // Debian 12's sqlite3 (3.40.1) has no sqlite_dbpage, and better-sqlite3's SQLite neither it nor the recovery API.
      expect(answer).toMatchObject({ ok: false, error: { code: 'NOT_SUPPORTED', message: expect.stringContaining('Nothing was written') } });
      expect(salvaged).toEqual([]);
    }
  });

  it('names a salvaged file beside its database with the time, keeping the extension', () => {
    const at = new Date('2026-11-30T16:45:00.123Z');
    expect(salvagedPathBeside('/srv/chat/files.db', at)).toBe('/srv/chat/files-salvaged-2026-11-30T16-45-00-123Z.db');
    expect(salvagedPathBeside('/srv/chat/files', at)).toBe('/srv/chat/files-salvaged-2026-11-30T16-45-00-123Z.db');
  });
});
