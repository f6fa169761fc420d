import type Database from 'better-sqlite3';
import {
  closeSync,
  copyFileSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readlinkSync,
  readSync,
  rmSync,
  statfsSync,
  statSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { WardenError, explainFileError, explainSqliteError } from '../../errors';
import { newConnection } from './sqlite-addon';

export type Connection = Database.Database;

export interface OpenOptions {
  /**
   * 'read' never writes to the file, but for rolling back the hot journal a crashed writer left
   * (every SQLite client does that before reading); 'write' may.
   */
  mode: 'read' | 'write';
  /** Create the file (and its folder) when it does not exist. Only with mode 'write'. */
  create?: boolean;
  /** How long to wait for another process's lock before giving up with LOCKED. */
  busyTimeoutMs?: number;
  /** The connection reads each page once (a backup's copy, the check of a copy): it gets a small page cache. */
  singlePass?: boolean;
  /**
   * Write nothing beside the file (a backup must stay as it was): a WAL-mode file is read from a
   * private copy in the temporary folder, since SQLite creates -wal and -shm beside it to read it, and a hot
   * journal is not rolled back. Only with mode 'read'.
   */
  leaveNoFiles?: boolean;
}

export const DEFAULT_BUSY_TIMEOUT_MS = 10_000;
/**
 * Page cache of a single-pass connection: a large cache only costs memory there, and a scan runs
 * faster with a small one (quick_check of a 400 MB copy: 410 ms with better-sqlite3's 16 MB
 * default, 372 ms with this, measured).
 */
const SINGLE_PASS_CACHE_KIB = 2048;

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

function isSymbolicLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

const UNREACHABLE: Record<string, string> = {
  ELOOP: 'its symbolic links lead round in a loop',
  ENOTDIR: 'a part of the path before the file name is a file, not a folder',
  ENAMETOOLONG: 'the path is too long',
  EACCES: 'a folder of the path may not be searched by this user',
  EPERM: 'a folder of the path may not be searched by this user',
};

/** Filesystems whose files look regular but whose content the kernel makes up as it is read (proc, sysfs). */
const PSEUDO_FILESYSTEMS = new Set([0x9fa0, 0x62656572]);

function specialKindOf(path: string, stats: Stats): string | null {
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  if (stats.isFile() && PSEUDO_FILESYSTEMS.has(statfsSync(path).type)) return 'a file the kernel makes up as it is read (/proc or /sys)';
  return null;
}

/**
 * Refuses what is not a regular file or a folder before anything opens it: reading a FIFO waits
 * for a writer forever, and SQLite would create a -journal beside /dev/zero.
 */
function refuseSpecialFile(path: string, stats: Stats): void {
  const kind = specialKindOf(path, stats);
  if (kind === null) return;
  throw new WardenError(
    'NOT_REGULAR_FILE',
    `${path} is ${kind}, not a database file. Nothing was opened or created.`,
    'Pass the path of a SQLite database file (a regular file), or a path where none exists yet.',
  );
}

/**
 * What is at a database's path: its stats (symbolic links followed), null when nothing is there
 * yet, or the error that says why the path cannot name a database file. A symbolic link to nothing
 * is refused rather than taken as "not there yet": creating the database where it points could
 * start a service on an empty database beside a volume that is not mounted.
 */
export function statDatabasePath(path: string): Stats | null {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (code === 'ENOENT' && isSymbolicLink(path)) {
      const target = resolve(dirname(path), readlinkSync(path));
      throw new WardenError(
        'NOT_FOUND',
        `${path} is a symbolic link to ${target}, which does not exist. Nothing was created.`,
        `If the database lives on a volume, mount it. To create it there, initialize ${target}; otherwise remove the link.`,
      );
    }
    if (code === 'ENOENT') return null;
    if (code in UNREACHABLE)
      throw new WardenError(
        'NOT_FOUND',
        `No database can be opened at ${path}: ${UNREACHABLE[code]}.`,
        'Check the path (ls -l shows where each symbolic link leads), or pass the real path of the database file.',
      );
    throw err;
  }
  refuseSpecialFile(path, stats);
  return stats;
}

