import type { Connection } from './open-database';
import { extractChecks, normalizeSql, normalizeTokens, tokenize } from './sql-text';

// A structural picture of a database's schema, in a form where formatting never counts:
// columns and keys from pragmas, CHECKs and trigger/view bodies from normalized SQL.

export interface ColumnShape {
  name: string;
  type: string;
  notNull: boolean;
  defaultValue: string | null;
  primaryKeyPosition: number;
}

export interface ForeignKeyShape {
  from: string[];
  table: string;
  to: string[];
  onDelete: string;
  onUpdate: string;
}

export interface TableShape {
  name: string;
  columns: ColumnShape[];
  checks: string[];
  /** UNIQUE constraints (the column lists of their automatic indexes). */
  uniques: string[];
  foreignKeys: ForeignKeyShape[];
  sql: string;
}

export interface IndexShape {
  name: string;
  table: string;
  unique: boolean;
  /** Key columns in order, with DESC marked: ["uploaded_at DESC"]. */
  columns: string[];
  where: string | null;
  sql: string;
}

export interface SqlObjectShape {
  name: string;
  table: string;
  normalized: string;
  sql: string;
}

export interface SchemaSnapshot {
  tables: Map<string, TableShape>;
  indexes: Map<string, IndexShape>;
  triggers: Map<string, SqlObjectShape>;
  views: Map<string, SqlObjectShape>;
}

/** Tables Schema Warden keeps for itself; never part of a schema's comparison. */
export const BOOKKEEPING_TABLES = new Set(['schema_version', 'schema_events']);

interface MasterRow {
  type: string;
  name: string;
  tbl_name: string;
  sql: string | null;
}

function normalizeDefault(value: string | null): string | null {
  return value === null ? null : normalizeSql(value);
}

function columnsOf(db: Connection, table: string): ColumnShape[] {
  const rows = db.prepare('SELECT name, type, "notnull" AS required, dflt_value AS dflt, pk FROM pragma_table_info(?)').all(table) as {
    name: string;
    type: string;
    required: number;
    dflt: string | null;
    pk: number;
  }[];
  return rows.map((r) => ({
    name: r.name,
    type: r.type.toUpperCase().replace(/\s+/g, ' ').trim(),
    notNull: r.required === 1,
    defaultValue: normalizeDefault(r.dflt),
    primaryKeyPosition: r.pk,
  }));
}

function foreignKeysOf(db: Connection, table: string): ForeignKeyShape[] {
  const rows = db.prepare('SELECT id, "from" AS fromCol, "table" AS parent, "to" AS toCol, on_update, on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq').all(table) as {
    id: number;
    fromCol: string;
    parent: string;
    toCol: string | null;
    on_update: string;
    on_delete: string;
  }[];
  const byId = new Map<number, ForeignKeyShape>();
  for (const r of rows) {
    const fk = byId.get(r.id) ?? { from: [], table: r.parent.toLowerCase(), to: [], onDelete: r.on_delete, onUpdate: r.on_update };
    fk.from.push(r.fromCol.toLowerCase());
    fk.to.push((r.toCol ?? '').toLowerCase());
    byId.set(r.id, fk);
  }
  return [...byId.values()].sort((a, b) => describeForeignKey(a).localeCompare(describeForeignKey(b)));
}

export function describeForeignKey(fk: ForeignKeyShape): string {
  return `(${fk.from.join(', ')}) → ${fk.table}(${fk.to.join(', ')}) ON DELETE ${fk.onDelete} ON UPDATE ${fk.onUpdate}`;
}

function indexColumns(db: Connection, index: string): string[] {
  const rows = db.prepare('SELECT name, "desc" AS descending FROM pragma_index_xinfo(?) WHERE key = 1 ORDER BY seqno').all(index) as {
    name: string | null;
    descending: number;
  }[];
  return rows.map((r) => `${(r.name ?? '<expression>').toLowerCase()}${r.descending ? ' DESC' : ''}`);
}

function uniquesOf(db: Connection, table: string): string[] {
  const rows = db.prepare("SELECT name FROM pragma_index_list(?) WHERE origin = 'u'").all(table) as { name: string }[];
  return rows.map((r) => indexColumns(db, r.name).join(', ')).sort();
}

/** The text after the top-level WHERE of a CREATE INDEX, normalized (a partial index's condition). */
function partialWhere(sql: string): string | null {
  const tokens = tokenize(sql);
  let depth = 0;
  for (let k = 0; k < tokens.length; k++) {
    if (tokens[k].text === '(') depth++;
    else if (tokens[k].text === ')') depth--;
    else if (depth === 0 && tokens[k].kind === 'word' && tokens[k].text.toLowerCase() === 'where') {
      return normalizeTokens(tokens.slice(k + 1).filter((t) => t.text !== ';'));
    }
  }
  return null;
}

/** The schema of `db` (the main database), leaving out SQLite's own and Schema Warden's tables. */
export function snapshotSchema(db: Connection, ignoreTables: ReadonlySet<string> = BOOKKEEPING_TABLES): SchemaSnapshot {
  const rows = db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name").all() as MasterRow[];
  const snapshot: SchemaSnapshot = { tables: new Map(), indexes: new Map(), triggers: new Map(), views: new Map() };
  const ignored = (table: string) => ignoreTables.has(table.toLowerCase());
  for (const row of rows) {
    const key = row.name.toLowerCase();
    const table = row.tbl_name.toLowerCase();
    const sql = row.sql ?? '';
    if (row.type === 'table' && !ignored(row.name)) {
      snapshot.tables.set(key, {
        name: key,
        columns: columnsOf(db, row.name),
        checks: extractChecks(sql),
        uniques: uniquesOf(db, row.name),
        foreignKeys: foreignKeysOf(db, row.name),
        sql,
      });
    } else if (row.type === 'index' && row.sql !== null && !ignored(table)) {
      const unique = (db.prepare('SELECT "unique" AS u FROM pragma_index_list(?) WHERE name = ?').get(row.tbl_name, row.name) as { u: number } | undefined)?.u === 1;
      snapshot.indexes.set(key, { name: key, table, unique, columns: indexColumns(db, row.name), where: partialWhere(sql), sql });
    } else if (row.type === 'trigger' && !ignored(table)) {
      snapshot.triggers.set(key, { name: key, table, normalized: normalizeSql(sql), sql });
    } else if (row.type === 'view') {
      snapshot.views.set(key, { name: key, table, normalized: normalizeSql(sql), sql });
    }
  }
  return snapshot;
}

/** Names of the tables in the main database other than SQLite's and Schema Warden's own. */
export function userTableNames(db: Connection): string[] {
  const rows = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'").all() as { name: string }[];
  return rows.map((r) => r.name).filter((name) => !BOOKKEEPING_TABLES.has(name.toLowerCase()));
}
