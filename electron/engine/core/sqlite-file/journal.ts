import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

// fileformat2 §3 "The Rollback Journal": a hot journal beside a database holds the original content
// of the pages an interrupted write transaction changed. SQLite's next opener plays it back and
// truncates the file to its size before the transaction; a reader that does not must read those
// pages from the journal instead, or it sees half a transaction. Each segment is a header (the
// magic, the record count, the checksum nonce, the database's size in pages before the
// transaction, the sector size and the page size), padded to the sector size, then records of a
// 4-byte page number, the page, and a checksum. The first record whose checksum fails ends the
// journal, as in SQLite's own playback (pager.c pager_playback).

const MAGIC = Buffer.from([0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7]);
const HEADER_BYTES = 28;

export interface HotJournal {
  /** File offset of each page's original content in the journal. */
  pageOffsets: Map<number, number>;
  /** The database's size in pages before the interrupted transaction. */
  databasePages: number;
  fd: number;
}

function readExactly(fd: number, length: number, position: number): Buffer | null {
  const bytes = Buffer.alloc(length);
  return readSync(fd, bytes, 0, length, position) === length ? bytes : null;
}

/** §3: the nonce plus every 200th byte of the page, from the end. */
function checksumOf(page: Buffer, nonce: number): number {
  let sum = nonce;
  for (let at = page.length - 200; at > 0; at -= 200) sum = (sum + page[at]) >>> 0;
  return sum;
}

/** The records of the journal, segment by segment, up to the first that does not check out. */
function readRecords(fd: number, size: number, pageSize: number, journal: HotJournal): void {
  let offset = 0;
  while (offset + HEADER_BYTES <= size) {
    const header = readExactly(fd, HEADER_BYTES, offset);
    if (!header || !header.subarray(0, 8).equals(MAGIC)) return;
    const sectorSize = header.readUInt32BE(20);
    if (sectorSize < 512 || sectorSize > 65536 || (sectorSize & (sectorSize - 1)) !== 0 || header.readUInt32BE(24) !== pageSize) return;
    const recordBytes = 4 + pageSize + 4;
    const counted = header.readUInt32BE(8);
    const records = counted === 0xffffffff ? Math.floor((size - offset - sectorSize) / recordBytes) : counted;
    const nonce = header.readUInt32BE(12);
    offset += sectorSize;
    for (let k = 0; k < records; k++, offset += recordBytes) {
      const record = readExactly(fd, recordBytes, offset);
      if (!record) return;
      const pgno = record.readUInt32BE(0);
      if (record.readUInt32BE(4 + pageSize) !== checksumOf(record.subarray(4, 4 + pageSize), nonce)) return;
      if (pgno >= 1 && pgno <= journal.databasePages && !journal.pageOffsets.has(pgno)) journal.pageOffsets.set(pgno, offset + 4);
    }
    if (records === 0) return;
    offset = Math.ceil(offset / sectorSize) * sectorSize; // the next segment's header starts on a sector boundary
  }
}

/**
 * The hot journal beside `path` for pages of `pageSize`, or null where there is none to play back
 * (no journal, an empty one, or one whose header a commit has zeroed or that names no page). The
 * journal is opened read-only and only read.
 */
export function openHotJournal(path: string, pageSize: number): HotJournal | null {
  let fd: number;
  try {
    fd = openSync(`${path}-journal`, 'r');
  } catch {
    return null;
  }
  const size = fstatSync(fd).size;
  const first = size >= HEADER_BYTES ? readExactly(fd, HEADER_BYTES, 0) : null;
  if (!first || !first.subarray(0, 8).equals(MAGIC)) {
    closeSync(fd);
    return null;
  }
  const journal: HotJournal = { pageOffsets: new Map(), databasePages: first.readUInt32BE(16), fd };
  readRecords(fd, size, pageSize, journal);
  if (journal.pageOffsets.size === 0) {
    closeSync(fd);
    return null;
  }
  return journal;
}

/** Whether a rollback journal with a live header lies beside `path`: one SQLite's next opener plays back. */
export function hasHotJournal(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(`${path}-journal`, 'r');
  } catch {
    return false;
  }
  try {
    const header = readExactly(fd, HEADER_BYTES, 0);
    return header !== null && header.subarray(0, 8).equals(MAGIC);
  } finally {
    closeSync(fd);
  }
}
