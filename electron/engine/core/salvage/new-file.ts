import { ensureBookkeeping } from '../history/bookkeeping';
import type { Connection } from '../sqlite/open-database';
import type { SchemaSnapshot } from '../schema/introspect';
import type { SchemaDefinition } from '../schema/schema-folder';
import { newConnection } from '../sqlite/sqlite-addon';
import type { SqlValue } from '../sqlite-file/record';
import type { IndexEntry } from '../sqlite-file/index-btree';
import type { Rowid, TableRow } from '../sqlite-file/table-btree';
import { affinityOf, fitsColumns, type ColumnSlot } from './row-shape';

// The new file, built at the expected schema: the tables first, then the rows their b-trees hold,
// with their rowids (appended in rowid order, the cheapest way into a b-tree). The unique indexes
// come next, built in one sorted pass each instead of taking rows in random key order, so that the
// rows of orphaned leaves (scanned last, where duplicates of live rows come from) are refused as
// they are inserted. Then the other indexes, views and triggers (which must not fire for recovered
// rows). A row its table refuses, or whose table cannot be told, goes to lost_and_found as the
// shell's .recover does.

/** The new file's page cache while it is built: a bound, whatever the size of the damaged file. */
const BUILD_CACHE_KIB = 16 * 1024;

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
const asInteger = (rowid: Rowid) => BigInt(rowid);

export class TargetTable {
  readonly columns: ColumnSlot[];
  /** The column that aliases the rowid (INTEGER PRIMARY KEY), or -1. */
  readonly rowidAlias: number;
  readonly rowidName: string;
  readonly withoutRowid: boolean;
  /** A WITHOUT ROWID table's columns in the order of its b-tree's records. */
  private readonly entryOrder: string[];
  private readonly entryInserts = new Map<number, { run(...values: unknown[]): { changes: number } }>();
  private readonly inserts = new Map<number, { run(...values: unknown[]): { changes: number } }>();
  inserted = 0;

  constructor(
    private readonly db: Connection,
    readonly name: string,
  ) {
    const info = db.prepare('SELECT name, type, "notnull" AS required, pk FROM pragma_table_info(?)').all(name) as {
      name: string;
      type: string;
      required: number;
      pk: number;
    }[];
    // SQLite lets a non-integer PRIMARY KEY hold NULL, but no application stores one: for telling tables apart it counts as NOT NULL.
    this.columns = info.map((c) => ({ name: c.name, affinity: affinityOf(c.type), notNull: c.required === 1 || c.pk > 0 }));
    const keys = info.filter((c) => c.pk > 0);
    this.withoutRowid = (db.prepare("SELECT wr FROM pragma_table_list WHERE schema = 'main' AND name = ?").get(name) as { wr: number } | undefined)?.wr === 1;
    this.entryOrder = [...keys.sort((a, b) => a.pk - b.pk), ...info.filter((c) => c.pk === 0)].map((c) => c.name);
    this.rowidAlias = keys.length === 1 && keys[0].type.toUpperCase() === 'INTEGER' && !this.withoutRowid ? info.indexOf(keys[0]) : -1;
    const names = new Set(info.map((c) => c.name.toLowerCase()));
    this.rowidName = ['rowid', '_rowid_', 'oid'].find((n) => !names.has(n)) ?? 'rowid';
  }

  fits(values: SqlValue[]): boolean {
    return fitsColumns(values, this.columns, this.rowidAlias);
  }

  /** Inserts the row with its rowid; false when the table refuses it (a constraint, or more values than columns). */
  insert(row: TableRow): boolean {
    if (row.values.length > this.columns.length || (this.rowidAlias >= 0 && row.values.length > this.rowidAlias && row.values[this.rowidAlias] !== null))
      return false;
    const values = row.values.filter((_, k) => k !== this.rowidAlias);
    const changes = this.insertFor(row.values.length).run(asInteger(row.rowid), ...values).changes;
    this.inserted += changes;
    return changes === 1;
  }

  /** A WITHOUT ROWID table's row, its values in the order its b-tree keeps them: the primary key's columns, then the others. */
  insertEntry(values: SqlValue[]): boolean {
    if (!this.withoutRowid || values.length > this.entryOrder.length) return false;
    // A record written before an ADD COLUMN has fewer values: the rest take their default.
    let insert = this.entryInserts.get(values.length);
    if (!insert) {
      const names = this.entryOrder.slice(0, values.length).map((c) => quote(c));
      insert = this.db.prepare(`INSERT OR IGNORE INTO ${quote(this.name)} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`);
      this.entryInserts.set(values.length, insert);
    }
    const changes = insert.run(...values).changes;
    this.inserted += changes;
    return changes === 1;
  }

