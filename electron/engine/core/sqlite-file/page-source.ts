import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { parseBtreePage } from './btree-page';
import { assumedHeader, HEADER_BYTES, parseHeader, type DatabaseHeader } from './header';
import { openHotJournal, type HotJournal } from './journal';
import { readWalIndex, type WalIndex } from './wal';

// The pages of a database as a reader sees them (fileformat2 §4.4 "Reader Algorithm"): each page
// from the main file unless the WAL beside it holds a committed newer copy, or a hot rollback
// journal beside it holds the page's content from before an interrupted write (what SQLite's
// rollback would put back). Every file is opened read-only by file descriptor: no SQLite
// connection, so nothing beside the file is created or changed (no -shm, no checkpoint, and the
// hot journal is read in place, never played back into the file).

export interface PageReader {
  readonly pageSize: number;
  readonly usableSize: number;
  readonly pageCount: number;
  /** The page's bytes (a fresh buffer), or null where the file ends before it. */
  read(pgno: number): Buffer | null;
}

export interface PageSource extends PageReader {
  header: DatabaseHeader;
  /** Whether page 1 held a valid header; when not, the page size was inferred from the pages. */
  headerReadable: boolean;
  wal: WalIndex | null;
  /** Pages read from a hot rollback journal instead of the file (0: none). */
  journalPages: number;
  close(): void;
}

/** fileformat2 §1.4 "The Lock-Byte Page": the page holding byte 2^30 is never used for content. */
export function lockBytePage(pageSize: number): number {
  return Math.floor(0x40000000 / pageSize) + 1;
}

function readAt(fd: number, length: number, position: number): Buffer | null {
  const bytes = Buffer.allocUnsafe(length);
  return readSync(fd, bytes, 0, length, position) === length ? bytes : null;
}

const CANDIDATE_PAGE_SIZES = [4096, 1024, 2048, 8192, 16384, 32768, 65536, 512];
const PROBE_PAGES = 64;

/**
 * A page size for a file whose header is gone: the size under which most of the first pages
 * (page 1 left out) parse as b-tree pages, among those the file's size is a multiple of.
 */
export function inferPageSize(fd: number, fileSize: number): number | null {
  let best: { size: number; valid: number } | null = null;
  for (const size of CANDIDATE_PAGE_SIZES) {
    if (fileSize % size !== 0 || fileSize < 2 * size) continue;
    const pages = fileSize / size;
    let valid = 0;
    for (let pgno = 2; pgno <= Math.min(pages, PROBE_PAGES); pgno++) {
      const data = readAt(fd, size, (pgno - 1) * size);
      if (data && typeof parseBtreePage(data, pgno, size, pages) !== 'string') valid++;
    }
    if (valid > 0 && (best === null || valid > best.valid)) best = { size, valid };
  }
  return best?.size ?? null;
}

function openWal(path: string): { fd: number; index: WalIndex } | null {
  let fd: number;
  try {
    fd = openSync(`${path}-wal`, 'r');
  } catch {
    return null; // no WAL beside the file: the main file is the whole database
  }
  const index = readWalIndex(fd, fstatSync(fd).size);
  if (index === null || index.committedFrames === 0) {
    closeSync(fd);
    return null;
  }
  return { fd, index };
}

class FilePageSource implements PageSource {
  header: DatabaseHeader;
  headerReadable: boolean;
  pageCount: number;

  constructor(
    private readonly fd: number,
    private readonly walFile: { fd: number; index: WalIndex } | null,
    private readonly journal: HotJournal | null,
    private readonly fileSize: number,
    header: DatabaseHeader | null,
    pageSize: number,
  ) {
    this.headerReadable = header !== null;
    this.header = header ?? assumedHeader(pageSize);
    const pages = this.walFile?.index.databasePages ?? this.header.pageCount ?? Math.floor(fileSize / pageSize);
    // A rollback truncates the file to its size before the interrupted transaction.
    this.pageCount = journal ? Math.min(pages, journal.databasePages) : pages;
  }

  get journalPages(): number {
    return this.journal?.pageOffsets.size ?? 0;
  }

  get pageSize(): number {
    return this.header.pageSize;
  }

  get usableSize(): number {
    return this.header.usableSize;
  }

  get wal(): WalIndex | null {
    return this.walFile?.index ?? null;
  }

  read(pgno: number): Buffer | null {
    if (pgno < 1 || pgno > this.pageCount) return null;
    const walOffset = this.walFile?.index.pageOffsets.get(pgno);
    if (walOffset !== undefined && this.walFile) return readAt(this.walFile.fd, this.pageSize, walOffset);
    const journalOffset = this.journal?.pageOffsets.get(pgno);
    if (journalOffset !== undefined && this.journal) return readAt(this.journal.fd, this.pageSize, journalOffset);
    const position = (pgno - 1) * this.pageSize;
    return position + this.pageSize <= this.fileSize ? readAt(this.fd, this.pageSize, position) : null;
  }

  close(): void {
    closeSync(this.fd);
    if (this.walFile) closeSync(this.walFile.fd);
    if (this.journal) closeSync(this.journal.fd);
  }
}

/**
 * Opens `path` (and its -wal) for reading pages. The header is taken from the newest page 1 (the
 * WAL's, if it has one); where it is unreadable, the page size comes from the WAL or the pages.
 * Null when no page size can be found: nothing in the file looks like a database.
 */
export function openPageSource(path: string): PageSource | null {
  const fd = openSync(path, 'r');
  const fileSize = fstatSync(fd).size;
  const walFile = openWal(path);
  const onDisk = fileSize >= HEADER_BYTES ? parseHeader(readAt(fd, HEADER_BYTES, 0)!) : null;
  const pageSize = walFile?.index.pageSize ?? onDisk?.pageSize ?? inferPageSize(fd, fileSize);
  if (pageSize === null) {
    closeSync(fd);
    if (walFile) closeSync(walFile.fd);
    return null;
  }
  // A database in WAL mode has no rollback journal to play back.
  const journal = walFile ? null : openHotJournal(path, pageSize);
  const firstPage = () => {
    const walOffset = walFile?.index.pageOffsets.get(1);
    if (walOffset !== undefined && walFile) return readAt(walFile.fd, pageSize, walOffset);
    const journalOffset = journal?.pageOffsets.get(1);
    if (journalOffset !== undefined && journal) return readAt(journal.fd, pageSize, journalOffset);
    return readAt(fd, Math.min(pageSize, fileSize), 0);
  };
  const newest = firstPage();
  const header = newest ? parseHeader(newest) : null;
  return new FilePageSource(fd, walFile, journal, fileSize, header && header.pageSize === pageSize ? header : null, pageSize);
}
