import { execFileSync } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostEvent } from '../../shared/types/jobs';
import { initialize } from '../engine/actions/initialize';
import { contextFor, SHIPPED_SCHEMA_DIR, sqlite3 } from '../engine/test-support/fixtures';
import { runningReadProcesses } from '../engine/test-support/read-processes';
import { startHttpHost, type HttpHost } from './http-host';
import { callApi, listenToEvents, request } from './test-support/http-client';
import { suiteDir } from './test-support/suite-dir';

// The web console's export: exportResult answers a one-time address, its GET streams the whole
// filtered result as the sqlite3 shell prints it, progress arrives as events, and a download
// closed halfway stops the read. The read-only token may not export, nor read another's failure.

describe('GET /api/download/<ticket>', () => {
  const folder = suiteDir();
  const dbPath = join(folder.path, 'cf.db');
  let server: HttpHost;
  beforeAll(async () => {
    await initialize(contextFor(dbPath));
    sqlite3(
      dbPath,
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30000)
       INSERT INTO conversation_files (file_id, session_id, original_filename, stored_filename, file_path, file_size, file_hash)
       SELECT 'f-' || i, 's-' || (i % 3), 'name, "' || i || '".pdf', 'st-' || i, '/files/' || i, i * 7, printf('%064d', i) FROM n;`,
    );
    server = await startHttpHost({
      databases: [dbPath],
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

  it('streams the filtered table as sqlite3 -csv -header prints it, once: the address is used up', async () => {
    const events = await listenToEvents(server.origin, server.token);
    const filters = [{ column: 'session_id', op: 'ne', value: 's-0' }];
    const started = await callApi(server.origin, server.token, 'exportResult', {
      db: 'cf',
      format: 'csv',
      table: 'conversation_files',
      filters,
      operationId: 'export-op-1',
    });
    expect(started.json).toMatchObject({
      ok: true,
      result: { fileName: 'cf-conversation_files.csv', savedTo: null, download: expect.stringMatching(/^\/api\/download\/[0-9a-f]{32}$/) },
    });
    const file = await request(server.origin, started.json.result.download);
    expect(file.status).toBe(200);
    expect(file.headers['content-disposition']).toBe('attachment; filename="cf-conversation_files.csv"');
    const referee = execFileSync(
      'sqlite3',
      ['-csv', '-header', dbPath, "SELECT * FROM conversation_files WHERE session_id IS NOT 's-0' ORDER BY file_id, rowid"],
      {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    expect(file.text).toBe(referee);
    const last = await events.waitFor((e) => e.type === 'progress' && e.operationId === 'export-op-1' && e.progress.phase === 'Exported');
    expect((last as Extract<HostEvent, { type: 'progress' }>).progress).toMatchObject({ done: 20_000, total: 20_000 });
    events.close();
    expect((await request(server.origin, started.json.result.download)).status).toBe(404);
  });

  it('stops the read when the download is closed halfway, and leaves no read process', async () => {
    const started = await callApi(server.origin, server.token, 'exportResult', {
      db: 'cf',
      format: 'jsonl',
      table: 'conversation_files',
      operationId: 'export-op-2',
    });
    const url = new URL(started.json.result.download, server.origin);
    await new Promise<void>((resolve) => {
      const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.end();
    });
    for (let waited = 0; runningReadProcesses().length > 0 && waited < 5000; waited += 100) await new Promise((r) => setTimeout(r, 100));
    expect(runningReadProcesses()).toEqual([]);
  });

  it('refuses the read-only token, and neither a table nor two sources', async () => {
    const readOnly = await callApi(server.origin, server.readOnlyToken, 'exportResult', { db: 'cf', format: 'csv', table: 'conversation_files' });
    expect(readOnly.status).toBe(403);
    const both = await callApi(server.origin, server.token, 'exportResult', { db: 'cf', format: 'csv', table: 'conversation_files', sql: 'SELECT 1' });
    expect(both.json).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect((await request(server.origin, '/api/download/0123456789abcdef0123456789abcdef')).status).toBe(404);
  });

  it("a read-only console hears that an export failed, never its words (another operator's SQL)", async () => {
    const readOnlyEvents = await listenToEvents(server.origin, server.readOnlyToken);
    const operatorEvents = await listenToEvents(server.origin, server.token);
    const started = await callApi(server.origin, server.token, 'exportResult', {
      db: 'cf',
      format: 'csv',
      sql: 'SELECT secret_words FROM conversation_files',
      operationId: 'export-op-3',
    });
    expect((await request(server.origin, started.json.result.download)).status).toBe(400);
    const failed = (e: HostEvent) => e.type === 'log' && e.operationId === 'export-op-3' && e.log.level === 'error';
    expect(JSON.stringify(await operatorEvents.waitFor(failed))).toContain('secret_words');
    expect(JSON.stringify(await readOnlyEvents.waitFor(failed))).not.toContain('secret_words');
    readOnlyEvents.close();
    operatorEvents.close();
  });
});
