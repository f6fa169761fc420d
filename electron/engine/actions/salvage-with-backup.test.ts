import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backup } from './backup';
import { initialize } from './initialize';
import { salvage } from './salvage';
import { copyRowsFromBackup } from '../core/salvage/rows-from-backup';
import { CHILD_TABLES, contextFor, seedFiles, sqlite3, tempDir } from '../test-support/fixtures';
import { overwritePages, rowPlaces, rowsBySqlite } from '../test-support/salvage-referee';

// The "both" way out of a damaged file: salvage, then the rows the damaged tables lack copied back
// from a verified backup. The referee is the intact file and the backup, read by SQLite: a row on a
// damaged page comes back exactly when the backup holds it, and every other row is as it was.

/** Each row of conversation_files as exact text (every column quoted), by file_id: copied-back rows get new rowids. */
function filesByKey(path: string): Map<string, string> {
  const columns = sqlite3(path, "SELECT group_concat('quote(' || name || ')', ' || ''|'' || ') FROM pragma_table_info('conversation_files')");
  return new Map(
    sqlite3(path, `SELECT file_id, ${columns} FROM conversation_files`)
      .split('\n')
      .map((line) => [line.slice(0, line.indexOf('|')), line.slice(line.indexOf('|') + 1)]),
  );
}

const uploads = (path: string) => sqlite3(path, "SELECT count(*) FROM file_access_log WHERE access_type = 'upload'");

describe('salvage --recover-from', () => {
  it('copies back from the backup exactly the rows of damaged pages that the backup holds; rows written after it on those pages are lost', async () => {
    const dbPath = join(tempDir(), 'chat.db');
    const ctx = contextFor(dbPath);
    await initialize(ctx);
    seedFiles(dbPath, 1500);
    const taken = await backup(ctx);
    seedFiles(dbPath, 300, 1500); // written after the backup
    const intact = filesByKey(dbPath);
    const uploadsBefore = uploads(dbPath);
    const inBackup = new Set(filesByKey(taken.path).keys());
    const fileIdOf = new Map([...rowsBySqlite(dbPath, 'conversation_files')].map(([rowid, row]) => [rowid, String(row[0])]));
    const leaves = [...rowPlaces(dbPath, ['conversation_files']).get('conversation_files')!.leaves];
    // An early leaf (its rows are in the backup) and the last one (rows written after the backup).
    const damaged = [leaves[2], leaves.at(-1)!];
    overwritePages(
      dbPath,
      damaged.map(([page]) => page),
    );
    const onDamagedPages = damaged.flatMap(([, rowids]) => rowids.map((id) => fileIdOf.get(id)!));
    const recoverable = onDamagedPages.filter((id) => inBackup.has(id));
    expect(recoverable.length).toBeGreaterThan(0);
    expect(recoverable.length).toBeLessThan(onDamagedPages.length);

    const out = join(tempDir(), 'salvaged.db');
    const report = await salvage(ctx, { out, recoverFrom: taken.name });

    // Every row as it was, but those of damaged pages the backup does not hold.
    const lostForGood = new Set(onDamagedPages.filter((id) => !inBackup.has(id)));
    expect(filesByKey(out)).toEqual(new Map([...intact].filter(([id]) => !lostForGood.has(id))));
    const files = report.fromBackup!.tables.find((t) => t.table === 'conversation_files')!;
    expect(files.copied).toBe(recoverable.length);
    expect(report.fromBackup!.backup).toBe(taken.path);
    // `salvaged` counts what was read from the damaged file alone; the copies are counted apart.
    expect(report.tables.find((t) => t.name === 'conversation_files')!.salvaged).toBe(intact.size - onDamagedPages.length);
    expect(report.integrity.ok).toBe(true);
    expect(sqlite3(out, 'PRAGMA integrity_check')).toBe('ok');
    // The only rows left pointing at a missing parent are the children of the files lost for good.
    const orphans = CHILD_TABLES.flatMap((t) =>
      sqlite3(out, `SELECT DISTINCT file_id FROM ${t} WHERE file_id NOT IN (SELECT file_id FROM conversation_files)`).split('\n').filter(Boolean),
    );
    expect(orphans.length).toBeGreaterThan(0);
    expect(orphans.filter((id) => !lostForGood.has(id))).toEqual([]);
    expect(report.foreignKeyViolations).toBe(Number(sqlite3(out, 'SELECT count(*) FROM pragma_foreign_key_check')));
    // The service's triggers did not log the copies as new uploads.
    expect(uploads(out)).toBe(uploadsBefore);
  });

  it('refuses a backup that is not a verified one before reading anything, and writes nothing', async () => {
    const dbPath = join(tempDir(), 'chat.db');
    const ctx = contextFor(dbPath);
    await initialize(ctx);
    seedFiles(dbPath, 50);
    const dir = tempDir();
    await expect(salvage(ctx, { out: join(dir, 'new.db'), recoverFrom: 'no-such-backup.sqlite' })).rejects.toMatchObject({
      code: expect.stringMatching(/NOT_FOUND|BACKUP_INVALID/),
    });
    expect(sqlite3(dbPath, 'SELECT count(*) FROM conversation_files')).toBe('50');
  });
});

describe('copyRowsFromBackup', () => {
  it('leaves a table as salvage made it when the backup’s rows break a constraint of the new file, and says so', () => {
    const dir = tempDir();
    const [newFile, backupFile] = [join(dir, 'new.db'), join(dir, 'backup.db')];
    sqlite3(newFile, "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE); INSERT INTO t VALUES (1, 'a'), (3, 'b')");
    sqlite3(backupFile, "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE); INSERT INTO t VALUES (1, 'a'), (2, 'b'), (4, 'c')");
    const result = copyRowsFromBackup(newFile, backupFile, ['t']);
    expect(result.tables).toEqual([]);
    expect(result.notMatched).toEqual([{ table: 't', reason: expect.stringContaining('UNIQUE constraint failed: t.name') }]);
    expect(sqlite3(newFile, 'SELECT id, name FROM t ORDER BY id')).toBe('1|a\n3|b');
  });
});

describe('copyRowsFromBackup counts', () => {
  it('adds up a table whose rows came both as children of a recovered parent and in its own run, so copied never exceeds missing', () => {
    const dir = tempDir();
    const [newFile, backupFile] = [join(dir, 'new.db'), join(dir, 'backup.db')];
    const schema =
      'CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p(id)); CREATE TABLE q (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p(id));';
    sqlite3(newFile, `${schema} INSERT INTO p VALUES (1); INSERT INTO c VALUES (10, 1);`);
    // The backup has parent 2 (lost) with its child 20, and child 30 of parent 1 (lost on its own).
    sqlite3(backupFile, `${schema} INSERT INTO p VALUES (1), (2); INSERT INTO c VALUES (10, 1), (20, 2), (30, 1);`);
    const result = copyRowsFromBackup(newFile, backupFile, ['p', 'c']);
    expect(result.tables).toEqual([
      { table: 'p', inBackup: 2, missing: 1, withoutParent: 0, copied: 1 },
      { table: 'c', inBackup: 3, missing: 2, withoutParent: 0, copied: 2 },
    ]);
    expect(sqlite3(newFile, 'SELECT id FROM c ORDER BY id')).toBe('10\n20\n30');
  });
});
