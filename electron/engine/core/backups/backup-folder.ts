import { randomBytes } from 'node:crypto';
import { accessSync, closeSync, constants, fsyncSync, lstatSync, openSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import type { BackupReason } from '../../../../shared/types/backups';
import type { EngineContext } from '../../context';
import { WardenError } from '../../errors';
import { makePrivateFolder } from '../sqlite/private-files';

// Where a database's backups live and how their files are named: `<db>.backups/` beside the
// database unless the caller chose a folder, one `<db>-<time>-<reason>.sqlite` per backup.

export function backupFolderOf(ctx: Pick<EngineContext, 'dbPath' | 'backupDir'>): string {
  return resolve(ctx.backupDir ?? `${ctx.dbPath}.backups`);
}

/**
 * The file a backup argument names: a file name inside the backup folder (how the API names
 * backups, so no path crosses it) or an absolute path (how the command line names a file).
 */
export function backupPathOf(ctx: Pick<EngineContext, 'dbPath' | 'backupDir'>, backup: string): string {
  if (!isAbsolute(backup) && (backup === '' || backup === '.' || backup === '..' || basename(backup) !== backup)) {
    throw new WardenError(
      'INVALID_INPUT',
      `"${backup}" is neither the file name of a backup nor an absolute path.`,
      'Name a backup as the list of backups names it, or give the full path of the file.',
      undefined,
      [{ action: 'backups' }],
    );
  }
  const folder = backupFolderOf(ctx);
  const path = isAbsolute(backup) ? backup : join(folder, backup);
  const link = linkInFolder(folder, path);
  if (link !== null) {
    throw new WardenError(
      'BACKUP_INVALID',
      `${path} is a symbolic link (to ${link}): a backup in the backup folder is never followed out of it. Nothing was read.`,
      'Restore only backups Schema Warden took (the list of backups names them); to use the file the link points at, give its own path.',
      undefined,
      [{ action: 'backups' }],
    );
  }
  return path;
}

/** Where a link inside the backup folder points (the path itself, or its manifest), or null when neither is a link. */
export function linkInFolder(folder: string, path: string): string | null {
  if (dirname(resolve(path)) !== folder) return null;
  for (const file of [path, `${path}.json`]) {
    try {
      if (lstatSync(file).isSymbolicLink()) return readlinkSync(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return null;
}

/** Creates the backup folder when needed (no more open than the database) and makes sure a backup can be written into it. */
export function prepareBackupFolder(folder: string, dbPath: string): void {
  try {
    makePrivateFolder(folder, dbPath);
    accessSync(folder, constants.W_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'ENOTDIR' || code === 'EEXIST') {
      throw new WardenError(
        'READ_ONLY',
        `Backups cannot be written to ${folder} (${code}).`,
        'Choose another backup folder, one that can be written, or make this one writable.',
        undefined,
        [{ action: 'backupDir' }],
      );
    }
    throw err;
  }
}

/** The part of the database's file name a backup's name starts with, reduced to the characters a backup name allows. */
function stemOf(dbPath: string): string {
  const stem = basename(dbPath)
    .replace(/\.(db|sqlite3?|db3)$/i, '')
    .replace(/[^A-Za-z0-9_.-]/g, '_')
    .slice(0, 100);
  return stem.replace(/^\.+/, '') || 'database';
}

/** `conversation_files-20250102T030405678Z-pre-migrate`: sorts by time, says what it is for. */
export function backupBaseName(dbPath: string, createdAt: string, reason: BackupReason): string {
  return `${stemOf(dbPath)}-${createdAt.replace(/[-:.]/g, '')}-${reason}`;
}

/** This machine's name as file names written here carry it (several hosts may share a folder). */
export function hostTag(): string {
  return hostname().replace(/[^A-Za-z0-9_.-]/g, '_');
}

/**
 * A hidden name in the folder for a copy in progress, `.<db>~<host>~<pid>~<random>.partial`:
 * never listed, removed if the copy does not complete, and recognizable as abandoned when the
 * process that wrote it is gone.
 */
export function stagingPathIn(folder: string, dbPath: string): string {
  return join(folder, `.${stemOf(dbPath)}~${hostTag()}~${process.pid}~${randomBytes(4).toString('hex')}.partial`);
}

/** A staging file's name: its host (1) and the id of the process that wrote it (2). */
export const STAGING_FILE = /^\..*~([A-Za-z0-9_.-]+)~(\d+)~[0-9a-f]{8}\.partial(-journal|-wal|-shm)?$/;

/** Whether a process of this machine is still running. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // it exists, under another user
  }
}

/**
 * Removes the copies that backups killed mid-way on this host left behind (SIGKILL, a crash, a
 * power cut): their process is gone. Copies of other hosts sharing the folder are left alone.
 */
export function removeAbandonedCopies(folder: string): string[] {
  const removed: string[] = [];
  for (const entry of readdirSync(folder)) {
    const match = STAGING_FILE.exec(entry);
    if (!match || match[1] !== hostTag() || isRunning(Number(match[2]))) continue;
    rmSync(join(folder, entry), { force: true });
    removed.push(entry);
  }
  return removed;
}

/** A database file and the files SQLite keeps beside it. */
export function removeDatabaseFiles(path: string): void {
  for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
}

/** Makes a rename in the folder durable (POSIX: the directory entry is only on disk once the folder is synced). */
export function syncFolder(folder: string): void {
  const fd = openSync(folder, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
