import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { databaseStamp } from '../state/database-stamp';
import { WardenError } from '../../errors';

// SQLite reports a read that the disk failed (EIO, ENXIO) as damage: its unix VFS answers
// SQLITE_IOERR_CORRUPTFS, which reaches the caller as SQLITE_CORRUPT ("database disk image is
// malformed"), and a quick_check or integrity_check that meets it says "unable to get the page.
// error code=8458" (or, following a freelist, just "failed to get page N"). Before a verdict
// calls a file damaged, it is told apart here from a disk that failed to read it.

/** SQLITE_IOERR: the primary code of every extended I/O error code (SQLITE_IOERR_CORRUPTFS is 8458). */
const SQLITE_IOERR = 10;

/** The errors of a read that say the device failed, not the file (what SQLite's VFS turns into SQLITE_IOERR_CORRUPTFS). */
const DEVICE_ERRNOS = new Set(['EIO', 'ENXIO', 'EREMOTEIO']);

// Reads each file named whole, in another process, and answers 'ok' or 'error:<errno>:<file>'.
// Not in this one: POSIX drops every lock a process holds on a file as soon as the process closes
// any descriptor of that file (sqlite.org/howtocorrupt.html, 2.2), so an open/close here would
// release the locks this process's connections hold.
const READ_WHOLE = `
const { closeSync, openSync, readSync } = require('node:fs');
const chunk = Buffer.alloc(8 * 1024 * 1024);
for (const file of process.argv.slice(1)) {
  try {
    const fd = openSync(file, 'r');
    try {
      for (let at = 0, n; (n = readSync(fd, chunk, 0, chunk.length, at)) > 0; at += n);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    if (err.code === 'ENOENT') continue; /* a -wal checkpointed away meanwhile */
    process.stdout.write('error:' + (err.code || 'unknown') + ':' + file);
    process.exit(0);
  }
}
process.stdout.write('ok');
`;

export interface FailedRead {
  /** The error the read met (EIO…). */
  errno: string;
  /** The file whose read failed. */
  file: string;
}

/** Reads `files` whole from another process: the first read that failed, or null when every byte reads. */
export function firstFailedRead(files: string[]): FailedRead | null {
  const probe = spawnSync(process.execPath, ['-e', READ_WHOLE, ...files], { encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
  const [, errno, file] = /^error:(\w+):(.*)$/s.exec(probe.stdout) ?? [];
  return errno ? { errno, file } : null;
}

// A damaged file is asked about again and again (a host's health check every few seconds) and is
// read whole each time: a file that read whole is not read again while it is unchanged (same size
// and modification time, with its -wal) and for a while after. A failed read is never remembered.
const READ_AGAIN_AFTER_MS = 5 * 60_000;
const REMEMBERED_FILES = 64;
const readWhole = new Map<string, { stamp: string; at: number }>();

/** The database and its -wal read whole (or, unchanged, read whole a moment ago): the first read that failed, or null. */
function firstFailedReadOfDatabase(path: string): FailedRead | null {
  const stamp = databaseStamp(path);
  const known = readWhole.get(path);
  if (known && known.stamp === stamp && Date.now() - known.at < READ_AGAIN_AFTER_MS) return null;
  readWhole.delete(path);
  const failed = firstFailedRead([path, ...(existsSync(`${path}-wal`) ? [`${path}-wal`] : [])]);
  if (failed) return failed;
  if (readWhole.size >= REMEMBERED_FILES) readWhole.delete(readWhole.keys().next().value as string);
  readWhole.set(path, { stamp, at: Date.now() });
  return null;
}

/** The SQLite error codes a check's findings carry ("unable to get the page. error code=8458"). */
function errorCodesIn(findings: string[]): number[] {
  return findings.flatMap((f) => [...f.matchAll(/error code=(\d+)/g)].map((m) => Number(m[1])));
}

/** Whether SQLite's findings say that reading a page failed at the disk (an I/O error code), not that the page is damaged. */
export function findingsNameFailedRead(findings: string[]): boolean {
  return errorCodesIn(findings).some((code) => (code & 0xff) === SQLITE_IOERR);
}

const DISK_HINT =
  'Check the disk or the volume the file is on (dmesg or journalctl -k shows failing reads; a network filesystem may have gone away), then run it again. ' +
  'Do not salvage, restore or repair it on the strength of this: the file is not known to be damaged, and writing to a failing disk can damage it.';

/**
 * The I/O error behind a check that found a database "damaged", or null when it is damage:
 * the database (and its -wal) is read once more, whole, from another process, and SQLite's own
 * findings are searched for an I/O error code. `doing` says what was reading it ("quick_check").
 */
export function diskFailureBehind(path: string, doing: string, sqliteSaid: string[]): WardenError | null {
  const failed = firstFailedReadOfDatabase(path);
  const said = sqliteSaid.find((m) => /error code=\d+|failed to get page|malformed/.test(m)) ?? sqliteSaid[0];
  const sqliteWords = said ? ` SQLite reported it as "${said.replace(/\.$/, '')}", which is how it words a read the disk failed.` : '';
  if (failed && DEVICE_ERRNOS.has(failed.errno)) {
    return new WardenError(
      'IO_ERROR',
      `Reading ${failed.file} failed at the disk (${failed.errno}: an I/O error) while ${doing}.${sqliteWords} The file is not known to be damaged: the disk failed to read it. Nothing was changed.`,
      DISK_HINT,
      { errno: failed.errno, file: failed.file },
    );
  }
  if (findingsNameFailedRead(sqliteSaid)) {
    return new WardenError(
      'IO_ERROR',
      `Reading ${path} failed at the disk while ${doing} (SQLite: "${said}"), then read whole when tried again: the disk failed for a moment. The file is not known to be damaged. Nothing was changed.`,
      `Run it again. ${DISK_HINT}`,
      { transient: true },
    );
  }
  return null;
}

/** `err` unless it is SQLite calling the file damaged (CORRUPT) when the disk failed to read it: then IO_ERROR. */
export function unlessDiskFailed(err: unknown, path: string, doing: string): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  const damage = code === 'CORRUPT' || (typeof code === 'string' && code.startsWith('SQLITE_CORRUPT'));
  if (!damage || !existsSync(path)) return err;
  return diskFailureBehind(path, doing, [(err as Error).message]) ?? err;
}
