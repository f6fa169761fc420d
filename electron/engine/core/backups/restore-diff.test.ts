import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { backup } from '../../actions/backup';
import { openDatabase } from '../sqlite/open-database';
import { restoreDiff } from './restore-diff';
import { previewRestore } from '../../actions/restore';
import { resultOf, runCli } from '../../test-support/cli';
import { contextFor, seedFiles, sha256File, shippedSchema, tempDir } from '../../test-support/fixtures';
import { damageLeafOf } from '../../test-support/damage';
import { databaseWithFiles } from '../../test-support/backup-fixtures';

// Before a restore: per table, the live rows the backup lacks or holds differently. The referee is
// the sqlite3 shell, reading both files read-only with the backup ATTACHed in its own process.

function referee(live: string, backupPath: string, sql: string): number {
  return Number(execFileSync('sqlite3', ['-readonly', live, `ATTACH '${backupPath}' AS b; ${sql}`], { encoding: 'utf8' }).trim());
}

function columnsOf(path: string, table: string): string[] {
  return execFileSync('sqlite3', ['-readonly', path, `SELECT name FROM pragma_table_info('${table}')`], { encoding: 'utf8' })
    .trim()
    .split('\n');
}

/** What the shell counts for one table matched by `key`: only here, only in the backup, same key with other values. */
function refereeCounts(live: string, backupPath: string, table: string, key: string) {
  const others = columnsOf(live, table).filter((c) => c !== key);
  return {
    onlyHere: referee(live, backupPath, `SELECT count(*) FROM main.${table} WHERE ${key} NOT IN (SELECT ${key} FROM b.${table})`),
    onlyInBackup: referee(live, backupPath, `SELECT count(*) FROM b.${table} WHERE ${key} NOT IN (SELECT ${key} FROM main.${table})`),
    different: referee(
      live,
      backupPath,
      `SELECT count(*) FROM main.${table} m JOIN b.${table} o USING (${key}) WHERE ${others.map((c) => `m.${c} IS NOT o.${c}`).join(' OR ')}`,
    ),
  };
}

