import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initialize } from '../engine/actions/initialize';
import { contextFor, SHIPPED_SCHEMA_DIR, sqlite3 } from '../engine/test-support/fixtures';
import { startHttpHost, type HttpHost } from './http-host';
import { callApi, request, type Reply } from './test-support/http-client';
import { suiteDir } from './test-support/suite-dir';
import { runningReadProcesses } from '../engine/test-support/read-processes';

// Queries and pages of rows run in a lane of their own: runaway ones never hold up status or
// health, and a view that never ends is stopped like a query, by its time limit or by Cancel.

const RUNAWAY = 'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n';

describe('warden serve: queries apart from the rest of the work', () => {
  const folder = suiteDir();
  let server: HttpHost;

  beforeAll(async () => {
    const dbPath = join(folder.path, 'cf.db');
    await initialize(contextFor(dbPath));
    // A view whose rows never end: counting or sorting it runs until something stops it.
    sqlite3(dbPath, 'CREATE VIEW forever AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c;');
    server = await startHttpHost({
      databases: [dbPath],
      schemaDir: SHIPPED_SCHEMA_DIR,
      port: 0,
      rendererDir: folder.path,
      healthIntervalMs: 60_000,
      workers: 2,
    });
  });
  afterAll(async () => {
    await server.close();
    folder.remove();
  });

  it('with two runaway queries running on as many workers as the host has, status and health answer before either ends', async () => {
    const settled: string[] = [];
    const queries = ['op-lane-query-1', 'op-lane-query-2'].map((operationId) =>
      callApi(server.origin, server.token, 'query', { db: 'cf', sql: RUNAWAY, timeoutMs: 40_000, operationId }).then((reply) => {
        settled.push(operationId);
        return reply;
      }),
    );
    await expect
      .poll(async () => (await callApi(server.origin, server.token, 'jobs', {})).json.result.filter((j: { state: string }) => j.state === 'running').length)
      .toBe(2);
    const status = await callApi(server.origin, server.token, 'status', { db: 'cf' });
    expect(status.json).toMatchObject({ ok: true, result: { version: '1.2.0' } });
    const health = await request(server.origin, '/api/health');
    expect(health.json).toMatchObject({ databases: [expect.objectContaining({ name: 'cf' })] });
    expect(settled).toEqual([]); // both queries still running: status did not wait for them
    for (const operationId of ['op-lane-query-1', 'op-lane-query-2']) await callApi(server.origin, server.token, 'cancel', { operationId });
    for (const reply of await Promise.all(queries)) expect(reply.json).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
  });

  it('rows on a view that never ends stops at its time limit, and on Cancel', async () => {
    const timed = await callApi(server.origin, server.token, 'rows', { db: 'cf', table: 'forever', withTotal: true, timeoutMs: 500 });
    expect([timed.status, timed.json.error]).toEqual([
      409,
      expect.objectContaining({ code: 'CANCELLED', message: 'Reading the rows of forever was stopped after its time limit of 0.5 s; nothing was changed.' }),
    ]);
    const sorted = callApi(server.origin, server.token, 'rows', {
      db: 'cf',
      table: 'forever',
      sort: { column: 'x', direction: 'desc' },
      operationId: 'op-forever-rows',
    });
    await expect.poll(() => runningReadProcesses().length, { timeout: 20_000 }).toBe(1); // sorting, in its own process
    expect((await callApi(server.origin, server.token, 'cancel', { operationId: 'op-forever-rows' })).json).toEqual({ ok: true, result: { cancelled: true } });
    const reply: Reply = await sorted;
    expect(reply.json).toMatchObject({
      ok: false,
      error: { code: 'CANCELLED', message: 'Reading the rows of forever was cancelled and stopped; nothing was changed.' },
    });
    expect(runningReadProcesses()).toEqual([]);
    // The other pages still read.
    expect((await callApi(server.origin, server.token, 'rows', { db: 'cf', table: 'forever', limit: 3 })).json).toMatchObject({
      ok: true,
      result: { rows: [[1], [2], [3]] },
    });
  });
});
