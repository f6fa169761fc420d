import type { Connection } from '../sqlite/open-database';
import type { Footprint } from './footprint';
import {
  canonicalExpression,
  checksAsWritten,
  closingParen,
  extractChecks,
  normalizeTokens,
  splitAtCommas,
  stripRedundantParens,
  tokenize,
  type Token,
} from './sql-text';
import { foreignKeyKey, parseTableDefinition, type TableDefinition } from './table-definition';

// A structural picture of a database's schema, in a form where formatting never counts:
// columns and keys from pragmas; CHECKs, COLLATE, ON CONFLICT, DEFERRABLE and generated
// expressions from the CREATE TABLE (table-definition.ts); trigger/view bodies from normalized SQL.

export interface ColumnShape {
  name: string;
  type: string;
  notNull: boolean;
  defaultValue: string | null;
  primaryKeyPosition: number;
  /** Declared collation other than BINARY (from the SQL: no pragma shows it). */
  collation: string | null;
  /** ON CONFLICT of the column's NOT NULL and PRIMARY KEY, other than the default ABORT. */
  notNullConflict: string | null;
  primaryKeyConflict: string | null;
  /** A generated column: `AS (expression) VIRTUAL|STORED` (pragma table_xinfo's hidden 2 or 3). */
  generated: string | null;
}

export interface ForeignKeyShape {
  from: string[];
  table: string;
  to: string[];
  onDelete: string;
  onUpdate: string;
  /** DEFERRABLE INITIALLY DEFERRED: checked at COMMIT instead of at each statement. */
  deferred: boolean;
}

export interface TableShape {
  name: string;
  columns: ColumnShape[];
  checks: string[];
  /** Each CHECK of `checks` as the CREATE TABLE spells it. */
  checksWritten: Map<string, string>;
  /** UNIQUE constraints (the column lists of their automatic indexes). */
  uniques: string[];
  foreignKeys: ForeignKeyShape[];
  /** What the CREATE TABLE says beyond its columns: "AUTOINCREMENT", "WITHOUT ROWID", "STRICT" (comma-separated, or ""). */
  options: string;
  sql: string;
}

