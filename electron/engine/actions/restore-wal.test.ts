import { existsSync, readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { backup } from './backup';
import { restore } from './restore';
import { addFiles, databaseWithFiles } from '../test-support/backup-fixtures';
import { sqlite3 } from '../test-support/fixtures';

// The pre-restore backup of a WAL database is taken under the restore's lock. It was taken with
// sqlite3_serialize, the whole database in one buffer: 1.1 GB of memory for a 1 GB database, and
// INTERNAL past 2 GiB. It is now copied with SQLite's backup API a step at a time.

afterEach(() => {
  vi.restoreAllMocks();
});

describe('restore of a WAL database', () => {
  it('copies what it replaces a step at a time, never as one image in memory: the pre-restore backup holds what only the -wal held, and is self-contained', async () => {
    const serialize = vi.spyOn(Database.prototype, 'serialize');
    const ctx = await databaseWithFiles(20);
    const taken = await backup(ctx);
    const service = new Database(ctx.dbPath);
    let result;
    try {
      service.pragma('journal_mode = WAL');
      service.pragma('wal_autocheckpoint = 0');
      addFiles(service, 9, 'wal-only'); // in the -wal file only
      result = await restore(ctx, { backup: taken.name });
      // The service's connection reads the restored database, and writes into it.
      expect((service.prepare("SELECT count(*) AS n FROM conversation_files WHERE file_id LIKE 'wal-only-%'").get() as { n: number }).n).toBe(0);
      addFiles(service, 1, 'after');
    } finally {
      service.close();
    }
    expect(serialize).not.toHaveBeenCalled();
    const pre = result.preRestoreBackup!.path;
    // The referee: sqlite3 reads the pre-restore backup alone, as a rollback-journal database holding the -wal's rows.
    expect(readFileSync(pre).subarray(18, 20)).toEqual(Buffer.from([1, 1]));
    expect(sqlite3(pre, 'PRAGMA integrity_check')).toBe('ok');
    expect(sqlite3(pre, "SELECT count(*) FROM conversation_files WHERE file_id LIKE 'wal-only-%'")).toBe('9');
    expect(sqlite3(pre, 'PRAGMA journal_mode')).toBe('delete');
    expect(existsSync(`${pre}-wal`)).toBe(false);
    expect(sqlite3(ctx.dbPath, "SELECT count(*) FROM conversation_files WHERE file_id LIKE 'after-%'")).toBe('1');
    expect(sqlite3(ctx.dbPath, 'PRAGMA integrity_check')).toBe('ok');
  });
});
