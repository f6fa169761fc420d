import { ensureBookkeeping } from '../bookkeeping';
import type { Connection } from '../open-database';
import type { SchemaSnapshot } from '../introspect';
import type { SchemaDefinition } from '../schema-folder';
import { newConnection } from '../sqlite-addon';
import type { SqlValue } from '../sqlite-file/record';
import type { Rowid, TableRow } from '../sqlite-file/table-btree';
import { affinityOf, fitsColumns, type ColumnSlot } from './row-shape';

// The new file, built at the expected schema: tables and unique indexes first (so a row that
// breaks a UNIQUE is refused as it is inserted, not later), the rows with their rowids, then the
// other indexes, views and triggers (which must not fire for recovered rows). A row its table
// refuses, or whose table cannot be told, goes to lost_and_found as the shell's .recover does.

/** The new file's page cache while it is built: a bound, whatever the size of the damaged file. */
const BUILD_CACHE_KIB = 16 * 1024;

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
const asInteger = (rowid: Rowid) => BigInt(rowid);

export class TargetTable {
  readonly columns: ColumnSlot[];
  /** The column that aliases the rowid (INTEGER PRIMARY KEY), or -1. */
  readonly rowidAlias: number;
  private readonly rowidName: string;
  private readonly inserts = new Map<number, { run(...values: unknown[]): { changes: number } }>();
  inserted = 0;

  constructor(private readonly db: Connection, readonly name: string) {
    const info = db.prepare('SELECT name, type, "notnull" AS required, pk FROM pragma_table_info(?)').all(name) as { name: string; type: string; required: number; pk: number }[];
    // SQLite lets a non-integer PRIMARY KEY hold NULL, but no application stores one: for telling tables apart it counts as NOT NULL.
    this.columns = info.map((c) => ({ name: c.name, affinity: affinityOf(c.type), notNull: c.required === 1 || c.pk > 0 }));
    const keys = info.filter((c) => c.pk > 0);
    const withoutRowid = /\bWITHOUT\s+ROWID\b/i.test((db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) as { sql: string }).sql);
    this.rowidAlias = keys.length === 1 && keys[0].type.toUpperCase() === 'INTEGER' && !withoutRowid ? info.indexOf(keys[0]) : -1;
    const names = new Set(info.map((c) => c.name.toLowerCase()));
    this.rowidName = ['rowid', '_rowid_', 'oid'].find((n) => !names.has(n)) ?? 'rowid';
  }

  fits(values: SqlValue[]): boolean {
    return fitsColumns(values, this.columns, this.rowidAlias);
  }

  /** Inserts the row with its rowid; false when the table refuses it (a constraint, or more values than columns). */
  insert(row: TableRow): boolean {
    if (row.values.length > this.columns.length || (this.rowidAlias >= 0 && row.values.length > this.rowidAlias && row.values[this.rowidAlias] !== null)) return false;
    const values = row.values.filter((_, k) => k !== this.rowidAlias);
    const changes = this.insertFor(row.values.length).run(asInteger(row.rowid), ...values).changes;
    this.inserted += changes;
    return changes === 1;
  }

  /** INSERT OR IGNORE of the first `n` columns: a record written before an ADD COLUMN has fewer values, the rest take their default. */
  private insertFor(n: number) {
    let statement = this.inserts.get(n);
    if (!statement) {
      const names = this.columns.slice(0, n).filter((_, k) => k !== this.rowidAlias).map((c) => quote(c.name));
      const key = this.rowidAlias >= 0 ? quote(this.columns[this.rowidAlias].name) : this.rowidName;
      statement = this.db.prepare(`INSERT OR IGNORE INTO ${quote(this.name)} (${[key, ...names].join(', ')}) VALUES (${['?', ...names.map(() => '?')].join(', ')})`);
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

  add(rootPage: number | null, row: TableRow): void {
    this.widen(row.values.length);
    this.insertFor(row.values.length).run(rootPage, row.pgno, row.values.length, asInteger(row.rowid), ...row.values);
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
    // A new file nobody reads until it is finished: a cancelled or failed salvage deletes it.
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.pragma('locking_mode = EXCLUSIVE');
    // Rows arrive in rowid order, but a UNIQUE index takes them in key order: a fixed cache keeps its pages in memory.
    db.pragma(`cache_size = -${BUILD_CACHE_KIB}`);
    db.pragma('foreign_keys = OFF');
    const target = new SalvageTarget(db, expected);
    for (const table of expected.tables.values()) db.exec(table.sql);
    ensureBookkeeping(db, schema);
    if (withAppVersionTable && schema.appVersionTable?.definition) db.exec(schema.appVersionTable.definition);
    for (const index of expected.indexes.values()) if (index.unique) db.exec(index.sql);
    const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'").all() as { name: string }[];
    for (const { name } of names) target.tables.set(name.toLowerCase(), new TargetTable(db, name));
    return target;
  }

  tableFor(name: string): TargetTable | undefined {
    return this.tables.get(name.toLowerCase());
  }

  /** The one table every row of an orphaned leaf fits, or null where none or several do. */
  matchShape(rows: TableRow[]): TargetTable | null {
    const fitting = [...this.tables.values()].filter((t) => rows.every((r) => t.fits(r.values)));
    return fitting.length === 1 ? fitting[0] : null;
  }

  /** Into its table, or, refused there, into lost_and_found. */
  place(table: TargetTable | null, rootPage: number | null, row: TableRow): void {
    if (table?.insert(row)) return;
    this.lostAndFound.add(rootPage, row);
  }

  /** An AUTOINCREMENT counter read from the damaged sqlite_sequence: kept, so no deleted id is handed out again. */
  keepSequence(table: string, seq: bigint): void {
    this.sequences.set(table.toLowerCase(), seq);
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
