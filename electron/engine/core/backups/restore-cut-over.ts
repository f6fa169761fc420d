import { spawnSync } from 'node:child_process';
import { closeSync, fsyncSync, openSync, statSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import type { BackupInfo } from '../../../../shared/types/backups';
import { nowIso } from '../history/actor';
import { publish } from './publish-backup';
import { removeDatabaseFiles, stagingPathIn } from './backup-folder';
import { createPrivateFile } from '../sqlite/private-files';
import { checkDatabaseFile } from '../sqlite/check-database-file';
import { throwIfCancelled, type EngineContext } from '../../context';
import { assertApplicationId } from '../state/database-state';
import { ALL_PAGES, copyDatabase, explainCopyError } from '../sqlite/copy-database';
import { hasHotJournal } from '../sqlite-file/journal';
import { explainFileError, explainSqliteError, WardenError } from '../../errors';
import { firstFailedRead } from '../sqlite/failing-disk';
import { sha256FileSync } from '../sqlite/file-sha256';
import { DEFAULT_BUSY_TIMEOUT_MS, withDatabase, type Connection } from '../sqlite/open-database';
import { newConnection } from '../sqlite/sqlite-addon';

// A restore is one cut-over (DESIGN.md): every write committed before it is in the pre-restore
// backup, every write after it lands on the restored database, and none falls between the two.
//
// How: SQLite's backup API, writing the restored content into the live file, takes the live
// database's write lock in its first step and keeps it until its last step commits
// (sqlite.org/c3ref/backup_finish.html: the destination stays locked for the whole backup). So the
// first step copies no page and only takes the lock; while it is held the pre-restore backup is
// taken and the history carried across; then one step writes every page and commits. Writers wait
// (busy) meanwhile, and commit into the restored database afterwards.

const RETRY_MS = 5;
/** The page cache of the connection that reads a WAL database for the pre-restore backup: each page is read once. */
const COPY_CACHE_KIB = 2048;

function lockedError(ctx: EngineContext, busyTimeoutMs: number): WardenError {
  return new WardenError(
    'LOCKED',
    `The restore of ${ctx.dbPath} could not take the database's write lock: another connection held it (or, under a rollback journal, kept reading) for more than ${busyTimeoutMs} ms. Nothing was changed.`,
    'Wait for the other process (a long write transaction, an open sqlite3 shell) to finish, or give it longer, then try again.',
    undefined,
    [{ action: 'busyTimeout', ms: busyTimeoutMs * 2 }],
  );
}

/**
 * Writes the database open on `source` over the live database in one cut-over: `atCutOver` runs
 * while the live database's write lock is held and before any page is written; if it fails, the
 * live database is left as it was (the backup API rolls its transaction back). Returns what
 * `atCutOver` gave.
 */
export async function writeInOneCutOver<T>(ctx: EngineContext, source: Connection, atCutOver: () => Promise<T>, afterCut?: (done: T) => string): Promise<T> {
  const busyTimeoutMs = ctx.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  const deadline = performance.now() + busyTimeoutMs;
  for (;;) {
    throwIfCancelled(ctx, `The restore of ${ctx.dbPath}`);
    const cut: { work?: Promise<void>; outcome?: { value: T } | { error: unknown } } = {};
    let totalPages: number;
    try {
      ({ totalPages } = await source.backup(ctx.dbPath, {
        // Steps of no page keep the lock while the work at the cut-over runs (it copies the live
        // database, which may take minutes); then one step writes every page and commits.
        progress: () => {
          cut.work ??= atCutOver().then(
            (value) => void (cut.outcome = { value }),
            (error: unknown) => void (cut.outcome = { error }),
          );
          if (cut.outcome === undefined) return 0;
          if ('error' in cut.outcome) throw cut.outcome.error;
          return ALL_PAGES;
        },
      }));
    } catch (err) {
      await cut.work; // never leave the work at the cut-over running after the restore stopped
      if (cut.outcome && 'error' in cut.outcome && cut.outcome.error === err) throw err;
      const needed = (source.pragma('page_count', { simple: true }) as number) * (source.pragma('page_size', { simple: true }) as number);
      const explained = explainSqliteError(explainCopyError(err, ctx.dbPath, needed), ctx.dbPath);
      const done = cut.outcome && 'value' in cut.outcome ? cut.outcome.value : null;
      throw done === null ? explained : failedAfterTheCut(ctx, explained, afterCut?.(done));
    }
    // Pages are copied only after a first step that took the lock, which calls progress.
    if (cut.outcome && 'value' in cut.outcome) return cut.outcome.value;
    // The first step met another connection's lock (better-sqlite3 reports SQLITE_BUSY as an empty
    // copy; the copy's own connection has no busy handler): retry until the busy timeout.
    if (totalPages > 0)
      throw new Error(
        `The restore of ${ctx.dbPath} copied pages without taking the lock first: better-sqlite3's backup no longer works as restore-cut-over.ts expects.`,
      );
    if (performance.now() > deadline) throw lockedError(ctx, busyTimeoutMs);
    await new Promise((wake) => setTimeout(wake, RETRY_MS));
  }
}

/**
 * The page copy failed after the cut-over's work (a disk that failed a write or its fsync): the
 * live file may hold part of the restore, its original pages in the rollback journal. That journal
 * is played back now, by opening the file, rather than left for the service to find; where the
 * disk fails that too, the error says the journal is there and must stay. `afterCut`: what the
 * cut-over's work left (the pre-restore backup).
 */
function failedAfterTheCut(ctx: EngineContext, err: unknown, afterCut: string | undefined): unknown {
  if (!(err instanceof WardenError)) return err;
  if (hasHotJournal(ctx.dbPath)) {
    try {
      withDatabase(ctx.dbPath, { mode: 'write', busyTimeoutMs: ctx.busyTimeoutMs }, (db) => db.prepare('SELECT count(*) FROM sqlite_master').get());
    } catch {
      // the disk fails the playback too: said below
    }
  }
  const state = hasHotJournal(ctx.dbPath)
    ? `The restore had begun writing the database; its original pages are in ${ctx.dbPath}-journal, which SQLite plays back (putting the database as it was before the restore) the next time anything opens it for writing, and could not play back now because the disk failed again. Do not delete or move that file.`
    : `The restore had begun writing the database and was rolled back: the database is as it was before the restore.`;
  return new WardenError(
    err.code,
    `${err.message.replace(/ The step that was running was rolled back; what was committed before it stays\.$/, '')} ${state}${afterCut ? ` ${afterCut}` : ''}`,
    err.hint,
    err.details,
  );
}

function syncFile(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

// Run in another process: it reads the live file's header and, under a rollback journal, copies
// the file. Not in this one: POSIX drops every lock a process holds on a file as soon as the
// process closes any descriptor of that file, so an fs.open/close here would release the lock the
// restore holds through SQLite (sqlite.org/howtocorrupt.html, 2.2) and let writers in mid-copy.
// It copies in chunks and stops when the restore that started it is gone (killed: its parent id
// changes), so it never outlives it; the .partial it leaves is removed as abandoned. A failure is
// answered as its errno code and whether reading or writing failed, for the restore to name (a full disk, a failing device).
const COPY_UNLESS_WAL = `
const { closeSync, openSync, readSync, writeSync } = require('node:fs');
const [live, copy, parent] = process.argv.slice(1);
try {
  const header = Buffer.alloc(20);
  const from = openSync(live, 'r');
  readSync(from, header, 0, 20, 0);
  if (header[18] === 2 && header[19] === 2) {
    closeSync(from);
    process.stdout.write('wal');
  } else {
    const to = openSync(copy, 'w');
    const chunk = Buffer.alloc(8 * 1024 * 1024);
    for (let at = 0, n; (n = readSync(from, chunk, 0, chunk.length, at)) > 0; at += n) {
      if (String(process.ppid) !== parent) process.exit(3);
      writeSync(to, chunk, 0, n, at);
    }
    closeSync(to);
    closeSync(from);
    process.stdout.write('copied');
  }
} catch (err) {
  process.stdout.write('error:' + (err.code || 'unknown') + ':' + (err.syscall === 'read' ? 'read' : 'write'));
  process.exitCode = 1;
}
`;

function copyUnlessWal(livePath: string, staged: string): 'wal' | 'copied' {
  const run = spawnSync(process.execPath, ['-e', COPY_UNLESS_WAL, livePath, staged, String(process.pid)], {
    encoding: 'utf8',
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
  });
  if (run.status === 0 && (run.stdout === 'wal' || run.stdout === 'copied')) return run.stdout;
  const [, errno, side] = /^error:(\w+):(read|write)$/.exec(run.stdout) ?? [];
  // Which side failed: reading the live database (a failing disk under it) or writing the copy (a full backup folder).
  const where = side === 'read' ? { path: livePath, syscall: 'read' } : { path: staged, syscall: 'Copying the live database to' };
  const explained = errno && explainFileError(Object.assign(new Error(errno), { code: errno, ...where }));
  if (explained instanceof WardenError)
    throw new WardenError(explained.code, `${explained.message} The restore had not begun: the database is as it was.`, explained.hint);
  throw new WardenError(
    'INTERNAL',
    `The pre-restore copy of ${livePath} to ${staged} failed (${run.error?.message ?? run.stderr.trim().split('\n').pop() ?? `exit ${run.status}`}). Nothing was changed.`,
    `Check that the backup folder has room and is writable, then try again.`,
  );
}

/** Bytes 18-19 of the header: 1 = rollback journal. Every backup is self-contained, read without -wal/-shm files beside it (as backup.ts's makeSelfContained does). */
function markRollbackJournal(staged: string): void {
  const fd = openSync(staged, 'r+');
  try {
    writeSync(fd, Buffer.from([1, 1]), 0, 2, 18);
  } finally {
    closeSync(fd);
  }
}

/**
 * Copies the live database, page for page (damage included), while the restore holds its write
 * lock. Rollback journal: the lock is EXCLUSIVE, so nothing can read through SQLite, but nothing
 * is mid-write either and SQLite rolled back any hot journal before granting it: the file is the
 * database (sqlite.org/lockingv3.html), and a copy of it is exact. WAL: readers still read, and
 * SQLite's backup API from a connection of this process copies the pages as SQLite sees them,
 * what is in the -wal included, a step at a time (memory stays flat whatever the size). The live
 * file is only ever opened through SQLite here, which keeps its locks (see COPY_UNLESS_WAL).
 */
async function copyLiveUnderLock(ctx: EngineContext, staged: string): Promise<void> {
  if (copyUnlessWal(ctx.dbPath, staged) === 'wal') {
    const reader = newConnection(ctx.dbPath, { readonly: true, fileMustExist: true });
    try {
      reader.pragma(`cache_size = -${COPY_CACHE_KIB}`);
      await copyDatabase(ctx, reader, staged, 'restore', `The pre-restore backup of ${ctx.dbPath}`);
    } catch (err) {
      const explained = failedRead(err, ctx.dbPath) ?? explainFileError(err, staged);
      if (!(explained instanceof WardenError) || explained.code === 'CANCELLED' || explained.code === 'LOCKED') throw explained;
      throw new WardenError(explained.code, `${explained.message} The restore had not begun: the database is as it was.`, explained.hint);
    } finally {
      reader.close();
    }
    markRollbackJournal(staged);
  }
  syncFile(staged);
}

/**
 * The copy of the live database failing on a read, as what it is. The backup API does not say
 * which file failed, and SQLite reports a read the disk failed (EIO) as corruption (the VFS's
 * SQLITE_IOERR_CORRUPTFS becomes SQLITE_CORRUPT) while damage in the file does not stop a copy of
 * pages: the file is read once more from another process to tell a failing disk (IO_ERROR) from a
 * file SQLite cannot page through (CORRUPT). Null when the live file reads and the copy's own file failed.
 */
function failedRead(err: unknown, livePath: string): WardenError | null {
  const code = (err as { code?: unknown }).code;
  // The backup API reports a failed read of its source as SQLITE_IOERR or SQLITE_CORRUPT, without saying which file.
  if (typeof code !== 'string' || !(code.startsWith('SQLITE_CORRUPT') || code.startsWith('SQLITE_IOERR'))) return null;
  const errno = firstFailedRead([livePath])?.errno;
  if (errno) {
    const explained = explainFileError(Object.assign(new Error(errno), { code: errno, path: livePath, syscall: 'read' }));
    if (explained instanceof WardenError)
      return new WardenError(
        explained.code,
        `${explained.message} (SQLite said: ${(err as Error).message}.) The file is not known to be damaged: the disk failed to read it.`,
        explained.hint,
      );
  }
  if (!code.startsWith('SQLITE_CORRUPT')) return null; // the live file reads: the copy's own file failed
  const explained = explainSqliteError(err, livePath);
  return explained instanceof WardenError ? explained : null;
}

function fingerprintOfCopy(staged: string): ReturnType<typeof sha256FileSync> {
  try {
    return sha256FileSync(staged);
  } catch (err) {
    const explained = explainFileError(err, staged);
    if (!(explained instanceof WardenError)) throw explained;
    throw new WardenError(
      explained.code,
      `${explained.message} The pre-restore backup could not be read back. The restore had not begun: the database is as it was.`,
      explained.hint,
    );
  }
}

/**
 * The pre-restore backup, taken under the restore's lock so it holds every write committed
 * before the cut-over: checked with quick_check (kept, marked as failing, when the database it
 * replaces is damaged: it may be all there is of it), fingerprinted and published with its
 * manifest before anything is written. Null when the live file is empty: nothing to keep.
 */
export async function takePreRestoreBackup(ctx: EngineContext, folder: string, sqliteVersion: string): Promise<BackupInfo | null> {
  if (statSync(ctx.dbPath).size === 0) return null;
  const started = performance.now();
  const createdAt = nowIso();
  const staged = stagingPathIn(folder, ctx.dbPath);
  try {
    createPrivateFile(staged, ctx.dbPath);
    await copyLiveUnderLock(ctx, staged);
    // Fingerprinted before it is checked: a read the disk fails is said as such here (EIO), where
    // quick_check would call it damage and the restore would go on, keeping a copy marked failing.
    const { sha256, bytes } = fingerprintOfCopy(staged);
    const check = checkDatabaseFile(staged, ctx.schema, 'quick');
    // Checked before, but the file at the path may have been replaced since: never overwrite another application's database.
    assertApplicationId(check.applicationId, ctx.schema, ctx.dbPath);
    return publish(folder, staged, {
      sha256,
      bytes,
      sourcePath: resolve(ctx.dbPath),
      applicationId: check.applicationId,
      version: check.version,
      sqliteVersion,
      reason: 'pre-restore',
      createdAt,
      durationMs: Math.round(performance.now() - started),
      verified: { ...check.integrity, at: nowIso() },
    });
  } finally {
    removeDatabaseFiles(staged);
  }
}
