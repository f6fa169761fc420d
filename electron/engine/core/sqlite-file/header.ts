// fileformat2 §1.3 "The Database Header": the first 100 bytes of page 1.

export type TextEncoding = 'utf8' | 'utf16le' | 'utf16be';

export interface DatabaseHeader {
  pageSize: number;
  /** Bytes at the end of each page that hold no b-tree content (an extension's). */
  reservedBytes: number;
  /** pageSize − reservedBytes: the "U" of the payload formulas. */
  usableSize: number;
  encoding: TextEncoding;
  /** The in-header database size, when valid (its version-valid-for number matches the change counter). */
  pageCount: number | null;
  freelistTrunk: number;
  freelistPages: number;
  /** Auto-vacuum or incremental vacuum: the file has pointer-map pages. */
  hasPointerMap: boolean;
  /** The application's own marks (offsets 60 and 68), kept as they are. */
  userVersion: number;
  applicationId: number;
}

export const HEADER_BYTES = 100;
const MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
const ENCODINGS: Record<number, TextEncoding> = { 0: 'utf8', 1: 'utf8', 2: 'utf16le', 3: 'utf16be' };

/** Page size at offset 16: a power of two from 512 to 32768, or 1 for 65536. */
export function pageSizeOf(raw: number): number | null {
  const size = raw === 1 ? 65536 : raw;
  return size >= 512 && size <= 65536 && (size & (size - 1)) === 0 ? size : null;
}

/** The header, or null where page 1 no longer holds a valid one (overwritten, or not a database). */
export function parseHeader(bytes: Buffer): DatabaseHeader | null {
  if (bytes.length < HEADER_BYTES || !bytes.subarray(0, 16).equals(MAGIC)) return null;
  const pageSize = pageSizeOf(bytes.readUInt16BE(16));
  const reservedBytes = bytes[20];
  const encoding = ENCODINGS[bytes.readUInt32BE(56)];
  // The payload fractions are fixed at 64, 32 and 32; anything else is not a header SQLite wrote.
  if (pageSize === null || pageSize - reservedBytes < 480 || encoding === undefined || bytes[21] !== 64 || bytes[22] !== 32 || bytes[23] !== 32) return null;
  const counted = bytes.readUInt32BE(28);
  const countValid = counted > 0 && bytes.readUInt32BE(92) === bytes.readUInt32BE(24);
  return {
    pageSize,
    reservedBytes,
    usableSize: pageSize - reservedBytes,
    encoding,
    pageCount: countValid ? counted : null,
    freelistTrunk: bytes.readUInt32BE(32),
    freelistPages: bytes.readUInt32BE(36),
    hasPointerMap: bytes.readUInt32BE(52) !== 0,
    userVersion: bytes.readInt32BE(60),
    applicationId: bytes.readInt32BE(68),
  };
}

/** What is assumed of a file whose header is gone: the defaults every SQLite build writes. */
export function assumedHeader(pageSize: number): DatabaseHeader {
  return {
    pageSize,
    reservedBytes: 0,
    usableSize: pageSize,
    encoding: 'utf8',
    pageCount: null,
    freelistTrunk: 0,
    freelistPages: 0,
    hasPointerMap: false,
    userVersion: 0,
    applicationId: 0,
  };
}
