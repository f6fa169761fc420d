import { readSync } from 'node:fs';
import { pageSizeOf } from './header';

// fileformat2 §4.1 "WAL File Format" and §4.2 "Checksum Algorithm": a 32-byte header, then frames
// of a 24-byte header and one page. A frame counts only when its salts match the header's and its
// cumulative checksum is right, and only up to the last commit frame (one whose "database size
// after commit" is not zero): what follows is an unfinished or torn transaction. Within what
// counts, the newest frame for a page wins (§4.4 "Reader Algorithm").

const WAL_HEADER_BYTES = 32;
const FRAME_HEADER_BYTES = 24;

export interface WalIndex {
  pageSize: number;
  /** File offset of the newest committed copy of each page in the WAL. */
  pageOffsets: Map<number, number>;
  /** The database's size in pages after the last commit (null: no committed frame). */
  databasePages: number | null;
  committedFrames: number;
}

/** §4.2: s0 += x0 + s1, s1 += x1 + s0 over pairs of 32-bit words, in the byte order the magic names. */
function checksum(bytes: Buffer, start: number, end: number, bigEndian: boolean, seed: [number, number]): [number, number] {
  let [s0, s1] = seed;
  for (let at = start; at < end; at += 8) {
    const x0 = bigEndian ? bytes.readUInt32BE(at) : bytes.readUInt32LE(at);
    const x1 = bigEndian ? bytes.readUInt32BE(at + 4) : bytes.readUInt32LE(at + 4);
    s0 = (s0 + x0 + s1) >>> 0;
    s1 = (s1 + x1 + s0) >>> 0;
  }
  return [s0, s1];
}

function readExactly(fd: number, length: number, position: number): Buffer | null {
  const bytes = Buffer.alloc(length);
  return readSync(fd, bytes, 0, length, position) === length ? bytes : null;
}

interface WalHeader {
  bigEndian: boolean;
  pageSize: number;
  salts: [number, number];
  seed: [number, number];
}

function parseWalHeader(bytes: Buffer): WalHeader | null {
  const magic = bytes.readUInt32BE(0);
  if (magic !== 0x377f0682 && magic !== 0x377f0683) return null;
  const bigEndian = magic === 0x377f0683;
  const pageSize = pageSizeOf(bytes.readUInt32BE(8));
  const seed = checksum(bytes, 0, 24, bigEndian, [0, 0]);
  if (pageSize === null || seed[0] !== bytes.readUInt32BE(24) || seed[1] !== bytes.readUInt32BE(28)) return null;
  return { bigEndian, pageSize, salts: [bytes.readUInt32BE(16), bytes.readUInt32BE(20)], seed };
}

/** The committed frames of the WAL open at `fd` (size `fileSize`), or null where it has no valid header. */
export function readWalIndex(fd: number, fileSize: number): WalIndex | null {
  const headerBytes = fileSize >= WAL_HEADER_BYTES ? readExactly(fd, WAL_HEADER_BYTES, 0) : null;
  const header = headerBytes && parseWalHeader(headerBytes);
  if (!header) return null;
  const frameBytes = FRAME_HEADER_BYTES + header.pageSize;
  const pageOffsets = new Map<number, number>();
  const pending = new Map<number, number>();
  let databasePages: number | null = null;
  let committedFrames = 0;
  let sum = header.seed;
  for (let offset = WAL_HEADER_BYTES, frame = 1; offset + frameBytes <= fileSize; offset += frameBytes, frame++) {
    const bytes = readExactly(fd, frameBytes, offset);
    if (bytes === null || bytes.readUInt32BE(8) !== header.salts[0] || bytes.readUInt32BE(12) !== header.salts[1]) break;
    sum = checksum(bytes, FRAME_HEADER_BYTES, frameBytes, header.bigEndian, checksum(bytes, 0, 8, header.bigEndian, sum));
    if (sum[0] !== bytes.readUInt32BE(16) || sum[1] !== bytes.readUInt32BE(20)) break;
    pending.set(bytes.readUInt32BE(0), offset + FRAME_HEADER_BYTES);
    const sizeAfterCommit = bytes.readUInt32BE(4);
    if (sizeAfterCommit === 0) continue;
    for (const [page, at] of pending) pageOffsets.set(page, at);
    pending.clear();
    databasePages = sizeAfterCommit;
    committedFrames = frame;
  }
  return { pageSize: header.pageSize, pageOffsets, databasePages, committedFrames };
}
