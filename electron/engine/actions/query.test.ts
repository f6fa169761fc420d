import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { backup } from './backup';
import { describe, expect, it } from 'vitest';
import { initialize } from './initialize';
import { runQuery } from './query';
import { READ_MEMORY_LIMIT_BYTES } from '../core/data/read-process';
import { useSqliteAddon } from '../core/sqlite/sqlite-addon';
import { runningReadProcesses } from '../test-support/read-processes';
import { status } from './status';
import { resultOf, runCli } from '../test-support/cli';
import { contextFor, seedFiles, sha256File, sqlite3, tempDir } from '../test-support/fixtures';

async function seeded(): Promise<string> {
  const dbPath = join(tempDir(), 'db.sqlite');
  await initialize(contextFor(dbPath));
  seedFiles(dbPath, 30);
  await backup(contextFor(dbPath)); // backed up: healthy, not 'not backed up'
  return dbPath;
}

describe('read-only queries', () => {
  it('answers a SELECT with its columns, NULLs as null, BLOBs as size and hex, and says when the limit cut it', async () => {
    const dbPath = await seeded();
    const result = await runQuery(contextFor(dbPath), {
      sql: "SELECT file_id, uploaded_by, NULL AS empty, x'00ff10' AS bytes FROM conversation_files ORDER BY file_id",
      limit: 5,
    });
    expect(result.columns).toEqual(['file_id', 'uploaded_by', 'empty', 'bytes']);
    expect(result.rows).toHaveLength(5);
    expect(result.rows[0]).toEqual(['file-0', 'alice', null, { blob: 3, hex: '00ff10' }]);
    expect(result.more).toBe(true);
    const all = await runQuery(contextFor(dbPath), { sql: 'SELECT count(*) AS n FROM conversation_files' });
    expect(all).toMatchObject({ rows: [[30]], more: false });
    expect((await runQuery(contextFor(dbPath), { sql: 'PRAGMA table_info(file_metadata)' })).rows.length).toBe(5);
  });

  it('refuses every statement that could write, whatever its disguise, and the file stays byte-identical', async () => {
    const dbPath = await seeded();
    const before = sha256File(dbPath);
    const writes = [
      'DELETE FROM conversation_files',
      'UPDATE conversation_files SET file_size = 0',
      'DROP TABLE file_metadata',
      "ATTACH DATABASE '/tmp/warden-attached.db' AS elsewhere",
      'PRAGMA writable_schema = 1',
      'PRAGMA journal_mode(DELETE)',
      'CREATE TEMP TABLE scratch (a)',
      'WITH doomed AS (SELECT file_id FROM conversation_files) DELETE FROM conversation_files WHERE file_id IN (SELECT file_id FROM doomed)',
      'SELECT 1; DELETE FROM conversation_files',
      "INSERT INTO file_metadata (file_id, metadata_key) VALUES ('file-1', 'x') RETURNING *",
    ];
    for (const sql of writes) {
      await expect(runQuery(contextFor(dbPath), { sql }), sql).rejects.toMatchObject({
        code: 'INVALID_INPUT',
        message: expect.stringMatching(/not run|could not run/),
      });
    }
    expect(sha256File(dbPath)).toBe(before);
    expect(sqlite3(dbPath, 'SELECT count(*) FROM conversation_files')).toBe('30');
  });

  it('stops a runaway query at its time limit and on Cancel, while the database keeps answering', async () => {
    const dbPath = await seeded();
    const runaway = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c';
    const started = Date.now();
    await expect(runQuery(contextFor(dbPath), { sql: runaway, timeoutMs: 500 })).rejects.toMatchObject({
      code: 'CANCELLED',
      message: expect.stringContaining('time limit of 0.5 s'),
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    const controller = new AbortController();
    const cancelled = runQuery(contextFor(dbPath, undefined, { signal: controller.signal }), { sql: runaway, timeoutMs: 60_000 });
    setTimeout(() => controller.abort(), 300);
    expect(status(contextFor(dbPath)).status).toBe('healthy'); // answered while the query runs
    await expect(cancelled).rejects.toMatchObject({ code: 'CANCELLED', message: expect.stringContaining('cancelled and stopped') });
  });

  it('a query whose Cancel came before it started is stopped at once, not left to its time limit', async () => {
    const dbPath = await seeded();
    const controller = new AbortController();
    controller.abort();
    const runaway = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c';
    await expect(runQuery(contextFor(dbPath, undefined, { signal: controller.signal }), { sql: runaway, timeoutMs: 30_000 })).rejects.toMatchObject({
      code: 'CANCELLED',
      message: 'The query was cancelled and stopped; nothing was changed.',
    });
    expect(runningReadProcesses()).toEqual([]);
  });

  it("the query process loads the SQLite addon its host uses (the desktop app's build for Electron), and says so when it cannot", async () => {
    const dbPath = await seeded();
    useSqliteAddon(join(tempDir(), 'missing', 'better_sqlite3.node'));
    try {
      await expect(runQuery(contextFor(dbPath), { sql: 'SELECT 1' })).rejects.toMatchObject({
        code: 'INTERNAL',
        message: expect.stringContaining('missing/better_sqlite3.node'),
      });
    } finally {
      useSqliteAddon(undefined);
    }
    expect((await runQuery(contextFor(dbPath), { sql: 'SELECT 1' })).rows).toEqual([[1]]);
  });

  it('a database another process holds locked past the wait is LOCKED, not a fault of the SQL', async () => {
    const dbPath = await seeded();
    const writer = new Database(dbPath);
    writer.exec('BEGIN EXCLUSIVE');
    try {
      await expect(runQuery(contextFor(dbPath, undefined, { busyTimeoutMs: 200 }), { sql: 'SELECT count(*) FROM conversation_files' })).rejects.toMatchObject({
        code: 'LOCKED',
        message: expect.stringContaining(dbPath),
      });
    } finally {
      writer.exec('ROLLBACK');
      writer.close();
    }
  });

  it('warden query prints a table, --json the result, and exits 2 on a write', async () => {
    const dbPath = await seeded();
    const text = runCli(['query', '--db', dbPath, '--sql', 'SELECT file_id, mime_type FROM conversation_files ORDER BY file_id', '--limit', '2']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^file_id +mime_type$/m);
    expect(text.stdout).toMatch(/^file-0 +application\/octet-stream$/m);
    expect(text.stdout).toContain('Showing the first 2 rows; there are more (raise --limit, up to 100,000).');
    const json = runCli(['query', '--db', dbPath, '--sql', 'SELECT 1 AS one', '--json']);
    expect(resultOf(json)).toMatchObject({ columns: ['one'], rows: [[1]], more: false });
    const csv = runCli(['query', '--db', dbPath, '--sql', "SELECT 'a,b' AS t, NULL AS n", '--csv']);
    expect(csv.stdout).toBe('t,n\n"a,b",\n');
    const write = runCli(['query', '--db', dbPath, '--sql', 'DELETE FROM conversation_files']);
    expect(write.code).toBe(2);
    expect(write.stderr).toContain('error [INVALID_INPUT]: This query was not run');
  });

  it('a 500 MB printf stops at the memory limit of its own process, and says so; the host does not grow', async () => {
    const dbPath = await seeded();
    const before = process.memoryUsage().rss;
    await expect(runQuery(contextFor(dbPath), { sql: "SELECT printf('%.*c', 500000000, 'x')" })).rejects.toMatchObject({
      code: 'RESOURCE_LIMIT',
      message: expect.stringContaining(`memory limit of ${READ_MEMORY_LIMIT_BYTES / 1024 / 1024} MB`),
      details: { limit: 'memory' },
    });
    // The string was never made here (half a gigabyte, twice over as JSON, before the limit).
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024);
  });

  it('ORDER BY random() over generated rows sorts in memory under that limit, never in temporary files, and says which limit it reached', async () => {
    const dbPath = await seeded();
    // Sorted in temporary files, this finishes (about 1.2 GB of them for 10 million rows); in memory it passes 128 MB.
    const sql = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 10000000) SELECT x, randomblob(100) FROM c ORDER BY random()';
    await expect(runQuery(contextFor(dbPath), { sql, timeoutMs: 120_000, limits: { memoryBytes: 128 * 1024 * 1024 } })).rejects.toMatchObject({
      code: 'RESOURCE_LIMIT',
      message: expect.stringContaining('which also holds the temporary storage of its sorting and grouping'),
      details: { limit: 'memory' },
    });
  });

  it('an answer larger than its size limit stops as its rows are read, and says so', async () => {
    const dbPath = await seeded();
    const sql = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 40) SELECT x, printf('%.*c', 1000000, 'y') FROM c";
    await expect(runQuery(contextFor(dbPath), { sql })).rejects.toMatchObject({
      code: 'RESOURCE_LIMIT',
      message: expect.stringContaining('size limit of 32 MB'),
      details: { limit: 'answer' },
    });
    expect((await runQuery(contextFor(dbPath), { sql, limit: 20 })).rows).toHaveLength(20); // under the limit, the same rows answer
  });
});

