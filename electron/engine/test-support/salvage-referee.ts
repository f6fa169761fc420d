import Database from 'better-sqlite3';
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { seededRandom } from '../../../shared/seeded-random';
import { loadSchema, type SchemaDefinition } from '../core/schema/schema-folder';
import { openPageSource } from '../core/sqlite-file/page-source';
import { walkTableBtree, type Rowid } from '../core/sqlite-file/table-btree';
import { tempDir } from './fixtures';

// The referee for salvage is known data: rows read by SQLite from the intact file, and where each
// row sits (leaf page, overflow pages), read by our page reader and checked against SQLite's
// dbstat before it is trusted.

export const KNOWN_TABLES = ['items', 'events', 'notes'] as const;

const KNOWN_SCHEMA = `
CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, price REAL, data BLOB, note TEXT);
CREATE TABLE events (kind TEXT NOT NULL, amount INTEGER, payload BLOB, at TEXT, ratio REAL, flag INTEGER NOT NULL);
CREATE TABLE notes (body TEXT NOT NULL, item_id INTEGER REFERENCES items(id), big BLOB);
CREATE INDEX events_at ON events(at);
CREATE UNIQUE INDEX items_name ON items(name);
CREATE TRIGGER items_logged AFTER INSERT ON items BEGIN
  INSERT INTO events (kind, amount, payload, at, ratio, flag) VALUES ('item', NEW.id, NULL, 'trigger', NULL, 1);
END;
`;

/** A schema folder of three tables: an INTEGER PRIMARY KEY, a plain rowid table, one with payloads larger than a page; an index, a unique index, a trigger. */
export function knownSchema(): SchemaDefinition {
  const dir = join(tempDir(), 'known-schema');
  mkdirSync(join(dir, 'migrations'), { recursive: true });
  writeFileSync(join(dir, 'schema.json'), JSON.stringify({ name: 'known', title: 'Known data', applicationId: 4242 }));
  writeFileSync(join(dir, 'migrations', '1.0.0__known.sql'), KNOWN_SCHEMA);
  return loadSchema(dir);
}

/** Rows of every kind of value: text (not only ASCII), reals, integers up to 64 bits, blobs, NULLs, and payloads spilling to overflow pages. */
export function fillKnownData(db: Database.Database, from: number, count: number, seed = 1): void {
  const random = seededRandom(seed);
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)));
  const item = db.prepare('INSERT INTO items (id, name, price, data, note) VALUES (?, ?, ?, ?, ?)');
  const event = db.prepare('INSERT INTO events (kind, amount, payload, at, ratio, flag) VALUES (?, ?, ?, ?, ?, ?)');
  const note = db.prepare('INSERT INTO notes (body, item_id, big) VALUES (?, ?, ?)');
  db.transaction(() => {
    for (let k = from; k < from + count; k++) {
      item.run(
        k * 3 + 1,
        `item ${k} — ünïcødé ${'x'.repeat(k % 40)}`,
        k % 7 === 0 ? null : k + 0.25,
        k % 5 === 0 ? null : bytes(k % 60),
        k % 97 === 0 ? 'long '.repeat(1500) : `note ${k}`,
      );
      const amounts = [BigInt(k), -BigInt(k) * 1000n, 2n ** 40n + BigInt(k), -(2n ** 62n) + BigInt(k), 0n, 1n];
      event.run(
        `kind-${k % 9}`,
        k % 11 === 0 ? null : amounts[k % amounts.length],
        k % 3 === 0 ? bytes(20) : null,
        `2026-01-${String((k % 28) + 1).padStart(2, '0')}T${k}`,
        k % 4 === 0 ? null : k / 7,
        k % 2,
      );
      if (k % 10 === 0) note.run(`note ${k} ${'é'.repeat(k % 300)}`, k * 3 + 1, bytes(4000 + ((k * 37) % 9000)));
    }
  })();
}

export type Row = unknown[];

/** Every row of `table` as SQLite reads it, by rowid: integers as bigint, so nothing is rounded. */
export function rowsBySqlite(path: string, table: string): Map<bigint, Row> {
  const db = new Database(path, { readonly: true });
  try {
    const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table);
    if (!exists) return new Map();
    const rows = db.prepare(`SELECT rowid, * FROM "${table}"`).raw().safeIntegers(true).all() as Row[];
    return new Map(rows.map((r) => [r[0] as bigint, r.slice(1)]));
  } finally {
    db.close();
  }
}

