import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METHOD_NAMES } from '../../shared/contract';
import { backup } from '../engine/actions/backup';
import { initialize } from '../engine/actions/initialize';
import { contextFor, seedFiles, sha256File, SHIPPED_SCHEMA_DIR, sqlite3 } from '../engine/test-support/fixtures';
import { startHttpHost, type HttpHost } from './http-host';
import { callApi, request } from './test-support/http-client';
import { suiteDir } from './test-support/suite-dir';

// An agent's two tokens over real HTTP: the read-only token views and verifies, and every call
// that could change a database, take or restore a backup or read rows answers 403 with nothing
// on disk changed (sha256 of the database, the backup folder's listing). And GET /metrics.

const DB = 'agent';

/** Prometheus text lines `name{labels} value` as [name+labels, value]. */
function samplesOf(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    samples.set(match[1], Number(match[2]));
  }
  return samples;
}

describe('warden serve: read-only token and /metrics', () => {
  const folder = suiteDir();
  const dbPath = join(folder.path, `${DB}.db`);
  let server: HttpHost;
  let backupName: string;

  beforeAll(async () => {
    await initialize(contextFor(dbPath), { to: '1.0.0' });
    seedFiles(dbPath, 20);
    backupName = (await backup(contextFor(dbPath), { reason: 'manual' })).name;
    server = await startHttpHost({
      databases: [dbPath],
      schemaDir: SHIPPED_SCHEMA_DIR,
      port: 0,
      rendererDir: join(folder.path, 'no-renderer'),
      healthIntervalMs: 100,
      workers: 2,
    });
  });
  afterAll(async () => {
    await server.close();
    folder.remove();
  });

  it('lets the read-only token view and verify', async () => {
    const calls: [string, Record<string, unknown>][] = [
      ['listDatabases', {}],
      ['status', { db: DB }],
      ['history', { db: DB }],
      ['tables', { db: DB }],
      ['plan', { db: DB }],
      ['verify', { db: DB, level: 'quick' }],
      ['verify', { db: DB, level: 'full' }],
      ['backups', { db: DB }],
      ['verifyBackup', { db: DB, backup: backupName }],
      ['hostInfo', {}],
      ['jobs', {}],
    ];
    for (const [method, input] of calls) {
      const reply = await callApi(server.origin, server.readOnlyToken, method, input);
      expect({ method, status: reply.status, error: reply.json.error }).toEqual({ method, status: 200, error: undefined });
    }
  });

  it('tells a console whether its token is the read-only one, so that it can say so', async () => {
    expect((await callApi(server.origin, server.readOnlyToken, 'hostInfo', {})).json.result.readOnly).toBe(true);
    expect((await callApi(server.origin, server.token, 'hostInfo', {})).json.result.readOnly).toBe(false);
  });

  it("tells a console which methods its token may call, and the host's own answers agree with the list, method by method", async () => {
    const readOnly = (await callApi(server.origin, server.readOnlyToken, 'hostInfo', {})).json.result.mayCall as string[];
    expect((await callApi(server.origin, server.token, 'hostInfo', {})).json.result.mayCall).toEqual(METHOD_NAMES);
    expect(readOnly).toEqual(expect.arrayContaining(['status', 'verify', 'backups', 'verifyBackup', 'plan']));
    // An empty input: the token is judged before the input, and no allowed method does anything with it.
    for (const method of METHOD_NAMES) {
      const reply = await callApi(server.origin, server.readOnlyToken, method, {});
      expect({ method, refused: reply.status === 403 }).toEqual({ method, refused: !readOnly.includes(method) });
    }
  });

  it('refuses the read-only token everything that changes, backs up, restores or reads rows (403), and nothing on disk changes', async () => {
    const before = { db: sha256File(dbPath), backups: readdirSync(`${dbPath}.backups`).sort() };
    const refused: [string, Record<string, unknown>][] = [
      ['migrate', { db: DB }],
      ['initialize', { db: DB }],
      ['backup', { db: DB }],
      ['restore', { db: DB, backup: backupName }],
      ['repair', { db: DB }],
      ['recoverRows', { db: DB, table: 'conversation_files', backup: backupName }],
      ['acceptChecksum', { db: DB, version: '1.0.0', reason: 'because' }],
      ['baseline', { db: DB, version: '1.0.0' }],
      ['query', { db: DB, sql: 'SELECT * FROM conversation_files' }],
      ['rehearse', { db: DB }],
      ['createDatabase', { schema: 'conversation_files', name: 'other' }],
      ['closeDatabase', { db: DB }],
      ['cancel', { operationId: 'someone-elses-1' }],
    ];
    for (const [method, input] of refused) {
      const reply = await callApi(server.origin, server.readOnlyToken, method, input);
      expect({ method, status: reply.status, code: reply.json.error?.code }).toEqual({ method, status: 403, code: 'FORBIDDEN' });
      expect(reply.json.error.message).toContain(`${method} is refused: this request carries the read-only token`);
    }
    expect({ db: sha256File(dbPath), backups: readdirSync(`${dbPath}.backups`).sort() }).toEqual(before);
    expect(readdirSync(folder.path).filter((f) => f.startsWith('other'))).toEqual([]);
    // The database is still served and still at 1.0.0.
    expect(sqlite3(dbPath, 'SELECT max(version) FROM schema_version')).toBe('1.0.0');
    expect((await callApi(server.origin, server.token, 'listDatabases', {})).json.result).toHaveLength(1);
  });

  it('serves Prometheus metrics to either token, and nothing without one', async () => {
    expect((await request(server.origin, '/metrics')).status).toBe(401);
    expect((await request(server.origin, '/metrics', { headers: { Authorization: 'Bearer wrong-token-wrong-token' } })).status).toBe(401);
    const reply = await request(server.origin, '/metrics', { headers: { Authorization: `Bearer ${server.readOnlyToken}` } });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const samples = samplesOf(reply.text);
    expect(samples.get(`warden_database_info{database="${DB}",schema_version="1.0.0",latest="1.2.0"}`)).toBe(1);
    expect(samples.get(`warden_database_schema_version{database="${DB}"}`)).toBe(1_000_000);
    expect(samples.get(`warden_database_status{database="${DB}"}`)).toBe(1); // degraded: two migrations pending
    expect(samples.get(`warden_database_state{database="${DB}",state="degraded"}`)).toBe(1);
    expect(samples.get(`warden_database_state{database="${DB}",state="healthy"}`)).toBe(0);
    expect(samples.get(`warden_database_pending_migrations{database="${DB}"}`)).toBe(2);
    const age = samples.get(`warden_database_last_verified_backup_age_seconds{database="${DB}"}`)!;
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(60);
    expect(samples.get(`warden_database_check_duration_seconds{database="${DB}"}`)).toBeGreaterThan(0);

    // The operator migrates; the next check's metrics say so.
    const migrated = await callApi(server.origin, server.token, 'migrate', { db: DB });
    expect(migrated.json).toMatchObject({ ok: true, result: { to: '1.2.0' } });
    await new Promise((r) => setTimeout(r, 150)); // past the health interval: the scrape checks again
    const after = samplesOf((await request(server.origin, '/metrics', { headers: { Authorization: `Bearer ${server.token}` } })).text);
    expect(after.get(`warden_database_schema_version{database="${DB}"}`)).toBe(1_002_000);
    expect(after.get(`warden_database_status{database="${DB}"}`)).toBe(0);
  });
});
