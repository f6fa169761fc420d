import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initialize } from './initialize';
import { listTables } from './tables';
import { resultOf, runCli } from '../test-support/cli';
import { contextFor, seedFiles, sha256File, sqlite3, tempDir } from '../test-support/fixtures';

describe('listTables', () => {
  it('counts every table and measures every page, as the sqlite3 shell does, and writes nothing', async () => {
    const dbPath = join(tempDir(), 'db.sqlite');
    const ctx = contextFor(dbPath);
    await initialize(ctx);
    seedFiles(dbPath, 700);
    sqlite3(dbPath, 'DELETE FROM file_access_log'); // its pages go to the free list
    const before = sha256File(dbPath);
    const report = listTables(ctx);
    expect(sha256File(dbPath)).toBe(before);

    expect(report.measured).toBe(true);
    expect(report.bytes).toBe(statSync(dbPath).size);
    const tables = report.tables.filter((t) => t.kind === 'table');
    for (const t of tables) {
      expect(t.rows, t.name).toBe(Number(sqlite3(dbPath, `SELECT count(*) FROM "${t.name}"`)));
      expect(t.bytes, t.name).toBe(Number(sqlite3(dbPath, `SELECT sum(pgsize) FROM dbstat WHERE name = '${t.name}'`)));
      expect(t.columns.join('\n'), t.name).toBe(sqlite3(dbPath, `SELECT name FROM pragma_table_info('${t.name}')`));
    }
    expect(report.tables.filter((t) => t.kind === 'view').map((t) => [t.name, t.rows, t.bytes])).toEqual([
      ['v_active_files', null, null],
      ['v_pending_cleanups', null, null],
      ['v_session_file_summary', null, null],
    ]);
    // Every page of the file is accounted for: tables, indexes, SQLite's own schema table and the free list.
    const pageSize = Number(sqlite3(dbPath, 'PRAGMA page_size'));
    const listed = tables.reduce((sum, t) => sum + (t.bytes ?? 0) + t.indexes.reduce((s, i) => s + (i.bytes ?? 0), 0), 0);
    const schemaTable = Number(sqlite3(dbPath, "SELECT sum(pgsize) FROM dbstat WHERE name = 'sqlite_schema'"));
    const free = Number(sqlite3(dbPath, 'PRAGMA freelist_count')) * pageSize;
    expect(free).toBeGreaterThan(0);
    expect(listed + schemaTable + free).toBe(report.bytes);
    const files = report.tables.find((t) => t.name === 'conversation_files');
    expect(files?.indexes.map((i) => [i.name, i.automatic])).toEqual(
      expect.arrayContaining([
        ['idx_conversation_files_hash', false],
        ['sqlite_autoindex_conversation_files_1', true],
      ]),
    );
  });

  it('warden tables prints one row per table and view; --json carries the report', async () => {
    const dbPath = join(tempDir(), 'db.sqlite');
    await initialize(contextFor(dbPath));
    seedFiles(dbPath, 20);
    const text = runCli(['tables', '--db', dbPath]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^conversation_files +table +20 +\d+\.\d KB +5 \(\d+\.\d KB\)$/m);
    expect(text.stdout).toMatch(/^v_active_files +view +- +- +-$/m);
    const json = runCli(['tables', '--db', dbPath, '--json']);
    expect(resultOf(json)).toMatchObject({
      path: dbPath,
      measured: true,
      tables: expect.arrayContaining([expect.objectContaining({ name: 'file_metadata', rows: 20 })]),
    });
  });
});