  /** INSERT OR IGNORE of the first `n` columns: a record written before an ADD COLUMN has fewer values, the rest take their default. */
  private insertFor(n: number) {
    let statement = this.inserts.get(n);
    if (!statement) {
      const names = this.columns
        .slice(0, n)
        .filter((_, k) => k !== this.rowidAlias)
        .map((c) => quote(c.name));
      const key = this.rowidAlias >= 0 ? quote(this.columns[this.rowidAlias].name) : this.rowidName;
      statement = this.db.prepare(
        `INSERT OR IGNORE INTO ${quote(this.name)} (${[key, ...names].join(', ')}) VALUES (${['?', ...names.map(() => '?')].join(', ')})`,
      );
      this.inserts.set(n, statement);
    }
    return statement;
  }
}

/** lost_and_found as .recover makes it: rootpgno, pgno, nfield, id, then c0, c1, … (added as wider rows come). */
class LostAndFound {
  private width = -1;
  private readonly inserts = new Map<number, { run(...values: unknown[]): unknown }>();
  rows = 0;

  constructor(private readonly db: Connection) {}

  /** A row with the root page of its b-tree and the leaf it sat on, where they are known. */
  add(rootPage: number | null, pgno: number | null, row: { rowid: Rowid | null; values: SqlValue[] }): void {
    this.widen(row.values.length);
    this.insertFor(row.values.length).run(rootPage, pgno, row.values.length, row.rowid === null ? null : asInteger(row.rowid), ...row.values);
    this.rows++;
  }

  private insertFor(fields: number) {
    let statement = this.inserts.get(fields);
    if (!statement) {
      const columns = Array.from({ length: fields }, (_, k) => `, c${k}`).join('');
      statement = this.db.prepare(`INSERT INTO lost_and_found (rootpgno, pgno, nfield, id${columns}) VALUES (?, ?, ?, ?${', ?'.repeat(fields)})`);
      this.inserts.set(fields, statement);
    }
    return statement;
  }

  private widen(fields: number): void {
    if (this.width < 0) {
      this.db.exec('CREATE TABLE lost_and_found (rootpgno INTEGER, pgno INTEGER, nfield INTEGER, id INTEGER)');
      this.width = 0;
    }
    for (; this.width < fields; this.width++) this.db.exec(`ALTER TABLE lost_and_found ADD COLUMN c${this.width}`);
  }
}

export interface StampSource {
  userVersion: number;
  applicationId: number;
}

export class SalvageTarget {
  readonly tables = new Map<string, TargetTable>();
  readonly lostAndFound: LostAndFound;
  private readonly sequences = new Map<string, bigint>();

  private constructor(
    readonly db: Connection,
    private readonly expected: SchemaSnapshot,
  ) {
    this.lostAndFound = new LostAndFound(db);
  }

  /** Opens the empty file at `path` and creates the tables (with the history tables) and unique indexes of `expected`. */
  static create(path: string, expected: SchemaSnapshot, schema: SchemaDefinition, withAppVersionTable: boolean): SalvageTarget {
    const db = newConnection(path);
    // A new file nobody reads until it is finished: a cancelled or failed salvage deletes it. The
    // journal is kept in memory, not turned off, so that a statement that fails (a unique index
    // that two rows break) is rolled back cleanly; pages appended past a commit are never journaled.
    db.pragma('journal_mode = MEMORY');
    db.pragma('synchronous = OFF');
    db.pragma('locking_mode = EXCLUSIVE');
    // Rows arrive in rowid order, but a UNIQUE index takes them in key order: a fixed cache keeps its pages in memory.
    db.pragma(`cache_size = -${BUILD_CACHE_KIB}`);
    db.pragma('foreign_keys = OFF');
    const target = new SalvageTarget(db, expected);
    for (const table of expected.tables.values()) db.exec(table.sql);
    ensureBookkeeping(db, schema);
    if (withAppVersionTable && schema.appVersionTable?.definition) db.exec(schema.appVersionTable.definition);
    const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'").all() as { name: string }[];
    for (const { name } of names) target.tables.set(name.toLowerCase(), new TargetTable(db, name));
    return target;
  }

  tableFor(name: string): TargetTable | undefined {
    return this.tables.get(name.toLowerCase());
  }

  /** The one table every row of an orphaned leaf fits, or null where none or several do. */
  matchShape(rows: TableRow[]): TargetTable | null {
    // A WITHOUT ROWID table has no table leaves: an orphaned one is never its.
    const fitting = [...this.tables.values()].filter((t) => !t.withoutRowid && rows.every((r) => t.fits(r.values)));
    return fitting.length === 1 ? fitting[0] : null;
  }