export interface IndexShape {
  name: string;
  table: string;
  unique: boolean;
  /** Key columns in order, with DESC and a non-default collation marked: ["uploaded_at DESC"]; expressions as normalized SQL. */
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

/** Tables Schema Warden keeps for itself (their names are the schema's footprint); never part of a schema's comparison. */
export function toolTablesOf(schema: { footprint: Footprint }): Set<string> {
  return new Set([schema.footprint.versionsTable.toLowerCase(), schema.footprint.eventsTable.toLowerCase()]);
}

interface MasterRow {
  type: string;
  name: string;
  tbl_name: string;
  sql: string | null;
}

/** Bare words a DEFAULT keeps as what they are; any other lone name is a string to SQLite. */
const DEFAULT_KEYWORDS = new Set(['null', 'true', 'false', 'current_time', 'current_date', 'current_timestamp']);

/** A lone name in a DEFAULT as SQLite stores it: `DEFAULT "local"` (and `DEFAULT local`) is the string 'local'. */
function defaultNameAsString(tokens: Token[]): Token[] {
  const [only] = tokens;
  if (tokens.length !== 1 || !(only.kind === 'identifier' || (only.kind === 'word' && !DEFAULT_KEYWORDS.has(only.text.toLowerCase())))) return tokens;
  return [{ ...only, kind: 'string', text: `'${only.text.replace(/'/g, "''")}'` }];
}

/** A default as it compares: `DEFAULT (0)` and `DEFAULT 0` are the same default, and so are `DEFAULT "local"` and `DEFAULT 'local'`. */
function normalizeDefault(value: string | null): string | null {
  if (value === null) return null;
  return normalizeTokens(defaultNameAsString(stripRedundantParens(tokenize(value))));
}

/** A declared type as it compares: `varchar( 10 )` and `VARCHAR(10)` are the same type. */
function normalizeType(type: string): string {
  return type
    .toUpperCase()
    .replace(/\s+/g, ' ')
    .replace(/\s*([(),])\s*/g, '$1')
    .trim();
}

/** Columns in declaration order; table_xinfo, because table_info leaves generated columns out. */
function columnsOf(db: Connection, table: string, definition: TableDefinition): ColumnShape[] {
  const rows = db.prepare('SELECT name, type, "notnull" AS required, dflt_value AS dflt, pk, hidden FROM pragma_table_xinfo(?)').all(table) as {
    name: string;
    type: string;
    required: number;
    dflt: string | null;
    pk: number;
    hidden: number;
  }[];
  return rows.map((r) => {
    const clauses = definition.columns.get(r.name.toLowerCase());
    const generatedAs = r.hidden === 2 || r.hidden === 3 ? `AS (${clauses?.generatedAs ?? '?'}) ${r.hidden === 3 ? 'STORED' : 'VIRTUAL'}` : null;
    return {
      name: r.name,
      type: normalizeType(r.type),
      notNull: r.required === 1,
      defaultValue: normalizeDefault(r.dflt),
      primaryKeyPosition: r.pk,
      collation: clauses?.collation ?? null,
      notNullConflict: r.required === 1 ? (clauses?.notNullConflict ?? null) : null,
      primaryKeyConflict: r.pk > 0 ? (clauses?.primaryKeyConflict ?? null) : null,
      generated: generatedAs,
    };
  });
}

function primaryKeyOf(db: Connection, table: string): string[] {
  const rows = db.prepare('SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk').all(table) as { name: string }[];
  return rows.map((r) => r.name.toLowerCase());
}

function foreignKeysOf(db: Connection, table: string, definition: TableDefinition): ForeignKeyShape[] {
  const rows = db
    .prepare('SELECT id, "from" AS fromCol, "table" AS parent, "to" AS toCol, on_update, on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq')
    .all(table) as {
    id: number;
    fromCol: string;
    parent: string;
    toCol: string | null;
    on_update: string;
    on_delete: string;
  }[];
  const byId = new Map<number, ForeignKeyShape>();
  for (const r of rows) {
    const fk = byId.get(r.id) ?? { from: [], table: r.parent.toLowerCase(), to: [], onDelete: r.on_delete, onUpdate: r.on_update, deferred: false };
    fk.from.push(r.fromCol.toLowerCase());
    fk.to.push((r.toCol ?? '').toLowerCase());
    byId.set(r.id, fk);
  }
  // `REFERENCES parent` without columns means the parent's primary key: spell it out so both forms compare equal.
  for (const fk of byId.values()) {
    fk.deferred = definition.deferredForeignKeys.has(foreignKeyKey(fk.from, fk.table));
    if (fk.to.every((column) => column === '')) {
      const key = primaryKeyOf(db, fk.table);
      if (key.length === fk.from.length) fk.to = key;
    }
  }
  return [...byId.values()].sort((a, b) => describeForeignKey(a).localeCompare(describeForeignKey(b)));
}

export function describeForeignKey(fk: ForeignKeyShape): string {
  return `(${fk.from.join(', ')}) → ${fk.table}(${fk.to.join(', ')}) ON DELETE ${fk.onDelete} ON UPDATE ${fk.onUpdate}${fk.deferred ? ' DEFERRABLE INITIALLY DEFERRED' : ''}`;
}

/** The key items of a CREATE INDEX as written, without ASC/DESC and COLLATE (pragmas give those). */
function indexKeyExpressions(sql: string | null): string[] {
  if (sql === null) return [];
  const tokens = tokenize(sql);
  const on = tokens.findIndex((t) => t.kind === 'word' && t.text.toLowerCase() === 'on');
  const open = tokens.findIndex((t, k) => k > on && t.text === '(');
  const close = open === -1 ? -1 : closingParen(tokens, open);
  if (close === -1) return [];
  return splitAtCommas(tokens.slice(open + 1, close)).map((item) => {
    let end = item.length;
    const word = (k: number) => (item[k]?.kind === 'word' ? item[k].text.toLowerCase() : '');
    if (word(end - 1) === 'asc' || word(end - 1) === 'desc') end--;
    if (word(end - 2) === 'collate') end -= 2;
    return canonicalExpression(item.slice(0, end));
  });
}

function indexColumns(db: Connection, index: string, sql: string | null): string[] {
  const rows = db.prepare('SELECT cid, name, "desc" AS descending, coll FROM pragma_index_xinfo(?) WHERE key = 1 ORDER BY seqno').all(index) as {
    cid: number;
    name: string | null;
    descending: number;
    coll: string | null;
  }[];
  const written = indexKeyExpressions(sql);
  return rows.map((r, k) => {
    const key = r.cid === -2 ? written[k] : String(r.name).toLowerCase(); // cid -2: an expression, known only from the SQL
    const collation = r.coll && r.coll.toUpperCase() !== 'BINARY' ? ` COLLATE ${r.coll.toUpperCase()}` : '';
    return `${key}${collation}${r.descending ? ' DESC' : ''}`;
  });
}

/** UNIQUE constraints by their key, with an ON CONFLICT other than ABORT (`UNIQUE ON CONFLICT REPLACE` deletes the row it collides with). */
function uniquesOf(db: Connection, table: string, definition: TableDefinition): string[] {
  const rows = db.prepare("SELECT name FROM pragma_index_list(?) WHERE origin = 'u'").all(table) as { name: string }[];
  return rows
    .map((r) => {
      const names = (db.prepare('SELECT name FROM pragma_index_info(?) ORDER BY seqno').all(r.name) as { name: string }[]).map((c) => c.name.toLowerCase());
      const conflict = definition.uniqueConflicts.get(names.join(', '));
      return `${indexColumns(db, r.name, null).join(', ')}${conflict ? ` ON CONFLICT ${conflict}` : ''}`;
    })
    .sort();
}

/** AUTOINCREMENT and what follows the column list (WITHOUT ROWID, STRICT): they change how a table behaves. */
function tableOptions(sql: string): string {
  const tokens = tokenize(sql);
  const options: string[] = [];
  if (tokens.some((t) => t.kind === 'word' && t.text.toLowerCase() === 'autoincrement')) options.push('AUTOINCREMENT');
  const open = tokens.findIndex((t) => t.text === '(');
  const close = open === -1 ? -1 : closingParen(tokens, open);
  if (close !== -1) {
    for (const part of splitAtCommas(tokens.slice(close + 1).filter((t) => t.text !== ';'))) options.push(normalizeTokens(part).toUpperCase());
  }
  return options.join(', ');
}

/** A trigger's SQL as it compares; FOR EACH ROW is dropped, since SQLite has only row triggers. */
function normalizeTrigger(sql: string): string {
  const tokens = tokenize(sql);
  const word = (k: number) => (tokens[k]?.kind === 'word' ? tokens[k].text.toLowerCase() : '');
  const body = tokens.findIndex((_, k) => word(k) === 'begin');
  const header = body === -1 ? tokens.length : body;
  const forEachRow = tokens.findIndex((_, k) => k < header && word(k) === 'for' && word(k + 1) === 'each' && word(k + 2) === 'row');
  if (forEachRow !== -1) tokens.splice(forEachRow, 3);
  while (tokens.length && tokens[tokens.length - 1].text === ';') tokens.pop();
  // The WHEN condition compares as an expression; the rest loses only parentheses around single operands.
  const begin = tokens.findIndex((_, k) => word(k) === 'begin');
  const when = tokens.findIndex((_, k) => k < begin && word(k) === 'when');
  if (when !== -1) {
    return `${normalizeTokens(stripRedundantParens(tokens.slice(0, when + 1)))} ${canonicalExpression(tokens.slice(when + 1, begin))} ${normalizeTokens(stripRedundantParens(tokens.slice(begin)))}`;
  }
  return normalizeTokens(stripRedundantParens(tokens));
}

/** A view's SQL as it compares: parentheses around single operands do not count. */
function normalizeView(sql: string): string {
  const tokens = tokenize(sql);
  while (tokens.length && tokens[tokens.length - 1].text === ';') tokens.pop();
  return normalizeTokens(stripRedundantParens(tokens));
}

/** The text after the top-level WHERE of a CREATE INDEX, normalized (a partial index's condition). */
function partialWhere(sql: string): string | null {
  const tokens = tokenize(sql);
  let depth = 0;
  for (let k = 0; k < tokens.length; k++) {
    if (tokens[k].text === '(') depth++;
    else if (tokens[k].text === ')') depth--;
    else if (depth === 0 && tokens[k].kind === 'word' && tokens[k].text.toLowerCase() === 'where') {
      return canonicalExpression(tokens.slice(k + 1).filter((t) => t.text !== ';'));
    }
  }
  return null;
}

/** True when a view's or trigger's SQL names one of `tables` (as a name, not inside a string). */
export function namesAnyTable(sql: string | null, tables: ReadonlySet<string>): boolean {
  return tokenize(sql ?? '').some((t) => (t.kind === 'word' || t.kind === 'identifier') && tables.has(t.text.toLowerCase()));
}

/** The schema of `db` (the main database), leaving out SQLite's own tables and `ignoreTables` (the history tables) and what reads or writes them. */
export function snapshotSchema(db: Connection, ignoreTables: ReadonlySet<string>): SchemaSnapshot {
  const rows = db
    .prepare("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")
    .all() as MasterRow[];
  const snapshot: SchemaSnapshot = { tables: new Map(), indexes: new Map(), triggers: new Map(), views: new Map() };
  const ignored = (table: string) => ignoreTables.has(table.toLowerCase());
  for (const row of rows) {
    const key = row.name.toLowerCase();
    const table = row.tbl_name.toLowerCase();
    const sql = row.sql ?? '';
    if (row.type === 'table' && !ignored(row.name)) {
      const definition = parseTableDefinition(sql);
      snapshot.tables.set(key, {
        name: key,
        columns: columnsOf(db, row.name, definition),
        checks: extractChecks(sql),
        checksWritten: new Map(checksAsWritten(sql).map((c) => [c.normalized, c.written])),
        uniques: uniquesOf(db, row.name, definition),
        foreignKeys: foreignKeysOf(db, row.name, definition),
        options: tableOptions(sql),
        sql,
      });
    } else if (row.type === 'index' && row.sql !== null && !ignored(table)) {
      const unique =
        (db.prepare('SELECT "unique" AS u FROM pragma_index_list(?) WHERE name = ?').get(row.tbl_name, row.name) as { u: number } | undefined)?.u === 1;
      snapshot.indexes.set(key, { name: key, table, unique, columns: indexColumns(db, row.name, sql), where: partialWhere(sql), sql });
    } else if (row.type === 'trigger' && !ignored(table) && !namesAnyTable(row.sql, ignoreTables)) {
      snapshot.triggers.set(key, { name: key, table, normalized: normalizeTrigger(sql), sql });
    } else if (row.type === 'view' && !namesAnyTable(row.sql, ignoreTables)) {
      snapshot.views.set(key, { name: key, table, normalized: normalizeView(sql), sql });
    }
  }
  return snapshot;
}

/** Names of the tables in the main database other than SQLite's and Schema Warden's own. */
export function userTableNames(db: Connection, schema: { footprint: Footprint }): string[] {
  const rows = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'").all() as { name: string }[];
  const tool = toolTablesOf(schema);
  return rows.map((r) => r.name).filter((name) => !tool.has(name.toLowerCase()));
}