// Each of the three guards on its own: with the other two in place, losing this one fails here.
describe('the three read-only guards of a query', () => {
  /** A WAL database whose last commit is still only in its -wal file (copied while the writer held it open), as a crashed service leaves it. */
  function walNotCheckpointed(): string {
    const dir = tempDir();
    const writer = new Database(join(dir, 'live.db'));
    writer.pragma('journal_mode = WAL');
    writer.pragma('wal_autocheckpoint = 0');
    writer.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1), (2), (3)');
    const dbPath = join(dir, 'copy.db');
    copyFileSync(join(dir, 'live.db'), dbPath);
    copyFileSync(join(dir, 'live.db-wal'), `${dbPath}-wal`);
    writer.close();
    return dbPath;
  }

  it('the read-only connection: a database with an unmerged WAL keeps its main file and its WAL byte for byte (a writable connection merges them on close)', async () => {
    const dbPath = walNotCheckpointed();
    const [main, wal] = [sha256File(dbPath), sha256File(`${dbPath}-wal`)];
    expect((await runQuery(contextFor(dbPath), { sql: 'SELECT count(*) FROM t' })).rows).toEqual([[3]]);
    expect([sha256File(dbPath), sha256File(`${dbPath}-wal`)]).toEqual([main, wal]);
  });

  it('query_only: SQLite itself reports it on for the connection a query runs on', async () => {
    const dbPath = await seeded();
    expect((await runQuery(contextFor(dbPath), { sql: 'PRAGMA query_only' })).rows).toEqual([[1]]);
  });

  it("SQLite's statement check: PRAGMA wal_checkpoint passes the keyword check and the other guards, and is refused because SQLite says it writes", async () => {
    const dbPath = walNotCheckpointed();
    const main = sha256File(dbPath);
    await expect(runQuery(contextFor(dbPath), { sql: 'PRAGMA wal_checkpoint' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('SQLite reports that this statement would change the database'),
    });
    expect(sha256File(dbPath)).toBe(main);
  });
});