function readHeader(path: string): Buffer {
  const header = Buffer.alloc(100);
  try {
    const fd = openSync(path, 'r');
    try {
      readSync(fd, header, 0, 100, 0);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    throw explainFileError(err, path); // a disk that fails the read (EIO) is said as such, naming the file
  }
  return header;
}

/** Checks the file before SQLite sees it, so a wrong file is refused without being touched. */
function checkFile(path: string, stats: Stats, mode: OpenOptions['mode']): void {
  if (stats.isDirectory()) {
    throw new WardenError('IS_DIRECTORY', `${path} is a folder, not a database file.`, 'Pass the path of the .db file inside it.');
  }
  if (stats.size === 0) return; // SQLite treats an empty file as an empty database.
  const header = readHeader(path);
  if (stats.size < 100 || !header.subarray(0, 16).equals(SQLITE_HEADER)) {
    throw new WardenError(
      'NOT_A_DATABASE',
      `${path} is not a SQLite database (it does not start with the SQLite header).`,
      'Check the path: it should name a SQLite database file, not another kind of file.',
    );
  }
  if (mode === 'write' && (stats.mode & 0o222) === 0) {
    throw new WardenError(
      'READ_ONLY',
      `The database ${path} is read-only (its file permissions allow no writing).`,
      `Make it writable (chmod u+w ${path}) if this change is intended, then try again.`,
    );
  }
}

/**
 * When SQLite finds a database corrupt, whether it is because the file was truncated: a
 * rollback-journal database whose header counts more pages than the file holds. SQLite compares the
 * two under its read lock when it opens the file; doing it before, from the outside, mistakes a
 * file that another process is writing (page 1 is written before the file grows) for a truncated
 * one. A WAL database's size is not compared: its newest pages may be in the -wal file.
 */
function truncationOf(path: string): WardenError | null {
  const size = statSync(path).size;
  const header = readHeader(path);
  if (header[18] === 2 && header[19] === 2) return null; // WAL
  // The header's page count is valid when its "version-valid-for" number matches the change counter.
  const pageSize = header.readUInt16BE(16) === 1 ? 65536 : header.readUInt16BE(16);
  const pageCount = header.readUInt32BE(28);
  if (header.readUInt32BE(92) !== header.readUInt32BE(24) || pageCount === 0 || size >= pageSize * pageCount) return null;
  return new WardenError(
    'CORRUPT',
    `The database ${path} is truncated: its header says ${pageSize * pageCount} bytes but the file has ${size}.`,
    'Restore it from a backup; the missing part cannot be recovered from this file.',
    undefined,
    [{ action: 'backups' }, { action: 'restore' }],
  );
}

function isWalMode(path: string): boolean {
  const header = readHeader(path);
  return header[18] === 2 && header[19] === 2;
}

/**
 * A read-only connection to a private copy of a WAL-mode file, read as a rollback-journal database:
 * what the file holds without a -wal, and nothing written beside it. The copy is on disk (the kernel
 * copies it: memory stays flat at any size; in memory it cost twice the file) and is unlinked as
 * soon as SQLite holds it open, so nothing is left of it whatever happens next.
 */
function connectToCopy(path: string, options: OpenOptions): Connection {
  const folder = mkdtempSync(join(tmpdir(), 'warden-read-')); // 0700: as private as the file it copies
  const copy = join(folder, 'copy.sqlite');
  try {
    try {
      copyFileSync(path, copy);
      const fd = openSync(copy, 'r+');
      try {
        writeSync(fd, Buffer.from([1, 1]), 0, 2, 18); // the header's write and read versions: 2 means WAL
      } finally {
        closeSync(fd);
      }
    } catch (err) {
      throw explainFileError(err, copy); // a full or failing temporary folder is said as such
    }
    return probe(newConnection(copy, { readonly: true, fileMustExist: true }), options);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

function connect(path: string, options: OpenOptions, exists: boolean): Connection {
  const db = newConnection(path, { readonly: options.mode === 'read', fileMustExist: exists, timeout: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS });
  return probe(db, options);
}

function probe(db: Connection, options: OpenOptions): Connection {
  try {
    if (options.singlePass) db.pragma(`cache_size = -${SINGLE_PASS_CACHE_KIB}`);
    // Reading the schema forces SQLite to parse the file: a corrupt or encrypted one fails here.
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/**
 * Opens a database with clear errors for every bad input, and without changing a byte of a
 * file it refuses: the file is inspected before SQLite opens it, then probed read-only.
 */
export function openDatabase(path: string, options: OpenOptions): Connection {
  const stats = statDatabasePath(path);
  if (stats === null) {
    if (!options.create || options.mode !== 'write') {
      throw new WardenError('NOT_FOUND', `No database at ${path}.`, 'Check the path, or create the database there.', undefined, [{ action: 'initialize' }]);
    }
    mkdirSync(dirname(path), { recursive: true });
  } else {
    checkFile(path, stats, options.mode);
  }
  try {
    if (options.leaveNoFiles && stats !== null && stats.size > 0 && isWalMode(path)) return connectToCopy(path, options);
    try {
      return connect(path, options, stats !== null);
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'SQLITE_READONLY_ROLLBACK' || options.leaveNoFiles) throw err;
      // A writer killed mid-transaction left a hot journal: until SQLite rolls it back the file is
      // not a consistent database, and a read-only connection cannot roll it back. As any SQLite
      // client reading the file would, let a connection that may write roll it back, then read.
      connect(path, { ...options, mode: 'write' }, true).close();
      return connect(path, options, true);
    }
  } catch (err) {
    const explained = explainSqliteError(err, path);
    throw (explained instanceof WardenError && explained.code === 'CORRUPT' && truncationOf(path)) || explained;
  }
}

/** Runs `work` with a connection that is closed afterwards, whatever happens. */
export function withDatabase<T>(path: string, options: OpenOptions, work: (db: Connection) => T): T {
  const db = openDatabase(path, options);
  try {
    return work(db);
  } catch (err) {
    throw explainSqliteError(err, path);
  } finally {
    db.close();
  }
}