export interface RowPlaces {
  /** Leaf page → rowids on it. */
  leaves: Map<number, bigint[]>;
  /** Overflow page → the rowid whose payload runs through it. */
  overflow: Map<number, bigint>;
  interior: number[];
}

interface DbstatRow {
  name: string;
  pageno: number;
  pagetype: string;
  ncell: number;
}

/** Where each row of each table sits in the intact file, by our reader, checked page by page against dbstat. */
export function rowPlaces(path: string, tables: readonly string[]): Map<string, RowPlaces> {
  const db = new Database(path, { readonly: true });
  const stat = db.prepare('SELECT name, pageno, pagetype, ncell FROM dbstat').all() as DbstatRow[];
  const roots = new Map(
    (db.prepare("SELECT name, rootpage FROM sqlite_master WHERE type = 'table'").all() as { name: string; rootpage: number }[]).map((r) => [
      r.name,
      r.rootpage,
    ]),
  );
  db.close();
  const source = openPageSource(path)!;
  const places = new Map<string, RowPlaces>();
  try {
    for (const table of tables) {
      const place: RowPlaces = { leaves: new Map(), overflow: new Map(), interior: [] };
      const seen = new Set<number>();
      // Overflow pages are read as each row's payload is, before the row is handed over: they belong to the next row.
      const pending: number[] = [];
      const ledger = {
        enter: (p: number) => !seen.has(p) && seen.add(p) !== undefined,
        unreadable: (p: number, reason: string) => expect.fail(`intact page ${p} unreadable: ${reason}`),
        overflowPage: (p: number) => pending.push(p),
        lostRow: (p: number, _r: Rowid, _b: number, reason: string) => expect.fail(`intact row on ${p} lost: ${reason}`),
      };
      for (const row of walkTableBtree(source, roots.get(table)!, source.header.encoding, ledger)) {
        const rowid = BigInt(row.rowid);
        for (const p of pending.splice(0)) place.overflow.set(p, rowid);
        place.leaves.set(row.pgno, [...(place.leaves.get(row.pgno) ?? []), rowid]);
      }
      const ofTable = stat.filter((s) => s.name === table);
      place.interior = ofTable.filter((s) => s.pagetype === 'internal').map((s) => s.pageno);
      // The referee's check of our reader: the same leaves with the same number of cells, the same overflow pages.
      const leaves = ofTable.filter((s) => s.pagetype === 'leaf');
      expect(new Map([...place.leaves].map(([p, ids]) => [p, ids.length]))).toEqual(new Map(leaves.map((s) => [s.pageno, s.ncell])));
      expect(new Set(place.overflow.keys())).toEqual(new Set(ofTable.filter((s) => s.pagetype === 'overflow').map((s) => s.pageno)));
      expect([...place.leaves.values()].flat().sort()).toEqual([...rowsBySqlite(path, table).keys()].sort());
      places.set(table, place);
    }
  } finally {
    source.close();
  }
  return places;
}

export const PAGE = 4096;

/** Overwrites pages with random bytes, as a failing disk or a stray write would. */
export function overwritePages(path: string, pages: number[], seed = 3): void {
  const random = seededRandom(seed);
  const fd = openSync(path, 'r+');
  try {
    for (const page of pages) writeSync(fd, Buffer.from(Array.from({ length: PAGE }, () => Math.floor(random() * 256))), 0, PAGE, (page - 1) * PAGE);
  } finally {
    closeSync(fd);
  }
}

/** The intact rows less those on damaged leaves or running through damaged overflow pages. */
export function expectedAfterDamage(intact: Map<bigint, Row>, place: RowPlaces, damaged: number[]): Map<bigint, Row> {
  const lost = new Set<bigint>();
  for (const page of damaged) {
    for (const id of place.leaves.get(page) ?? []) lost.add(id);
    const spilled = place.overflow.get(page);
    if (spilled !== undefined) lost.add(spilled);
  }
  return new Map([...intact].filter(([id]) => !lost.has(id)));
}
