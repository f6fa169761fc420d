import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { csvLine } from '../../../../shared/query-csv';
import type { CellValue } from '../../../../shared/types/data';
import { exportQuery } from '../../actions/query';
import { exportRows } from '../../actions/rows';
import { WardenError } from '../../errors';
import { runningReadProcesses } from '../../test-support/read-processes';
import { contextFor, sha256File, tempDir } from '../../test-support/fixtures';
import { EXPORT_PAGE_BYTES, type PageSink } from './export-stream';

// The whole filtered result streamed a page at a time: what it writes is what the sqlite3 shell
// prints for the same SELECT, and the host never holds more than a page, however slow the sink.

/** A table whose text holds every character CSV must quote, NULLs and empty text, reals and integers past 2^53. */
function tableOf(rows: number, noteBytes = 20): string {
  const dbPath = join(tempDir(), 'export.db');
  const db = new Database(dbPath);
  db.exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, grp INTEGER, name TEXT, score REAL, big INTEGER, note TEXT);
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${rows})
    INSERT INTO t SELECT i, i % 6, CASE i % 7 WHEN 0 THEN 'comma, here' WHEN 1 THEN 'say "hi"' WHEN 2 THEN 'two' || char(10) || 'lines'
      WHEN 3 THEN NULL WHEN 4 THEN '' WHEN 5 THEN 'café ' || i ELSE 'plain' || i END,
      i + 0.25, 9223372036854775807 - i, substr(hex(zeroblob(${noteBytes})), 1, ${noteBytes}) FROM n;`);
  db.close();
  return dbPath;
}

/** A sink that writes CSV into a string, as slowly as told, and says whether two pages were ever written at once. */
function csvSink(delayMs = 0): PageSink & { text: () => string; overlapped: () => boolean; pages: () => number } {
  const parts: string[] = [];
  let writing = false;
  let overlapped = false;
  let pages = 0;
  return {
    head: (columns) => void parts.push(csvLine(columns)),
    page: async (rows: CellValue[][]) => {
      overlapped ||= writing;
      writing = true;
      pages += 1;
      for (const row of rows) parts.push(csvLine(row));
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      writing = false;
    },
    text: () => parts.join(''),
    overlapped: () => overlapped,
    pages: () => pages,
  };
}

const sqlite3Csv = (dbPath: string, sql: string) =>
  execFileSync('sqlite3', ['-csv', '-header', dbPath, sql], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });

describe('streamed exports', () => {
  it("writes a table's whole filtered, sorted result as the sqlite3 shell's -csv prints the same SELECT, byte for byte", async () => {
    const dbPath = tableOf(12_000);
    const sink = csvSink();
    const filters = [{ column: 'grp', op: 'ne' as const, value: 0 }];
    const done = await exportRows(contextFor(dbPath), { table: 't', filters, sort: { column: 'score', direction: 'desc' } }, sink);
    expect(done.rows).toBe(10_000);
    expect(sink.pages()).toBe(10); // 1,000 rows a page
    expect(sink.text()).toBe(sqlite3Csv(dbPath, 'SELECT * FROM t WHERE grp IS NOT 0 ORDER BY score DESC, id DESC'));
  });

  it("writes a query's whole result past the query row limit (100,000) with no limit of its own", async () => {
    const dbPath = tableOf(10);
    const sink = csvSink();
    const sql = 'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 120000) SELECT i, i * 0.5 + 0.25 AS quarter FROM n';
    expect((await exportQuery(contextFor(dbPath), { sql }, sink)).rows).toBe(120_000);
    expect(sink.text()).toBe(sqlite3Csv(dbPath, sql));
  });

  it('holds one page at most while a slow sink writes 40 MB: the read waits for the sink, never two pages at once', async () => {
    const dbPath = tableOf(20_000, 2000); // 20,000 rows of about 2 KB
    const sink = csvSink(2);
    const done = await exportRows(contextFor(dbPath), { table: 't' }, sink);
    expect(done.rows).toBe(20_000);
    expect(sink.overlapped()).toBe(false);
    // A page (1 MB of JSON at most, plus the row that passed it) and the pipe's chunk it arrived in; the result is 40 MB.
    expect(done.heldBytesAtMost).toBeLessThan(EXPORT_PAGE_BYTES + 64 * 1024 + 4096);
    expect(sink.text().length).toBeGreaterThan(40_000_000);
  });

  it('stops at Cancel mid-stream: CANCELLED, no read process left, the file unchanged', async () => {
    const dbPath = tableOf(20_000, 2000);
    const before = sha256File(dbPath);
    const controller = new AbortController();
    const sink = csvSink(5);
    const page = sink.page;
    sink.page = async (rows) => {
      await page(rows);
      if (sink.pages() === 3) controller.abort();
    };
    const failure = await exportRows(contextFor(dbPath, undefined, { signal: controller.signal }), { table: 't' }, sink).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(WardenError);
    expect((failure as WardenError).code).toBe('CANCELLED');
    expect(sink.pages()).toBe(3);
    expect(runningReadProcesses()).toEqual([]);
    expect(sha256File(dbPath)).toBe(before);
  });

  it('refuses a query that writes before writing anything, and a sink that fails stops the read with its reason', async () => {
    const dbPath = tableOf(3_000);
    const sink = csvSink();
    const refused = await exportQuery(contextFor(dbPath), { sql: 'DELETE FROM t RETURNING id' }, sink).catch((e: unknown) => e);
    expect((refused as WardenError).code).toBe('INVALID_INPUT');
    expect(sink.text()).toBe('');
    const closed = new WardenError('CANCELLED', 'The download was closed.', 'Export again.');
    const failing: PageSink = { head: () => undefined, page: () => Promise.reject(closed) };
    await expect(exportRows(contextFor(dbPath), { table: 't' }, failing)).rejects.toBe(closed);
    expect(runningReadProcesses()).toEqual([]);
  });
});
