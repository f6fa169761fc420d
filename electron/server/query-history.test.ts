import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueryHistoryReport } from '../../shared/types/data';
import { QueryHistory } from '../api/query-history';
import { initialize } from '../engine/actions/initialize';
import { contextFor, SHIPPED_SCHEMA_DIR } from '../engine/test-support/fixtures';
import { startHttpHost, type HttpHost } from './http-host';
import { callApi, request } from './test-support/http-client';
import { suiteDir } from './test-support/suite-dir';

// The query history the host keeps per database: each run with its SQL, when, who, rows and
// duration, newest first, the newest N kept; a read-only console sees who ran what when, not the SQL.

describe('the query history kept by the host', () => {
  const folder = suiteDir();
  let server: HttpHost;
  beforeAll(async () => {
    await initialize(contextFor(join(folder.path, 'cf.db')));
    server = await startHttpHost({
      databases: [join(folder.path, 'cf.db')],
      schemaDir: SHIPPED_SCHEMA_DIR,
      port: 0,
      rendererDir: join(folder.path, 'none'),
      healthIntervalMs: 60_000,
      workers: 1,
    });
  });
  afterAll(async () => {
    await server.close();
    folder.remove();
  });

  it('keeps each run, newest first, with its SQL, who, rows and how it ended; the read-only token gets no SQL', async () => {
    const alice = { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json', 'X-Warden-Operator': 'alice' };
    const run = (sql: string, limit?: number) =>
      request(server.origin, '/api/query', { method: 'POST', headers: alice, body: JSON.stringify({ db: 'cf', sql, limit }) });
    expect((await run('WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5) SELECT i FROM n', 3)).status).toBe(200);
    expect((await run('SELECT no_such_column FROM conversation_files')).status).toBe(400);
    const history = (await callApi(server.origin, server.token, 'queryHistory', { db: 'cf' })).json.result as QueryHistoryReport;
    expect(history.keeps).toBe(100);
    expect(history.entries).toMatchObject([
      { sql: 'SELECT no_such_column FROM conversation_files', outcome: 'failed', rows: null, by: expect.stringMatching(/^alice via warden serve/) },
      { sql: expect.stringContaining('WITH RECURSIVE'), outcome: 'done', rows: 3, more: true, durationMs: expect.any(Number) },
    ]);
    expect(Date.parse(history.entries[1].at)).toBeLessThanOrEqual(Date.parse(history.entries[0].at));
    const readOnly = (await callApi(server.origin, server.readOnlyToken, 'queryHistory', { db: 'cf' })).json.result as QueryHistoryReport;
    expect(readOnly.entries.map((e) => [e.sql, e.outcome, e.by])).toEqual(history.entries.map((e) => [null, e.outcome, e.by]));
    expect(JSON.stringify(readOnly)).not.toContain('no_such_column');
  });

  it('keeps only the newest runs of each database', () => {
    const kept = new QueryHistory(2);
    for (const n of [1, 2, 3]) kept.record('a', { id: `q${n}`, sql: `SELECT ${n}`, at: '', by: '', outcome: 'done', rows: 1, more: false, durationMs: 1 });
    kept.record('b', { id: 'b1', sql: 'SELECT 9', at: '', by: '', outcome: 'done', rows: 1, more: false, durationMs: 1 });
    expect(kept.of('a', false).entries.map((e) => e.sql)).toEqual(['SELECT 3', 'SELECT 2']);
    expect(kept.of('b', false).entries.map((e) => e.id)).toEqual(['b1']);
  });
});
