import { accessSync, closeSync, constants, existsSync, openSync, readSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { ErrorCode, ErrorInfo } from '../../shared/errors';
import type { NextAction } from '../../shared/next-action';

/**
 * An error a person can act on: what went wrong and where (message), what to do in plain words
 * (hint), and the actions that do it as data (next), which each app words as its own.
 */
export class WardenError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown> | undefined;
  readonly next: NextAction[] | undefined;

  constructor(code: ErrorCode, message: string, hint?: string, details?: Record<string, unknown>, next?: NextAction[]) {
    super(message);
    this.name = 'WardenError';
    this.code = code;
    this.hint = hint;
    this.details = details;
    this.next = next;
  }

  toInfo(): ErrorInfo {
    return { code: this.code, message: this.message, hint: this.hint, details: this.details, ...(this.next ? { next: this.next } : {}) };
  }
}

/** The backups to pick from, then the restore of the one picked. */
const RESTORE_A_BACKUP: NextAction[] = [{ action: 'backups' }, { action: 'restore' }];

interface SqliteError extends Error {
  code: string;
}

function isSqliteError(err: unknown): err is SqliteError {
  return err instanceof Error && typeof (err as SqliteError).code === 'string' && (err as SqliteError).code.startsWith('SQLITE_');
}

/** True when the file (or, when it does not exist, its folder) cannot be read and written by this account. */
function accessDenied(path: string): boolean {
  try {
    accessSync(existsSync(path) ? path : dirname(path), constants.R_OK | constants.W_OK);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EACCES' || (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The errno of access(2) for `mode` on `path`, or null when it is allowed. */
function refusal(path: string, mode: number): string | null {
  try {
    accessSync(path, mode);
    return null;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? 'EACCES';
  }
}

/** True when the file's header says WAL mode (file format versions 2 at bytes 18 and 19). */
function isWalFile(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const header = Buffer.alloc(20);
    return readSync(fd, header, 0, 20, 0) === 20 && header[18] === 2 && header[19] === 2;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * A WAL database SQLite cannot open because it must create its -wal and -shm files beside it and
 * the folder does not let it: a read-only filesystem (READ_ONLY) or a folder this account may not
 * write (PERMISSION_DENIED). Null when that is not why.
 */
function walFolderRefused(path: string): WardenError | null {
  if (!existsSync(path) || !isWalFile(path)) return null;
  const missing = ['-wal', '-shm'].filter((suffix) => !existsSync(`${path}${suffix}`));
  if (missing.length === 0) return null; // nothing to create: the folder is not why
  const folder = dirname(path);
  const why = refusal(folder, constants.W_OK);
  if (why === null) return null;
  const sidecars = missing.map((suffix) => `${basename(path)}${suffix}`).join(' and ');
  const elsewhere = `or copy the database (with its -wal file, if any) to a writable folder and open the copy`;
  if (why === 'EROFS') {
    return new WardenError(
      'READ_ONLY',
      `The database ${path} cannot be opened: it is in WAL mode, and SQLite must create ${sidecars} beside it, in ${folder}, which is on a read-only filesystem (EROFS). Nothing was changed.`,
      `Remount ${folder} read-write, ${elsewhere}. To read it where it is for good, switch it out of WAL where it can be written: sqlite3 ${path} "PRAGMA journal_mode=DELETE".`,
      { folder },
    );
  }
  if (why === 'EACCES' || why === 'EPERM') {
    return new WardenError(
      'PERMISSION_DENIED',
      `The database ${path} cannot be opened: it is in WAL mode, and SQLite must create ${sidecars} beside it, in ${folder}, where this account (uid ${process.getuid?.() ?? '?'}) may not create files (${why}). Nothing was changed.`,
      `Give this account write access to ${folder} (ls -ld ${folder} shows who may), run as the user that owns it, ${elsewhere}.`,
      { folder },
    );
  }
  return null;
}

const FILE_ERRORS: Record<string, { code: ErrorCode; what: string; hint: string }> = {
  ENOSPC: { code: 'NO_SPACE', what: 'the disk is full', hint: 'Free some space on that disk (df -h shows how much is left), then run it again.' },
  EDQUOT: { code: 'NO_SPACE', what: "this account's disk quota is used up", hint: 'Free some space within the quota, then run it again.' },
  EROFS: {
    code: 'READ_ONLY',
    what: 'the filesystem is mounted read-only',
    hint: 'Remount it read-write, or choose a folder on a writable disk (for backups, another backup folder).',
  },
  EACCES: {
    code: 'PERMISSION_DENIED',
    what: 'this account may not',
    hint: 'Give this account access to the file and its folder (ls -l shows who may), or run as the user that owns them.',
  },
  EPERM: {
    code: 'PERMISSION_DENIED',
    what: 'the operating system does not allow it',
    hint: 'Give this account access to the file and its folder (ls -l shows who may), or run as the user that owns them.',
  },
  // A folder expected where a file is (`--backup-dir notes.txt`): a path to check, not a bug.
  ENOTDIR: {
    code: 'NOT_FOUND',
    what: 'a part of that path is a file, not a folder',
    hint: 'Check the path: everything before its last name must be a folder.',
  },
  EIO: {
    code: 'IO_ERROR',
    what: 'the disk failed the read or write (an I/O error)',
    hint: 'Check the disk or the volume (dmesg, a network filesystem that went away), then run it again.',
  },
};

/** What the failed system call was doing, in words (Node names it: open, copyfile…). */
const SYSCALL_WORDS: Record<string, string> = {
  open: 'Opening',
  read: 'Reading',
  write: 'Writing',
  copyfile: 'Copying to',
  mkdir: 'Creating the folder',
  rename: 'Renaming to',
  fsync: 'Syncing',
  unlink: 'Removing',
  scandir: 'Listing',
};

/**
 * The world being imperfect (a full disk, a read-only filesystem, a refused permission, a failing
 * device) as its own error naming the file and the cause, never INTERNAL "a bug in Schema Warden".
 * Anything else passes through.
 */
export function explainFileError(err: unknown, fallbackPath = 'a file Schema Warden was using'): unknown {
  if (err instanceof WardenError) return err;
  if (isSqliteError(err)) return explainSqliteError(err, fallbackPath);
  const errno = err as NodeJS.ErrnoException;
  const known = errno instanceof Error && typeof errno.code === 'string' ? FILE_ERRORS[errno.code] : undefined;
  if (!known) return err;
  const where = (errno as NodeJS.ErrnoException & { dest?: string }).dest ?? errno.path ?? fallbackPath;
  const doing = SYSCALL_WORDS[errno.syscall ?? ''] ?? errno.syscall ?? 'Using';
  return new WardenError(known.code, `${doing} ${where} failed: ${known.what} (${errno.code}). The step was not completed.`, known.hint);
}

/**
 * SQLite's codes that are about the file, not the statement run on it: it cannot be opened, the disk
 * failed or is full, it is not a database, or a read-only connection cannot recover or set up its WAL.
 * A query or a page read failing with one of these is explained as the file's problem, never the SQL's.
 */
export function isFileFailure(code: string | undefined): boolean {
  return code !== undefined && (/^SQLITE_(CANTOPEN|IOERR|NOTADB|FULL|PERM)/.test(code) || code.startsWith('SQLITE_READONLY_'));
}

/** Turns SQLite's error for a file into a WardenError naming the file; other errors pass through. */
export function explainSqliteError(err: unknown, path: string): unknown {
  if (!isSqliteError(err)) return err;
  const code = err.code;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new WardenError(
      'LOCKED',
      `The database ${path} is locked by another process and stayed locked past the wait time.`,
      'Wait for the other process (a long write, a backup, an open sqlite3 shell) to finish, then try again.',
    );
  }
  if (code === 'SQLITE_NOTADB') {
    return new WardenError('NOT_A_DATABASE', `${path} is not a SQLite database (${err.message}).`, 'Check the path: it should name a SQLite database file.');
  }
  if (code === 'SQLITE_ERROR' && /^(no such (table|column)|table \S+ has no column named)\b/.test(err.message)) {
    // Schema Warden's own tables (schema_version, schema_events unless the footprint names them
    // otherwise) without the columns it reads and writes: another tool's table of the same name,
    // a hand edit, or damage to the schema's text.
    return new WardenError(
      'SCHEMA_DRIFT',
      `The database ${path} lacks a table or column Schema Warden reads and writes (${err.message}): its versions or events table was made by another tool, edited by hand, or damaged.`,
      `See what it holds with: sqlite3 ${path} .schema. If the app owns a table of that name, give the tool's tables other names in schema.json (footprint.versionsTable, footprint.eventsTable); otherwise restore a backup.`,
      undefined,
      RESTORE_A_BACKUP,
    );
  }
  if (code === 'SQLITE_ERROR' && err.message.startsWith('foreign key mismatch')) {
    return new WardenError(
      'SCHEMA_DRIFT',
      `The foreign keys of ${path} cannot be checked (${err.message}): a foreign key names a parent key that is not its table's primary key or unique, so its schema was changed by hand or is damaged.`,
      'See the drift in the status of the database; restore a backup, or fix the table definitions.',
      undefined,
      [{ action: 'status' }, { action: 'backups' }, { action: 'restore' }],
    );
  }
  if (code === 'SQLITE_ERROR' && err.message === 'unsupported file format') {
    return new WardenError(
      'CORRUPT',
      `The database ${path} is damaged: its header names a schema format SQLite does not know (${err.message}).`,
      'Restore it from a backup; do not write to it.',
      undefined,
      RESTORE_A_BACKUP,
    );
  }
  if (code.startsWith('SQLITE_CORRUPT')) {
    return new WardenError(
      'CORRUPT',
      `The database ${path} is corrupt: ${err.message}.`,
      'Restore it from a backup; do not write to it.',
      undefined,
      RESTORE_A_BACKUP,
    );
  }
  if (code === 'SQLITE_READONLY_ROLLBACK') {
    return new WardenError(
      'READ_ONLY',
      `The database ${path} cannot be read until the write that was interrupted in it (its -journal file) is rolled back, and this process may not write to it.`,
      'Run the command again as a user who may write the database and its folder: SQLite rolls the interrupted write back on opening it.',
    );
  }
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN')) {
    // A WAL database whose -wal or -shm cannot be created: the folder, not the file, is why (SQLite says READONLY or CANTOPEN).
    const folder = walFolderRefused(path);
    if (folder) return folder;
  }
  if (code.startsWith('SQLITE_READONLY')) {
    return new WardenError(
      'READ_ONLY',
      `The database ${path} cannot be written: ${err.message}.`,
      'Make the file and its folder writable for this user, then try again.',
    );
  }
  if (code === 'SQLITE_FULL') {
    return new WardenError(
      'NO_SPACE',
      `The disk holding ${path} is full: SQLite could not write (${err.message}). The step that was writing was rolled back; what was committed before it stays.`,
      'Free some space on that disk (df -h shows how much is left), then run it again.',
    );
  }
  if (code.startsWith('SQLITE_IOERR')) {
    return new WardenError(
      'IO_ERROR',
      `Reading or writing ${path} failed at the disk (${code}: ${err.message}). The step that was running was rolled back; what was committed before it stays.`,
      'Check the disk or the volume (dmesg, a network filesystem that went away), then run it again; if it repeats, copy the database elsewhere first.',
    );
  }
  if (code.startsWith('SQLITE_CANTOPEN') && accessDenied(path)) {
    return new WardenError(
      'PERMISSION_DENIED',
      `${path} cannot be opened: this account (uid ${process.getuid?.() ?? '?'}) may not read or write it, or its folder.`,
      `Give this account access to ${path} and its folder (ls -l shows who may), or run as the user that owns it.`,
    );
  }
  if (code.startsWith('SQLITE_CANTOPEN')) {
    return new WardenError('NOT_FOUND', `The database ${path} cannot be opened: ${err.message}.`, 'Check that the path and its folder exist and are readable.');
  }
  return err;
}
