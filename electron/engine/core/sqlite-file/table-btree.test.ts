import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test-support/fixtures';
import { openPageSource } from './page-source';
import { decodeRecord } from './record';
import { walkTableBtree } from './table-btree';
import { readVarint } from './varint';

// The reader against SQLite itself, on files of every geometry: each encoding, the smallest and the
// largest page size, an auto-vacuum file (pointer-map pages).

function build(pragmas: string[]): string {
  const path = join(tempDir(), 'geometry.db');
  const db = new Database(path);
  for (const p of pragmas) db.pragma(p);
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT, r REAL, b BLOB, i INTEGER)');
  const insert = db.prepare('INSERT INTO t (s, r, b, i) VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    for (let k = 0; k < 1500; k++)
      insert.run(`zeile ${k} — ✓ ${'ß'.repeat(k % 200)}`, k / 3, Buffer.alloc(k % 700, k % 256), BigInt(k) * 2n ** 45n * (k % 2 ? -1n : 1n));
  })();
  db.close();
  return path;
}

function rowsBySqlite(path: string): unknown[][] {
  const db = new Database(path, { readonly: true });
  const rows = db.prepare('SELECT id, s, r, b, i FROM t ORDER BY id').raw().safeIntegers(true).all() as unknown[][];
  db.close();
  return rows.map(([id, ...rest]) => [id, null, ...rest]);
}

function rowsByReader(path: string): unknown[][] {
  const source = openPageSource(path)!;
  const db = new Database(path, { readonly: true });
  const root = (db.prepare("SELECT rootpage FROM sqlite_master WHERE name = 't'").get() as { rootpage: number }).rootpage;
  db.close();
  const seen = new Set<number>();
  const ledger = {
    enter: (p: number) => !seen.has(p) && seen.add(p) !== undefined,
    unreadable: () => expect.fail('unreadable'),
    overflowPage: () => {},
    lostRow: () => expect.fail('lost'),
  };
  try {
    return [...walkTableBtree(source, root, source.header.encoding, ledger)].map((r) => [BigInt(r.rowid), ...r.values]);
  } finally {
    source.close();
  }
}

describe('the page reader reads what SQLite reads', () => {
  for (const [label, pragmas] of [
    ['UTF-16le', ['encoding = "UTF-16le"']],
    ['UTF-16be', ['encoding = "UTF-16be"']],
    ['512-byte pages', ['page_size = 512']],
    ['65536-byte pages', ['page_size = 65536']],
    ['auto-vacuum (pointer-map pages)', ['auto_vacuum = FULL']],
  ] as const) {
    it(label, () => {
      const path = build([...pragmas]);
      // A REAL column stores an integral value as an integer (datatype3 §3.2); SQLite reads it back as a real.
      const asReal = (row: unknown[]) => row.map((v, k) => (k === 3 && typeof v === 'bigint' ? Number(v) : v));
      const byReader = rowsByReader(path).map(asReal);
      const bySqlite = rowsBySqlite(path);
      expect(byReader.length).toBe(bySqlite.length);
      for (let k = 0; k < bySqlite.length; k++) expect(byReader[k], `row ${k}`).toEqual(bySqlite[k]);
    });
  }
});

describe('varints and records', () => {
  it('reads nine-byte varints as signed 64-bit integers', () => {
    expect(readVarint(Buffer.alloc(9, 0xff), 0)).toEqual({ value: -1, length: 9 });
    expect(readVarint(Buffer.from([0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]), 0)).toEqual({ value: 2n ** 57n, length: 9 });
    expect(readVarint(Buffer.from([0xc0, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]), 0)).toEqual({ value: -(2n ** 63n), length: 9 });
    expect(readVarint(Buffer.from([0x81, 0x00]), 0)).toEqual({ value: 128, length: 2 });
    expect(readVarint(Buffer.from([0x81]), 0)).toBeNull();
  });

  it('refuses a record whose header and body do not add up, and the reserved serial types', () => {
    expect(decodeRecord(Buffer.from([2, 1, 5]), 'utf8')).toEqual([5n]);
    expect(decodeRecord(Buffer.from([2, 1, 5, 0]), 'utf8')).toBeNull();
    expect(decodeRecord(Buffer.from([2, 10]), 'utf8')).toBeNull();
    expect(decodeRecord(Buffer.from([3, 8, 9]), 'utf8')).toEqual([0n, 1n]);
    expect(decodeRecord(Buffer.from([5, 0, 7, 14, 17, 0x40, 0x09, 0x21, 0xfb, 0x54, 0x44, 0x2d, 0x18, 0xab, 0x68, 0x69]), 'utf8')).toEqual([
      null,
      Math.PI,
      Buffer.from([0xab]),
      'hi',
    ]);
  });
});
