import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initialize } from './initialize';
import { runQuery } from './query';
import { browseRows } from './rows';
import { status } from './status';
import { listTables } from './tables';
import { runCli } from '../test-support/cli';
import { damageLeafOf } from '../test-support/damage';
import { contextFor, seedFiles, sha256File, tempDir } from '../test-support/fixtures';

// One damaged or missing table never hides the others. Referees: the sqlite3 shell's counts of
// the undamaged tables, the page dbstat placed in the intact file, and the sqlite3 shell's own
// failure on the damaged table.

async function seededDatabase(files = 1500): Promise<string> {
  const dbPath = join(tempDir(), 'chat.db');
  await initialize(contextFor(dbPath));
  seedFiles(dbPath, files);
  return dbPath;
}

const shellCount = (path: string, table: string) => spawnSync('sqlite3', [path, `SELECT count(*) FROM "${table}"`], { encoding: 'utf8' }).stdout.trim();

describe('a dropped table', () => {
  it('tables lists it as missing and its views as broken; every other table is counted (the issue: the whole view failed, blaming schema_version)', async () => {
    const dbPath = await seededDatabase(300);
    spawnSync('sqlite3', [dbPath, 'PRAGMA foreign_keys=off; DROP TABLE conversation_files;']);
    const report = listTables(contextFor(dbPath));
    const byName = Object.fromEntries(report.tables.map((t) => [t.name, t]));
    expect(byName.conversation_files).toMatchObject({ kind: 'table', rows: null, unreadable: { reason: 'missing' } });
    expect(byName.v_active_files.unreadable).toMatchObject({ reason: 'missing', message: expect.stringContaining('no such table') });
    for (const table of ['file_metadata', 'file_access_log', 'session_file_associations', 'file_cleanup_queue']) {
      expect(String(byName[table].rows)).toBe(shellCount(dbPath, table));
      expect(byName[table].unreadable).toBeUndefined();
    }
    const cli = runCli(['tables', '--db', dbPath]);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toMatch(/conversation_files\s+table\s+missing/);
    expect(cli.stdout).not.toMatch(/schema_version or schema_events/);
    // Browsing the broken view says what it lacks, and the other tables still browse.
    await expect(browseRows(contextFor(dbPath), { table: 'v_active_files' })).rejects.toThrow(
      expect.objectContaining({ code: 'SCHEMA_DRIFT', message: expect.stringContaining('view v_active_files') }),
    );
    expect((await browseRows(contextFor(dbPath), { table: 'file_metadata', withTotal: true })).total).toBe(Number(shellCount(dbPath, 'file_metadata')));
  });
});

describe('a damaged table page', () => {
  it('tables says "damaged: page P unreadable" for it only; the others are counted as the sqlite3 shell counts them', async () => {
    const dbPath = await seededDatabase();
    const page = damageLeafOf(dbPath, 'file_metadata', 2);
    const before = sha256File(dbPath);
    expect(spawnSync('sqlite3', [dbPath, 'SELECT * FROM file_metadata'], { encoding: 'utf8' }).stderr).toMatch(/malformed/);
    const report = listTables(contextFor(dbPath));
    const byName = Object.fromEntries(report.tables.map((t) => [t.name, t]));
    expect(byName.file_metadata).toMatchObject({ rows: null, unreadable: { reason: 'damaged', page } });
    for (const table of ['conversation_files', 'file_access_log', 'session_file_associations'])
      expect(String(byName[table].rows)).toBe(shellCount(dbPath, table));
    expect(runCli(['tables', '--db', dbPath]).stdout).toMatch(new RegExp(`file_metadata\\s+table\\s+damaged: page ${page} unreadable`));
    // The host's recent check of the unchanged file is used as it is.
    const known = status(contextFor(dbPath)).integrity!;
    expect(listTables(contextFor(dbPath, undefined, { knownIntegrity: known })).tables.find((t) => t.name === 'file_metadata')?.unreadable?.page).toBe(page);
    expect(sha256File(dbPath)).toBe(before);
  });

  it('browsing past the damage and a query on the table say which table and page, with what to do; other tables still read', async () => {
    const dbPath = await seededDatabase();
    const page = damageLeafOf(dbPath, 'conversation_files', 2);
    const before = sha256File(dbPath);
    const attempt = () => browseRows(contextFor(dbPath), { table: 'conversation_files', sort: { column: 'file_size', direction: 'desc' }, withTotal: true });
    await expect(attempt()).rejects.toThrow(
      expect.objectContaining({ code: 'CORRUPT', message: expect.stringContaining(`Page ${page} of table conversation_files`) }),
    );
    await expect(runQuery(contextFor(dbPath), { sql: 'SELECT file_id, file_size FROM conversation_files ORDER BY file_size' })).rejects.toMatchObject({
      code: 'CORRUPT',
      message: expect.stringMatching(new RegExp(`^The query stopped: table conversation_files .* is damaged\\. Page ${page} of table conversation_files`)),
      details: expect.objectContaining({ table: 'conversation_files', page }),
    });
    const cli = runCli(['query', '--db', dbPath, '--sql', 'select * from conversation_files']);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toMatch(/CORRUPT/);
    expect(cli.stderr).not.toMatch(/Fix the SQL/);
    expect((await runQuery(contextFor(dbPath), { sql: 'SELECT count(*) FROM file_access_log' })).rows[0][0]).toBe(
      Number(shellCount(dbPath, 'file_access_log')),
    );
    expect(sha256File(dbPath)).toBe(before);
  });
});