describe('restore preview: the rows a restore would lose or change back', () => {
  it('counts, per table, what sqlite3 counts, with a few example keys, and leaves both files as they were', async () => {
    const ctx = await databaseWithFiles(300);
    const taken = await backup(ctx);
    const db = new Database(ctx.dbPath);
    db.exec(`
      DELETE FROM file_access_log WHERE log_id % 7 = 0;
      UPDATE conversation_files SET original_filename = 'renamed-' || file_id WHERE rowid % 11 = 0;
      UPDATE file_metadata SET metadata_value = NULL WHERE metadata_id % 13 = 0;
      INSERT INTO conversation_files (file_id, session_id, original_filename, stored_filename, file_path, file_size, file_hash, mime_type)
        SELECT 'late-' || file_id, session_id, original_filename, stored_filename || '.late', file_path || '.late', file_size, file_hash, mime_type FROM conversation_files WHERE rowid <= 25;
    `);
    db.close();
    const liveHash = sha256File(ctx.dbPath);

    const preview = await previewRestore(ctx, { backup: taken.name });
    const keys: Record<string, string> = {
      conversation_files: 'file_id',
      file_metadata: 'metadata_id',
      session_file_associations: 'association_id',
      file_access_log: 'log_id',
      file_cleanup_queue: 'cleanup_id',
    };
    for (const [table, key] of Object.entries(keys)) {
      const found = preview.tables!.find((t) => t.table === table)!;
      expect({ table, onlyHere: found.onlyHere, onlyInBackup: found.onlyInBackup, different: found.different }).toEqual({
        table,
        ...refereeCounts(ctx.dbPath, taken.path, table, key),
      });
      expect(found.key).toEqual([key]);
    }
    const files = preview.tables!.find((t) => t.table === 'conversation_files')!;
    expect(files.onlyHere).toBe(25);
    expect(files.different).toBeGreaterThan(0);
    expect(files.examples.onlyHere).toHaveLength(5);
    expect(files.examples.onlyHere[0]).toMatch(/^'late-file-/);
    expect(preview.tables!.find((t) => t.table === 'file_access_log')!.onlyInBackup).toBeGreaterThan(0);
    expect(preview.tables!.map((t) => t.table)).not.toContain('schema_events');
    expect(sha256File(ctx.dbPath)).toBe(liveHash);
    expect(sha256File(taken.path)).toBe(taken.sha256);

    // The CLI says the same, and restores nothing.
    const cli = runCli(['restore', '--db', ctx.dbPath, '--backup', taken.path, '--dry-run', '--json']);
    expect(cli.code).toBe(0);
    expect(resultOf(cli).tables.find((t: { table: string }) => t.table === 'conversation_files')).toMatchObject({
      onlyHere: 25,
      different: files.different,
    });
    const text = runCli(['restore', '--db', ctx.dbPath, '--backup', taken.path, '--dry-run']);
    expect(text.stdout).toMatch(/conversation_files\s+25\s+\d+\s+0/);
    expect(sha256File(ctx.dbPath)).toBe(liveHash);
  });

  it("matches rows by rowid where a table has no primary key, by every key column where it has several, in SQLite's order of values", () => {
    const dir = tempDir();
    const make = (name: string, rows: string) => {
      const path = join(dir, name);
      const db = new Database(path);
      db.exec(`CREATE TABLE loose (a, b); CREATE TABLE pair (x TEXT, y INTEGER, v, PRIMARY KEY (x, y)) WITHOUT ROWID; ${rows}`);
      db.close();
      return path;
    };
    // Mixed types in keys: integers, reals, text (with characters beyond the BMP) and blobs, ordered as SQLite orders them.
    const common = `INSERT INTO loose VALUES (1, 'one'), (2, 'two'), (3, 'three');
      INSERT INTO pair VALUES ('a', 1, 1), ('a', 2, 2), ('\uFFFD', 1, 3), ('😀', 1, 4), (x'00', 1, 5), (2.5, 1, 6), (-3, 1, 7);`;
    const backupPath = make('backup.db', `${common} INSERT INTO pair VALUES ('gone', 9, 9);`);
    const livePath = make(
      'live.db',
      `${common} UPDATE loose SET b = 'TWO' WHERE a = 2; INSERT INTO loose VALUES (4, 'four'); UPDATE pair SET v = 1.0 WHERE x = 'a' AND y = 1; UPDATE pair SET v = 44 WHERE y = 1 AND v = 4; INSERT INTO pair VALUES ('new', 1, 0);`,
    );
    const live = openDatabase(livePath, { mode: 'read' });
    const bk = openDatabase(backupPath, { mode: 'read' });
    const ctx = contextFor(livePath, { ...shippedSchema(), appVersionTable: null });
    const diffs = restoreDiff(ctx, live, bk);
    live.close();
    bk.close();
    const loose = diffs.find((d) => d.table === 'loose')!;
    expect(loose).toMatchObject({ key: ['rowid'], onlyHere: 1, different: 1, onlyInBackup: 0, examples: { onlyHere: ['4'], different: ['2'] } });
    expect(loose.different).toBe(
      referee(livePath, backupPath, 'SELECT count(*) FROM main.loose m JOIN b.loose o ON m.rowid = o.rowid WHERE m.a IS NOT o.a OR m.b IS NOT o.b'),
    );
    const pair = diffs.find((d) => d.table === 'pair')!;
    // 1 and 1.0 are the same value to SQL, as to the referee's IS NOT.
    expect(pair).toMatchObject({
      key: ['x', 'y'],
      onlyHere: 1,
      onlyInBackup: 1,
      different: 1,
      examples: { onlyHere: ["('new', 1)"], onlyInBackup: ["('gone', 9)"], different: ["('😀', 1)"] },
    });
    expect(pair.different).toBe(
      referee(livePath, backupPath, 'SELECT count(*) FROM main.pair m JOIN b.pair o ON m.x IS o.x AND m.y = o.y WHERE m.v IS NOT o.v'),
    );
  });
  it('on a live file with a damaged table (the file a restore is most often for): that table said uncountable, every other table counted as sqlite3 counts, nothing written', async () => {
    const ctx = await databaseWithFiles(2_000);
    const taken = await backup(ctx);
    seedFiles(ctx.dbPath, 25, 5_000); // written after the backup: their access-log rows are what a restore loses there
    const expectedLost = referee(
      ctx.dbPath,
      taken.path,
      'SELECT count(*) FROM main.file_access_log WHERE log_id NOT IN (SELECT log_id FROM b.file_access_log)',
    );
    expect(expectedLost).toBeGreaterThan(0);
    damageLeafOf(ctx.dbPath, 'conversation_files', 2);
    const liveHash = sha256File(ctx.dbPath);

    const preview = await previewRestore(ctx, { backup: taken.name });
    const byTable = new Map(preview.tables!.map((t) => [t.table, t]));
    expect(byTable.get('conversation_files')?.uncomparable).toMatch(
      /^its pages in this database are damaged \(database disk image is malformed\), so the rows a restore would lose cannot be counted$/,
    );
    expect(byTable.get('file_access_log')).toMatchObject({ onlyHere: expectedLost, different: 0, onlyInBackup: 0 });
    expect(byTable.get('file_access_log')?.uncomparable).toBeUndefined();
    expect(sha256File(ctx.dbPath)).toBe(liveHash);
  });
});
