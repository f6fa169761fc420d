import type { TextEncoding } from './header';
import { readSize } from './varint';

// fileformat2 §2.1 "Record Format": a header (its size as a varint, then one serial type per
// column) and a body holding each value in turn. A record whose header and body do not add up
// exactly is not a record, and yields nothing.

/** A value as SQLite stores it: integers as bigint (so they stay INTEGER when written back), reals as number. */
export type SqlValue = null | bigint | number | string | Buffer;

/** Bytes a value of serial type `t` takes in the body, or -1 for the reserved types 10 and 11. */
function bodySize(t: number): number {
  if (t < 12) return [0, 1, 2, 3, 4, 6, 8, 8, 0, 0, -1, -1][t];
  return (t - (t & 1 ? 13 : 12)) / 2;
}

function readInteger(payload: Buffer, at: number, size: number): bigint {
  if (size === 8) return payload.readBigInt64BE(at);
  return BigInt(payload.readIntBE(at, size));
}

function readText(payload: Buffer, at: number, end: number, encoding: TextEncoding): string {
  if (encoding === 'utf8') return payload.toString('utf8', at, end);
  if (encoding === 'utf16le') return payload.toString('utf16le', at, end);
  return Buffer.from(payload.subarray(at, end)).swap16().toString('utf16le');
}

function readValue(payload: Buffer, t: number, at: number, size: number, encoding: TextEncoding): SqlValue {
  if (t === 0) return null;
  if (t <= 6) return readInteger(payload, at, size);
  if (t === 7) return payload.readDoubleBE(at);
  if (t === 8 || t === 9) return BigInt(t - 8);
  if (t & 1) return readText(payload, at, at + size, encoding);
  return Buffer.from(payload.subarray(at, at + size));
}

/** The serial types of a record's header, or null where the header is not consistent with the payload. */
export function serialTypesOf(payload: Buffer): number[] | null {
  const headerSize = readSize(payload, 0, payload.length, payload.length);
  if (headerSize === null || headerSize.value < headerSize.length) return null;
  const types: number[] = [];
  let bodyBytes = 0;
  for (let at = headerSize.length; at < headerSize.value; ) {
    const t = readSize(payload, at, headerSize.value, Number.MAX_SAFE_INTEGER);
    if (t === null || bodySize(t.value) < 0) return null;
    types.push(t.value);
    bodyBytes += bodySize(t.value);
    at += t.length;
  }
  return headerSize.value + bodyBytes === payload.length ? types : null;
}

/** The record's values, or null where it does not decode exactly. */
export function decodeRecord(payload: Buffer, encoding: TextEncoding): SqlValue[] | null {
  const types = serialTypesOf(payload);
  if (types === null) return null;
  let at = readSize(payload, 0, payload.length, payload.length)!.value;
  const values: SqlValue[] = [];
  for (const t of types) {
    const size = bodySize(t);
    values.push(readValue(payload, t, at, size, encoding));
    at += size;
  }
  return values;
}
