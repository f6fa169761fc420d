import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { endianness } from 'node:os';
import { Worker } from 'node:worker_threads';
import { throwIfCancelled, type EngineContext } from '../../context';
import { WardenError } from '../../errors';
import { DEFAULT_BUSY_TIMEOUT_MS, openDatabase, type Connection } from './open-database';
import { newConnection } from './sqlite-addon';
import { pageSizeOf } from '../sqlite-file/header';
import type { PageReader } from '../sqlite-file/page-source';

// A verified backup in one pass (issue 25). One connection opens a read transaction on the
// database: a snapshot that stays as it is for as long as the transaction lasts. A worker thread
// copies that snapshot's pages straight from the file (and from the -wal where the snapshot's
// newest copy of a page is there), hashing them as it writes them; meanwhile this thread runs
// SQLite's check through the very connection that holds the snapshot. The copy is never read back:
// the check and the copy see the same pages, and the hash is of the bytes written.
//
// Which pages are the snapshot's (fileformat2 §4.4, and SQLite's wal.c):
// - rollback journal: the read transaction holds a SHARED lock, so no writer can change the file
//   until it ends; the snapshot is the file as it is.
// - WAL: writers go on appending frames. The snapshot is the WAL's first mxFrame frames over the
//   file. mxFrame is read from the -shm's index header while a write transaction (BEGIN
//   IMMEDIATE) keeps every writer out, and the read transaction is started in that same moment, so
//   the two agree. The read transaction then keeps those frames (no WAL restart behind a reader)
//   and keeps a checkpoint from writing into the file anything newer than them. When the snapshot
//   needs no frame (all were checkpointed: SQLite reads such a snapshot from the file alone, and
//   the WAL may then restart), the file alone is copied.

const WAL_HEADER_BYTES = 32;
const FRAME_HEADER_BYTES = 24;
const SHM_HEADER_BYTES = 136;

/** What the worker copies: pages 1..pageCount of the file, with these pages taken from the WAL instead. */
export interface SnapshotPages {
  pageSize: number;
  pageCount: number;
  /** [page number, offset of its content in the -wal], ascending by page. */
  walPages: [number, number][];
}

export interface PinnedSnapshot {
  /** The connection holding the snapshot's read transaction: check through it. */
  db: Connection;
  pages: SnapshotPages;
  /** The database file and its -wal, opened for the copier. */
  fds: { db: number; wal: number | null };
  /** Ends the read transaction, then closes the files: in that order (see closeAfter). */
  release(): void;
}

function readExactly(fd: number, length: number, position: number): Buffer | null {
  const bytes = Buffer.alloc(length);
  return readSync(fd, bytes, 0, length, position) === length ? bytes : null;
}

interface WalIndexHeader {
  mxFrame: number;
  nPage: number;
  nBackfill: number;
  salts: Buffer;
}

/** The -shm's index header (wal.c WalIndexHdr, twice, then WalCkptInfo), in the machine's byte order; null when its two copies disagree. */
function readShmHeader(fd: number): WalIndexHeader | null {
  const bytes = readExactly(fd, SHM_HEADER_BYTES, 0);
  if (!bytes || !bytes.subarray(0, 48).equals(bytes.subarray(48, 96)) || bytes[12] !== 1) return null;
  const u32 = (at: number) => (endianness() === 'LE' ? bytes.readUInt32LE(at) : bytes.readUInt32BE(at));
  return { mxFrame: u32(16), nPage: u32(20), nBackfill: u32(96), salts: Buffer.from(bytes.subarray(32, 40)) };
}

/** Where each page's newest copy among the WAL's first `mxFrame` frames is; null when a frame is not of the WAL the index describes. */
function walPagesUpTo(fd: number, pageSize: number, header: WalIndexHeader): [number, number][] | null {
  const walHeader = readExactly(fd, WAL_HEADER_BYTES, 0);
  if (!walHeader || !walHeader.subarray(16, 24).equals(header.salts) || pageSizeOf(walHeader.readUInt32BE(8)) !== pageSize) return null;
  const newest = new Map<number, number>();
  const frameBytes = FRAME_HEADER_BYTES + pageSize;
  for (let frame = 1; frame <= header.mxFrame; frame++) {
    const at = WAL_HEADER_BYTES + (frame - 1) * frameBytes;
    const frameHeader = readExactly(fd, FRAME_HEADER_BYTES, at);
    if (!frameHeader || !frameHeader.subarray(8, 16).equals(header.salts)) return null;
    const pgno = frameHeader.readUInt32BE(0);
    if (pgno <= header.nPage) newest.set(pgno, at + FRAME_HEADER_BYTES);
  }
  return [...newest].sort((a, b) => a[0] - b[0]);
}

