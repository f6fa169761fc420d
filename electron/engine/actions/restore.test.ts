import { copyFileSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { backup } from './backup';
import { backupFolderOf } from '../core/backups/backup-folder';
import { manifestPathOf } from '../core/backups/backup-manifest';
import { history } from './history';
import { initialize } from './initialize';
import { listBackups } from '../core/backups/list-backups';
import { restore } from './restore';
import { addFiles, damageIndexPage, databaseWithFiles, fileIds, flipByte, holdWriteLock, schemaFolder } from '../test-support/backup-fixtures';
import { CHILD_TABLES, contextFor, countRows, sha256File, sqlite3, tempDir } from '../test-support/fixtures';

function liveFiles(dbPath: string): Record<string, string | null> {
  const files: Record<string, string | null> = {};
  for (const suffix of ['', '-wal', '-shm', '-journal']) files[suffix || 'db'] = existsSync(`${dbPath}${suffix}`) ? sha256File(`${dbPath}${suffix}`) : null;
  return files;
}

describe('restore', () => {
  it('brings back deleted rows and leaves a pre-restore backup of what it replaced', async () => {
    const ctx = await databaseWithFiles(100);
    const taken = await backup(ctx);
    sqlite3(
      ctx.dbPath,
      'PRAGMA foreign_keys = ON; DELETE FROM conversation_files WHERE file_id IN (SELECT file_id FROM conversation_files ORDER BY file_id LIMIT 60);',
    );
    expect(countRows(ctx.dbPath, 'conversation_files')).toBe(40);

    const result = await restore(ctx, { backup: taken.name });

    expect(countRows(ctx.dbPath, 'conversation_files')).toBe(100);
    for (const table of CHILD_TABLES) expect(countRows(ctx.dbPath, table)).toBe(countRows(taken.path, table));
    expect(sqlite3(ctx.dbPath, 'PRAGMA integrity_check')).toBe('ok');
    expect(result).toMatchObject({ path: ctx.dbPath, version: '1.2.0', restoredFrom: { name: taken.name, sha256: taken.sha256 } });
    expect(result.preRestoreBackup).toMatchObject({ reason: 'pre-restore', verified: { ok: true } });
    expect(countRows(result.preRestoreBackup!.path, 'conversation_files')).toBe(40);
    expect(listBackups(ctx).map((b) => b.reason)).toEqual(['pre-restore', 'manual']);
    expect(history(ctx).events[0]).toMatchObject({
      action: 'restore',
      outcome: 'ok',
      version: '1.2.0',
      detail: { from: taken.path, preRestoreBackup: result.preRestoreBackup!.path },
    });
  });

  it('can be undone with its pre-restore backup', async () => {
    const ctx = await databaseWithFiles(10);
    const taken = await backup(ctx);
    sqlite3(
      ctx.dbPath,
      "INSERT INTO conversation_files (file_id, session_id, original_filename, stored_filename, file_path, file_size, file_hash) VALUES ('late', 's', 'f', 'late', '/p', 1, 'h')",
    );
    const { preRestoreBackup } = await restore(ctx, { backup: taken.path });
    expect(fileIds(ctx.dbPath)).not.toContain('late');
    await restore(ctx, { backup: preRestoreBackup!.name });
    expect(fileIds(ctx.dbPath)).toContain('late');
  });

  it('refuses a backup with one flipped byte, and the live database is byte-identical afterwards', async () => {
    const ctx = await databaseWithFiles(50);
    const taken = await backup(ctx);
    const writer = new Database(ctx.dbPath);
    addFiles(writer, 5);
    writer.close();
    flipByte(taken.path, Math.floor(taken.bytes / 2));
    const before = liveFiles(ctx.dbPath);

    await expect(restore(ctx, { backup: taken.name })).rejects.toMatchObject({
      code: 'BACKUP_INVALID',
      message: expect.stringMatching(/Refusing to restore .* SHA-256 .* has changed since.* Nothing was changed\.$/),
    });

    expect(liveFiles(ctx.dbPath)).toEqual(before);
    expect(listBackups(ctx)).toHaveLength(1); // no pre-restore backup: nothing was started
  });

  it("refuses a backup of another application's database and changes nothing", async () => {
    const ctx = await databaseWithFiles(10);
    const other = contextFor(join(tempDir(), 'other.db'), schemaFolder('other_app', 4242), { backupDir: backupFolderOf(ctx) });
    await initialize(other);
    const foreign = await backup(other);
    const before = liveFiles(ctx.dbPath);

    await expect(restore(ctx, { backup: foreign.name })).rejects.toMatchObject({
      code: 'FOREIGN_APPLICATION',
      message: expect.stringContaining('application_id 4242'),
    });
    expect(liveFiles(ctx.dbPath)).toEqual(before);
  });

  it('refuses a backup that fails quick_check even when its hash matches', async () => {
    const ctx = await databaseWithFiles(300);
    const taken = await backup(ctx);
    damageIndexPage(taken.path, 'idx_file_access_log_file');
    // A manifest rewritten to match the damaged file: only SQLite's check can tell.
    const manifest = JSON.parse(readFileSync(manifestPathOf(taken.path), 'utf8'));
    writeFileSync(manifestPathOf(taken.path), JSON.stringify({ ...manifest, sha256: sha256File(taken.path) }));
    const before = liveFiles(ctx.dbPath);
    await expect(restore(ctx, { backup: taken.name })).rejects.toMatchObject({ code: 'BACKUP_INVALID', message: expect.stringContaining('quick_check fails') });
    expect(liveFiles(ctx.dbPath)).toEqual(before);
  });

  it('refuses a plain copy without a manifest, and says how to make it restorable', async () => {
    const ctx = await databaseWithFiles(10);
    const copy = join(tempDir(), 'copy.sqlite');
    copyFileSync(ctx.dbPath, copy);
    await expect(restore(ctx, { backup: copy })).rejects.toMatchObject({ code: 'BACKUP_INVALID', hint: expect.stringContaining('back it up first') });
  });

  it('restores under a connection the service holds open in WAL mode, which then reads the restored data', async () => {
    const ctx = await databaseWithFiles(30);
    const service = new Database(ctx.dbPath);
    try {
      service.pragma('journal_mode = WAL');
      service.pragma('wal_autocheckpoint = 0');
      const taken = await backup(ctx);
      service.exec("DELETE FROM file_metadata; DELETE FROM conversation_files WHERE file_id LIKE 'file-1%'");
      addFiles(service, 7); // in the -wal file only: the restore must supersede it, not replay it
      await restore(ctx, { backup: taken.name });
      expect((service.prepare('SELECT count(*) AS n FROM conversation_files').get() as { n: number }).n).toBe(30);
      expect((service.prepare('SELECT count(*) AS n FROM file_metadata').get() as { n: number }).n).toBe(30);
      expect(service.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      service.close();
    }
    expect(countRows(ctx.dbPath, 'conversation_files')).toBe(30);
    expect(sqlite3(ctx.dbPath, 'PRAGMA integrity_check')).toBe('ok');
  });

  it('restores into a path whose database is gone, ignoring the -wal and -shm it left behind', async () => {
    const ctx = await databaseWithFiles(20);
    const taken = await backup(ctx);
    const service = new Database(ctx.dbPath);
    service.pragma('journal_mode = WAL');
    service.pragma('wal_autocheckpoint = 0');
    addFiles(service, 9);
    // A crashed service: its -wal and -shm stay behind, then someone deletes the database file.
    const wal = join(tempDir(), 'stale-wal');
    copyFileSync(`${ctx.dbPath}-wal`, wal);
    service.close();
    rmSync(ctx.dbPath);
    copyFileSync(wal, `${ctx.dbPath}-wal`);
    writeFileSync(`${ctx.dbPath}-shm`, Buffer.alloc(32768));

    const result = await restore(ctx, { backup: taken.path });

    expect(result.preRestoreBackup).toBeNull();
    expect(countRows(ctx.dbPath, 'conversation_files')).toBe(20);
    expect(sqlite3(ctx.dbPath, 'PRAGMA integrity_check')).toBe('ok');
  });

  it('keeps a pre-restore backup of a damaged database it replaces, marked as failing its check', async () => {
    const ctx = await databaseWithFiles(300);
    const taken = await backup(ctx);
    damageIndexPage(ctx.dbPath, 'idx_file_access_log_file');
    const result = await restore(ctx, { backup: taken.name });
    expect(result.preRestoreBackup).toMatchObject({ reason: 'pre-restore', verified: { ok: false } });
    expect(sqlite3(ctx.dbPath, 'PRAGMA integrity_check')).toBe('ok');
  });

  it('will not restore over a file SQLite cannot read, and says to move it aside', async () => {
    const ctx = await databaseWithFiles(5);
    const taken = await backup(ctx);
    writeFileSync(ctx.dbPath, Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), Buffer.alloc(500)]));
    const before = sha256File(ctx.dbPath);
    await expect(restore(ctx, { backup: taken.name })).rejects.toMatchObject({ code: 'NOT_A_DATABASE', hint: expect.stringContaining('.damaged') });
    expect(sha256File(ctx.dbPath)).toBe(before);
  });

  it('cancelled while copying, leaves the live database as it was', async () => {
    const controller = new AbortController();
    const ctx = await databaseWithFiles(3_000, { signal: controller.signal });
    const taken = await backup(ctx);
    sqlite3(ctx.dbPath, 'DELETE FROM file_access_log');
    const rowsBefore = countRows(ctx.dbPath, 'file_access_log');
    const onProgress = (p: { operation: string; phase: string }) => {
      if (p.operation === 'restore' && p.phase === 'copying pages') controller.abort();
    };
    await expect(restore({ ...ctx, onProgress }, { backup: taken.name })).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(countRows(ctx.dbPath, 'file_access_log')).toBe(rowsBefore);
    expect(sqlite3(ctx.dbPath, 'PRAGMA integrity_check')).toBe('ok');
  });

  it('waits for another process holding the write lock, and gives up with LOCKED past the busy timeout', async () => {
    const ctx = await databaseWithFiles(10);
    const taken = await backup(ctx);
    sqlite3(ctx.dbPath, 'DELETE FROM file_metadata');
    await holdWriteLock(ctx.dbPath, 400);
    await restore({ ...ctx, busyTimeoutMs: 10_000 }, { backup: taken.name });
    expect(countRows(ctx.dbPath, 'file_metadata')).toBe(10);

    sqlite3(ctx.dbPath, 'DELETE FROM file_metadata');
    const before = sha256File(ctx.dbPath);
    const holder = await holdWriteLock(ctx.dbPath, 60_000);
    await expect(restore({ ...ctx, busyTimeoutMs: 300 }, { backup: taken.name })).rejects.toMatchObject({ code: 'LOCKED' });
    holder.kill('SIGKILL');
    expect(sha256File(ctx.dbPath)).toBe(before);
  });

  it('names backups by file name inside the backup folder, never by a relative path', async () => {
    const ctx = await databaseWithFiles(1);
    await expect(restore(ctx, { backup: '../elsewhere/x.sqlite' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(restore(ctx, { backup: 'missing.sqlite' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining(backupFolderOf(ctx)),
    });
    expect(existsSync(backupFolderOf(ctx))).toBe(false);
    expect(statSync(ctx.dbPath).size).toBeGreaterThan(0);
  });
});