  /** A WITHOUT ROWID table's row into its table, or, refused there (or its table unknown), into lost_and_found without a rowid. */
  placeEntry(table: TargetTable | null, rootPage: number, entry: IndexEntry): void {
    if (table?.insertEntry(entry.values)) return;
    this.lostAndFound.add(table ? null : rootPage, entry.pgno, { rowid: null, values: entry.values });
  }

  /** Into its table, or, refused there, into lost_and_found. */
  place(table: TargetTable | null, rootPage: number | null, row: TableRow): void {
    if (table?.insert(row)) return;
    this.lostAndFound.add(rootPage, row.pgno, row);
  }

  /** An AUTOINCREMENT counter read from the damaged sqlite_sequence: kept, so no deleted id is handed out again. */
  keepSequence(table: string, seq: bigint): void {
    this.sequences.set(table.toLowerCase(), seq);
  }

  /**
   * The unique indexes, once the b-trees' rows are in. Rows of an intact b-tree never break a
   * UNIQUE, but a damaged file may hold two rows with one key: where an index cannot be built,
   * its table's rows are put back in rowid order with the index in place, and each row it refuses
   * goes to lost_and_found (its page is no longer known there).
   */
  buildUniqueIndexes(): void {
    const byTable = new Map<string, string[]>();
    for (const index of this.expected.indexes.values()) if (index.unique) byTable.set(index.table, [...(byTable.get(index.table) ?? []), index.sql]);
    for (const [name, indexes] of byTable) {
      try {
        this.db.exec(indexes.join(';\n'));
      } catch (err) {
        if ((err as { code?: string }).code !== 'SQLITE_CONSTRAINT_UNIQUE') throw err;
        const table = this.tableFor(name);
        if (!table) throw err;
        this.reinsertUnder(table, indexes);
      }
    }
  }

  private reinsertUnder(table: TargetTable, indexes: string[]): void {
    const name = quote(table.name);
    // A failed CREATE INDEX is rolled back alone: drop the ones of this table built before it.
    for (const index of this.expected.indexes.values())
      if (index.unique && index.table === table.name.toLowerCase()) this.db.exec(`DROP INDEX IF EXISTS ${quote(index.name)}`);
    this.db.exec(`CREATE TEMP TABLE warden_salvage_rows AS SELECT rowid AS warden_rowid, * FROM ${name}`);
    this.db.exec(`DELETE FROM ${name}`);
    this.db.exec(indexes.join(';\n'));
    const columns = table.columns.map((c) => quote(c.name));
    // The INTEGER PRIMARY KEY carries the rowid; a table without one is given it by name.
    const target = table.rowidAlias >= 0 ? columns : [table.rowidName, ...columns];
    const source = table.rowidAlias >= 0 ? columns : ['warden_rowid', ...columns];
    this.db.exec(`INSERT OR IGNORE INTO ${name} (${target.join(', ')}) SELECT ${source.join(', ')} FROM temp.warden_salvage_rows ORDER BY warden_rowid`);
    table.inserted = (this.db.prepare(`SELECT count(*) AS n FROM ${name}`).get() as { n: number }).n;
    const refused = this.db
      .prepare(`SELECT * FROM temp.warden_salvage_rows WHERE warden_rowid NOT IN (SELECT rowid FROM ${name}) ORDER BY warden_rowid`)
      .raw()
      .safeIntegers()
      .all() as SqlValue[][];
    for (const [rowid, ...values] of refused) this.lostAndFound.add(null, null, { rowid: rowid as bigint, values });
    this.db.exec('DROP TABLE temp.warden_salvage_rows');
  }

  /** The rest of the schema, the counters and the header's marks; the file is then complete. */
  finish(stamp: StampSource): void {
    for (const index of this.expected.indexes.values()) if (!index.unique) this.db.exec(index.sql);
    for (const view of this.expected.views.values()) this.db.exec(view.sql);
    for (const trigger of this.expected.triggers.values()) this.db.exec(trigger.sql);
    this.restoreSequences();
    this.db.pragma(`user_version = ${stamp.userVersion | 0}`);
    this.db.pragma(`application_id = ${stamp.applicationId | 0}`);
  }

  private restoreSequences(): void {
    const hasSequence = this.db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").get() !== undefined;
    if (!hasSequence) return;
    const raise = this.db.prepare('UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE lower(name) = ?');
    const add = this.db.prepare('INSERT INTO sqlite_sequence (name, seq) SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE lower(name) = ?)');
    for (const [name, seq] of this.sequences) {
      const table = this.tables.get(name);
      if (!table) continue;
      if (raise.run(seq, name).changes === 0) add.run(table.name, seq, name);
    }
  }

  close(): void {
    this.db.close();
  }
}