function beginRead(db: Connection): void {
  db.exec('BEGIN');
  db.prepare('SELECT count(*) FROM sqlite_master').get(); // the read transaction starts at the first read
}

const isReadOnlyError = (err: unknown) => /^SQLITE_(READONLY|CANTOPEN)/.test(String((err as { code?: unknown }).code ?? ''));

/**
 * Holds off the writers of a WAL database (BEGIN IMMEDIATE on a second connection) while `work`
 * runs; false when this process may not write to it. The connection is made directly, not through
 * openDatabase: that reads the header with a file descriptor of its own, and closing any
 * descriptor of a file drops every POSIX lock this process holds on it, the snapshot's included.
 */
function withWritersHeld(path: string, busyTimeoutMs: number | undefined, work: () => void): boolean {
  const writer = newConnection(path, { fileMustExist: true, timeout: busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS });
  try {
    try {
      writer.exec('BEGIN IMMEDIATE');
    } catch (err) {
      if (isReadOnlyError(err)) return false;
      throw err;
    }
    work();
    return true;
  } finally {
    if (writer.inTransaction) writer.exec('ROLLBACK');
    writer.close();
  }
}

/**
 * Opens a read transaction on the database and describes the pages of its snapshot. Null when the
 * snapshot cannot be pinned this way (a WAL database this process may not write to, or an index it
 * cannot read): the caller copies with SQLite's backup API instead.
 *
 * The files are opened once and closed only after the read transaction ends (release): closing a
 * descriptor of the database or its -shm would drop the locks that keep the snapshot as it is.
 */
export function pinSnapshot(ctx: EngineContext): PinnedSnapshot | null {
  const head = readFileHead(ctx.dbPath, 100);
  const pageSize = head ? pageSizeOf(head.readUInt16BE(16)) : null;
  if (!head || pageSize === null) return null;
  const db = openDatabase(ctx.dbPath, { mode: 'read', busyTimeoutMs: ctx.busyTimeoutMs, singlePass: true });
  const opened: number[] = [];
  const open = (path: string) => {
    const fd = openSync(path, 'r');
    opened.push(fd);
    return fd;
  };
  const release = () => {
    db.close();
    for (const fd of opened) closeSync(fd);
  };
  try {
    const dbFd = open(ctx.dbPath);
    if (head[18] !== 2) {
      beginRead(db);
      return { db, pages: { pageSize, pageCount: Math.ceil(fstatSync(dbFd).size / pageSize), walPages: [] }, fds: { db: dbFd, wal: null }, release };
    }
    const shmFd = open(`${ctx.dbPath}-shm`);
    const walFd = open(`${ctx.dbPath}-wal`);
    let index: WalIndexHeader | null = null;
    const held = withWritersHeld(ctx.dbPath, ctx.busyTimeoutMs, () => {
      beginRead(db);
      index = readShmHeader(shmFd);
    });
    const pages = held && index ? walSnapshotPages(walFd, pageSize, index, Math.ceil(fstatSync(dbFd).size / pageSize)) : null;
    if (pages) return { db, pages, fds: { db: dbFd, wal: walFd }, release };
    release();
    return null;
  } catch (err) {
    release();
    throw err;
  }
}

function walSnapshotPages(walFd: number, pageSize: number, index: WalIndexHeader, filePages: number): SnapshotPages | null {
  // All the snapshot's frames were checkpointed: SQLite reads it from the file alone.
  if (index.mxFrame === 0 || index.mxFrame === index.nBackfill) return { pageSize, pageCount: index.nPage || filePages, walPages: [] };
  const walPages = walPagesUpTo(walFd, pageSize, index);
  return walPages && { pageSize, pageCount: index.nPage, walPages };
}

function readFileHead(path: string, length: number): Buffer | null {
  const fd = openSync(path, 'r');
  try {
    return readExactly(fd, length, 0);
  } finally {
    closeSync(fd);
  }
}

