import { join } from 'node:path';
import { backup } from './backup';
import { describe, expect, it } from 'vitest';
import { initialize } from './initialize';
import { runQuery } from './query';
import { status } from './status';
import { runCli } from './test-support/cli';
import { contextFor, seedFiles, sha256File, sqlite3, tempDir } from './test-support/fixtures';

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
    const result = await runQuery(contextFor(dbPath), { sql: "SELECT file_id, uploaded_by, NULL AS empty, x'00ff10' AS bytes FROM conversation_files ORDER BY file_id", limit: 5 });
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
      'INSERT INTO file_metadata (file_id, metadata_key) VALUES (\'file-1\', \'x\') RETURNING *',
    ];
    for (const sql of writes) {
      await expect(runQuery(contextFor(dbPath), { sql }), sql).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/not run|could not run/) });
    }
    expect(sha256File(dbPath)).toBe(before);
    expect(sqlite3(dbPath, 'SELECT count(*) FROM conversation_files')).toBe('30');
  });

  it('stops a runaway query at its time limit and on Cancel, while the database keeps answering', async () => {
    const dbPath = await seeded();
    const runaway = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c';
    const started = Date.now();
    await expect(runQuery(contextFor(dbPath), { sql: runaway, timeoutMs: 500 })).rejects.toMatchObject({ code: 'CANCELLED', message: expect.stringContaining('time limit of 0.5 s') });
    expect(Date.now() - started).toBeLessThan(5_000);
    const controller = new AbortController();
    const cancelled = runQuery(contextFor(dbPath, undefined, { signal: controller.signal }), { sql: runaway, timeoutMs: 60_000 });
    setTimeout(() => controller.abort(), 300);
    expect(status(contextFor(dbPath)).status).toBe('healthy'); // answered while the query runs
    await expect(cancelled).rejects.toMatchObject({ code: 'CANCELLED', message: expect.stringContaining('cancelled and stopped') });
  });

  it('warden query prints a table, --json the result, and exits 2 on a write', async () => {
    const dbPath = await seeded();
    const text = runCli(['query', '--db', dbPath, '--sql', 'SELECT file_id, mime_type FROM conversation_files ORDER BY file_id', '--limit', '2']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^file_id +mime_type$/m);
    expect(text.stdout).toMatch(/^file-0 +application\/octet-stream$/m);
    expect(text.stdout).toContain('Showing the first 2 rows; there are more (raise --limit).');
    const json = runCli(['query', '--db', dbPath, '--sql', 'SELECT 1 AS one', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ columns: ['one'], rows: [[1]], more: false });
    const csv = runCli(['query', '--db', dbPath, '--sql', "SELECT 'a,b' AS t, NULL AS n", '--csv']);
    expect(csv.stdout).toBe('t,n\n"a,b",\n');
    const write = runCli(['query', '--db', dbPath, '--sql', 'DELETE FROM conversation_files']);
    expect(write.code).toBe(2);
    expect(write.stderr).toContain('error [INVALID_INPUT]: This query was not run');
  });
});
