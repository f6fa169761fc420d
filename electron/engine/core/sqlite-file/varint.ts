// fileformat2 §1.6 "B-tree Pages", variable-length integers: 1 to 9 bytes, big-endian, the high
// bit of each of the first eight bytes says another follows; the ninth byte gives all 8 bits.

export interface Varint {
  /** A number while it is a safe integer; a bigint beyond (rowids may use all 64 bits). */
  value: number | bigint;
  length: number;
}

/** The varint at `offset`, or null where it runs past `end`. */
export function readVarint(bytes: Uint8Array, offset: number, end = bytes.length): Varint | null {
  let value = 0;
  for (let k = 0; k < 8; k++) {
    if (offset + k >= end) return null;
    const byte = bytes[offset + k];
    if (k === 7) return readLongVarint(bytes, offset, end);
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) return { value, length: k + 1 };
  }
  return null;
}

/** Eight bytes or more: 56 bits and beyond need BigInt, and the result is a signed 64-bit integer. */
function readLongVarint(bytes: Uint8Array, offset: number, end: number): Varint | null {
  let value = 0n;
  for (let k = 0; k < 8; k++) {
    const byte = bytes[offset + k];
    value = (value << 7n) | BigInt(byte & 0x7f);
    if ((byte & 0x80) === 0) return { value: asNumberIfSafe(BigInt.asIntN(64, value)), length: k + 1 };
  }
  if (offset + 8 >= end) return null;
  value = (value << 8n) | BigInt(bytes[offset + 8]);
  return { value: asNumberIfSafe(BigInt.asIntN(64, value)), length: 9 };
}

function asNumberIfSafe(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

/** A varint that must be a size or count: a non-negative safe number no larger than `max`. */
export function readSize(bytes: Uint8Array, offset: number, end: number, max: number): { value: number; length: number } | null {
  const v = readVarint(bytes, offset, end);
  if (v === null || typeof v.value !== 'number' || v.value < 0 || v.value > max) return null;
  return { value: v.value, length: v.length };
}