// The copier, as plain CommonJS in a string (it runs the same under tsx, Vitest and a bundle):
// 4 MiB of pages at a time read from the file, the WAL's pages laid over them, page 1 made a
// rollback-journal database's (so the backup reads without -wal and -shm beside it), then hashed
// and written from the same buffer, and the file fsynced before the digest is sent.
const COPIER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { closeSync, fsyncSync, openSync, readSync, writeSync } = require('node:fs');
const { createHash } = require('node:crypto');
// The database's descriptors are the caller's: closing one here would drop the snapshot's locks.
const { dbFd: source, walFd: wal, destPath, pageSize, pageCount, walPages } = workerData;
const chunkPages = Math.max(1, Math.floor((4 * 1024 * 1024) / pageSize));
const buffer = Buffer.alloc(chunkPages * pageSize);
const out = openSync(destPath, 'r+');
function readAll(fd, target, position) {
  let got = 0;
  for (let n; got < target.length && (n = readSync(fd, target, got, target.length - got, position + got)) > 0; ) got += n;
  return got;
}
try {
  const hash = createHash('sha256');
  let next = 0;
  for (let first = 1; first <= pageCount; first += chunkPages) {
    const chunk = buffer.subarray(0, Math.min(chunkPages, pageCount - first + 1) * pageSize);
    chunk.fill(0, readAll(source, chunk, (first - 1) * pageSize)); // past the file's end a page reads as zeros, as SQLite reads it
    for (; next < walPages.length && walPages[next][0] < first + chunkPages; next++) {
      const [pgno, offset] = walPages[next];
      const page = chunk.subarray((pgno - first) * pageSize, (pgno - first + 1) * pageSize);
      if (readAll(wal, page, offset) !== pageSize) throw new Error('the -wal file ended before frame content of page ' + pgno);
    }
    if (first === 1) chunk[18] = chunk[19] = 1;
    hash.update(chunk);
    for (let written = 0; written < chunk.length; ) written += writeSync(out, chunk, written, chunk.length - written, (first - 1) * pageSize + written);
    parentPort.postMessage({ pages: first - 1 + chunk.length / pageSize });
  }
  fsyncSync(out);
  parentPort.postMessage({ pages: pageCount, sha256: hash.digest('hex'), bytes: pageCount * pageSize });
} finally {
  closeSync(out);
}
`;

export interface SnapshotCopy {
  /** The digest of what was written, once it is all written and fsynced. */
  done: Promise<{ sha256: string; bytes: number }>;
  stop: () => Promise<void>;
}

/** Starts copying the pinned snapshot's pages into `destPath` (an existing, empty file) on a worker thread. */
export function startSnapshotCopy(ctx: EngineContext, pinned: PinnedSnapshot, destPath: string, what: string): SnapshotCopy {
  const { pages } = pinned;
  throwIfCancelled(ctx, what);
  const worker = new Worker(COPIER_SOURCE, { eval: true, workerData: { dbFd: pinned.fds.db, walFd: pinned.fds.wal, destPath, ...pages } });
  const done = new Promise<{ sha256: string; bytes: number }>((resolve, reject) => {
    const onAbort = () => {
      reject(new WardenError('CANCELLED', `${what} was cancelled; nothing was kept of the copy.`, 'Run it again when you are ready.'));
      void worker.terminate();
    };
    ctx.signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (message: { pages: number; sha256?: string; bytes?: number }) => {
      if (ctx.signal?.aborted) return;
      ctx.onProgress?.({ operation: 'backup', phase: 'copying pages', done: message.pages, total: pages.pageCount, unit: 'pages', pageSize: pages.pageSize });
      if (message.sha256) resolve({ sha256: message.sha256, bytes: message.bytes! });
    });
    worker.on('error', reject);
    worker.on('exit', () => {
      ctx.signal?.removeEventListener('abort', onAbort);
      reject(new Error(`The copy of ${ctx.dbPath} stopped before its last page.`));
    });
  });
  done.catch(() => {}); // awaited or stopped by the caller
  return { done, stop: async () => void (await worker.terminate()) };
}

/** The pinned snapshot's pages as a reader sees them (the WAL's copy of a page first), for the few pages a check reads itself. */
export function snapshotReader(pinned: PinnedSnapshot): PageReader {
  const { pageSize, pageCount, walPages } = pinned.pages;
  const inWal = new Map(walPages);
  const read = (pgno: number): Buffer | null => {
    if (pgno < 1 || pgno > pageCount) return null;
    const offset = inWal.get(pgno);
    if (offset !== undefined) return pinned.fds.wal === null ? null : readExactly(pinned.fds.wal, pageSize, offset);
    return readExactly(pinned.fds.db, pageSize, (pgno - 1) * pageSize) ?? Buffer.alloc(pageSize); // past the end: zeros, as SQLite reads it
  };
  // fileformat2 §1.3: byte 20 of the header is the space reserved at the end of each page.
  return { pageSize, usableSize: pageSize - (read(1)?.[20] ?? 0), pageCount, read };
}
