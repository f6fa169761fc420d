import type { BrowseColumn, ChildRows, ForeignKeyLink, RowChildrenReport, RowFilter, RowSort, RowsPage } from '../../../shared/types/data';
import type { EngineContext } from '../context';
import { damagedReadError, firstDamagedTable, tablesNamedIn } from '../core/repair/damage-map';
import { explainSqliteError, WardenError } from '../errors';
import { withDatabase, type Connection } from '../core/sqlite/open-database';
import { DEFAULT_EXPORT_TIMEOUT_MS, DEFAULT_QUERY_TIMEOUT_MS } from './query';
import { runRead, type PageRequest, type ReadLimits } from '../core/data/read-process';
import { diskFailureBehind } from '../core/sqlite/failing-disk';
import { EXPORT_PAGE_BYTES, EXPORT_PAGE_ROWS, type PageSink, streamRead } from '../core/data/export-stream';

// Browsing rows for support staff: one page of a table or view, sorted by a column, narrowed by
// column values, on read-only connections with query_only on. Every name the caller gives (table,
// sort column, filter columns) is looked up in the schema first and only the schema's own
// spelling reaches the SQL, double-quoted; every value is a bound parameter.

export interface RowsOptions {
  table: string;
  offset?: number;
  limit?: number;
  sort?: RowSort | null;
  filters?: RowFilter[];
  /** Count the rows matching the filters too (one more pass over them). */
  withTotal?: boolean;
  /** The read is stopped after this long (a query's default). */
  timeoutMs?: number;
  /** Other bounds than the defaults of read-process.ts (tests). */
  limits?: Omit<ReadLimits, 'timeoutMs'>;
  /** A BLOB's first bytes each cell brings in hex (16 when absent). */
  blobBytes?: number;
}

export const DEFAULT_PAGE_ROWS = 200;
export const DEFAULT_ROWS_TIMEOUT_MS = DEFAULT_QUERY_TIMEOUT_MS;

interface Relation {
  name: string;
  kind: 'table' | 'view';
  columns: BrowseColumn[];
  /** What makes the order of equal sort values total: the primary key and rowid where there is one; nothing for a view. */
  tieBreak: string[];
  /** Rows can be named by rowid (a rowid table with no column called rowid, _rowid_ or oid). */
  rowid: boolean;
}

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

interface ColumnInfo {
  name: string;
  type: string;
  required: number;
  pk: number;
  hidden: number;
}

/** A table's or view's columns; a view whose query names a missing table is said to be broken, not blamed on the history tables. */
function columnsInfo(db: Connection, ctx: EngineContext, name: string, type: 'table' | 'view'): ColumnInfo[] {
  try {
    return db.prepare('SELECT name, type, "notnull" AS required, pk, hidden FROM pragma_table_xinfo(?)').all(name) as ColumnInfo[];
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'SQLITE_ERROR') throw err;
    throw new WardenError(
      'SCHEMA_DRIFT',
      `The ${type} ${name} in ${ctx.dbPath} cannot be read: its definition names something the file lacks (${(err as Error).message}). Nothing was read.`,
      'Recreate what is missing with repair (a dry run first shows what it would run); every other table can still be browsed.',
      { table: name },
      [{ action: 'repair', dryRun: true }, { action: 'repair' }],
    );
  }
}

/** The tables a read of `name` touches: the table itself, or the tables a view's SQL names (all, when it names none). */
function tablesRead(db: Connection, name: string): string[] {
  const row = db.prepare('SELECT type, sql FROM sqlite_schema WHERE name = ? COLLATE NOCASE').get(name) as { type: string; sql: string | null } | undefined;
  if (!row || row.type === 'table') return [name];
  return tablesNamedIn(db, row.sql ?? '');
}

function relationOf(db: Connection, ctx: EngineContext, table: string): Relation {
  // SQLite's names are case-insensitive: "Conversation_Files" names the same table.
  const found = db.prepare("SELECT name, type FROM sqlite_schema WHERE type IN ('table', 'view') AND name = ? COLLATE NOCASE").get(table) as
    | { name: string; type: 'table' | 'view' }
    | undefined;
  if (!found) {
    throw new WardenError(
      'INVALID_INPUT',
      `There is no table or view named "${table}" in ${ctx.dbPath}. Nothing was read.`,
      'Pick a table from the list of tables.',
      { field: 'table' },
      [{ action: 'tables' }],
    );
  }
  // hidden 1 is a virtual table's hidden column; 2 and 3 are generated columns, which can be read.
  const info = columnsInfo(db, ctx, found.name, found.type);
  const columns = info.filter((c) => c.hidden !== 1).map((c) => ({ name: c.name, type: c.type, notNull: c.required === 1, primaryKey: c.pk }));
  const primaryKey = columns
    .filter((c) => c.primaryKey > 0)
    .sort((a, b) => a.primaryKey - b.primaryKey)
    .map((c) => c.name);
  const shadowed = columns.some((c) => ['rowid', '_rowid_', 'oid'].includes(c.name.toLowerCase()));
  const withRowid =
    found.type === 'table' && (db.prepare("SELECT wr FROM pragma_table_list WHERE schema = 'main' AND name = ?").get(found.name) as { wr: number }).wr === 0;
  const rowid = withRowid && !shadowed;
  // rowid after the primary key: a rowid table's PRIMARY KEY may hold several NULLs (SQLite's
  // legacy quirk), and only rowid makes the order total.
  const tieBreak = [...primaryKey.map(quoted), ...(rowid ? ['rowid'] : [])];
  return { name: found.name, kind: found.type, columns, tieBreak, rowid };
}

/** The schema's spelling of a column the caller named, or the error that lists the real ones. */
function columnOf(relation: Relation, ctx: EngineContext, name: string, field: string): string {
  const column = relation.columns.find((c) => c.name === name) ?? relation.columns.find((c) => c.name.toLowerCase() === name.toLowerCase());
  if (!column) {
    const known = relation.columns.map((c) => c.name).join(', ');
    throw new WardenError(
      'INVALID_INPUT',
      `${relation.name} in ${ctx.dbPath} has no column named "${name}". Nothing was read.`,
      `Pick one of its columns: ${known}.`,
      { field },
    );
  }
  return column.name;
}

interface ForeignKeyRow {
  id: number;
  seq: number;
  table: string;
  from: string;
  to: string | null;
}

function primaryKeyOf(db: Connection, table: string): string[] {
  const info = db.prepare('SELECT name, pk FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk').all(table) as { name: string }[];
  return info.map((c) => c.name);
}

/** A table's foreign keys, one link per key (a composite key has several columns). */
function foreignKeysOf(db: Connection, table: string): ForeignKeyLink[] {
  const rows = db.prepare('SELECT id, seq, "table", "from", "to" FROM pragma_foreign_key_list(?) ORDER BY id, seq').all(table) as ForeignKeyRow[];
  const byId = new Map<number, ForeignKeyRow[]>();
  for (const row of rows) byId.set(row.id, [...(byId.get(row.id) ?? []), row]);
  return [...byId.values()].map((key) => {
    const parent = key[0].table;
    // A foreign key naming no parent columns refers to the parent's primary key.
    const to = key.every((k) => k.to !== null) ? key.map((k) => k.to as string) : primaryKeyOf(db, parent);
    return { from: table, columns: key.map((k) => k.from), table: parent, to };
  });
}

/** Every other table's foreign keys that name `table` as their parent. */
function childLinksOf(db: Connection, table: string): ForeignKeyLink[] {
  const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").all() as { name: string }[];
  return tables.flatMap((t) => foreignKeysOf(db, t.name)).filter((link) => link.table.toLowerCase() === table.toLowerCase());
}

/** The WHERE clause of `filters` (names checked against the schema) and its bound values. */
function whereOf(relation: Relation, ctx: EngineContext, filters: RowFilter[]): { sql: string; values: (string | number)[] } {
  const clauses: string[] = [];
  const values: (string | number)[] = [];
  for (const filter of filters) {
    const column = quoted(columnOf(relation, ctx, filter.column, 'filters'));
    if (filter.op === 'isNull') clauses.push(`${column} IS NULL`);
    else if (filter.op === 'notNull') clauses.push(`${column} IS NOT NULL`);
    else {
      if (filter.value === undefined) {
        throw new WardenError(
          'INVALID_INPUT',
          `The filter on ${filter.column} needs a value to compare with. Nothing was read.`,
          'Give the value, or filter on NULL instead.',
          { field: 'filters' },
        );
      }
      values.push(filter.value);
      // contains: as text, case-sensitive, so a number column can be searched by its digits.
      clauses.push(filter.op === 'eq' ? `${column} = ?` : filter.op === 'ne' ? `${column} IS NOT ?` : `instr(CAST(${column} AS TEXT), CAST(? AS TEXT)) > 0`);
    }
  }
  return { sql: clauses.length ? ` WHERE ${clauses.join(' AND ')}` : '', values };
}

function readOnlyConnection<T>(ctx: EngineContext, table: string, work: (db: Connection) => T): T {
  return withDatabase(ctx.dbPath, { mode: 'read', busyTimeoutMs: ctx.busyTimeoutMs }, (db) => {
    db.pragma('query_only = ON');
    // One read transaction: the page and its count are of one moment, even while a service writes.
    return db
      .transaction(() => {
        try {
          return work(db);
        } catch (err) {
          // A damaged page: name the table and the page, not the request.
          if (!String((err as { code?: unknown }).code).startsWith('SQLITE_CORRUPT')) throw err;
          throw damagedReadError(ctx.dbPath, `Reading the rows of ${table}`, firstDamagedTable(db, tablesRead(db, table)), (err as Error).message);
        }
      })
      .deferred();
  });
}

/** The statements of one page (see PageRequest), every name already checked against the schema. */
function pageRequest(ctx: EngineContext, relation: Relation, options: RowsOptions, sort: RowSort | null, offset: number, limit: number): PageRequest {
  const where = whereOf(relation, ctx, options.filters ?? []);
  const exactFromEnd = sort !== null && relation.tieBreak.length > 0;
  const wanted = options.withTotal || (exactFromEnd && offset > 0);
  // A page past the middle of a sort is read from the other end, in the opposite order, then
  // turned round: SQLite keeps offset + limit rows to find a page, so the last page of a million
  // costs what the first does. Exact only where ties are broken by a unique key (the primary
  // key or rowid): then the opposite order is this order reversed, NULLs included.
  const select = (fromEnd: boolean) => {
    const direction = (sort?.direction === 'desc') !== fromEnd ? 'DESC' : 'ASC';
    const order = [...(sort ? [quoted(sort.column)] : []), ...relation.tieBreak].map((term) => `${term} ${direction}`);
    const orderBy = order.length ? ` ORDER BY ${order.join(', ')}` : '';
    const columns = relation.columns.map((c) => quoted(c.name)).join(', ');
    const table = quoted(relation.name);
    // A sort on a column no index covers sorts every row: sorting only the sort key and rowid,
    // then reading the page's rows by rowid, sorts far less (offset 999,900 of 1,000,000 files:
    // 2.7 s instead of 9.9 s for whole rows, measured). Views and WITHOUT ROWID tables sort whole rows.
    const sql =
      sort && relation.rowid
        ? `SELECT ${columns} FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table}${where.sql}${orderBy} LIMIT ? OFFSET ?)${orderBy}`
        : `SELECT ${columns} FROM ${table}${where.sql}${orderBy} LIMIT ? OFFSET ?`;
    return { sql, params: where.values };
  };
  const count = wanted ? { sql: `SELECT count(*) FROM ${quoted(relation.name)}${where.sql}`, params: where.values } : null;
  return { mode: 'page', count, forward: select(false), backward: exactFromEnd ? select(true) : null, offset, limit, blobBytes: options.blobBytes };
}

/** A page's read that SQLite refused or failed: damage named by table and page, anything else named by the table or view it read. */
function pageReadError(ctx: EngineContext, relation: Relation, failure: { message: string; code: string | undefined }): WardenError {
  if (failure.code?.startsWith('SQLITE_CORRUPT')) {
    const disk = diskFailureBehind(ctx.dbPath, `reading the rows of ${relation.name}`, [failure.message]);
    if (disk) return disk;
    return withDatabase(ctx.dbPath, { mode: 'read', busyTimeoutMs: ctx.busyTimeoutMs }, (db) =>
      damagedReadError(ctx.dbPath, `Reading the rows of ${relation.name}`, firstDamagedTable(db, tablesRead(db, relation.name)), failure.message),
    );
  }
  const explained = explainSqliteError(Object.assign(new Error(failure.message), { code: failure.code ?? 'SQLITE_ERROR' }), ctx.dbPath);
  if (explained instanceof WardenError && explained.code === 'LOCKED') return explained;
  return new WardenError(
    'INVALID_INPUT',
    `The rows of the ${relation.kind} ${relation.name} in ${ctx.dbPath} could not be read: SQLite stopped with "${failure.message}". Nothing was changed.`,
    'Browse the tables it reads instead, or find where it fails with a query of your own.',
    { field: 'table', sqliteCode: failure.code },
    [{ action: 'query' }],
  );
}

/**
 * One page of a table's or view's rows, sorted and filtered; reads only. The names are looked up
 * here; the rows are read in a child process (read-process.ts) with the time limit, Cancel and
 * bounds of a query, since a view's SQL can cost anything (a recursive CTE that never ends).
 */
export async function browseRows(ctx: EngineContext, options: RowsOptions): Promise<RowsPage> {
  const offset = options.offset ?? 0;
  const limit = options.limit ?? DEFAULT_PAGE_ROWS;
  const { relation, request, parents, children, sort } = readOnlyConnection(ctx, options.table, (db) => {
    const relation = relationOf(db, ctx, options.table);
    const sort = options.sort ? { column: columnOf(relation, ctx, options.sort.column, 'sort'), direction: options.sort.direction } : null;
    const request = pageRequest(ctx, relation, options, sort, offset, limit);
    const parents = relation.kind === 'table' ? foreignKeysOf(db, relation.name) : [];
    const children = relation.kind === 'table' ? childLinksOf(db, relation.name) : [];
    return { relation, request, parents, children, sort };
  });
  const answer = await runRead(
    ctx,
    request,
    { timeoutMs: options.timeoutMs ?? DEFAULT_ROWS_TIMEOUT_MS, ...options.limits },
    `Reading the rows of ${relation.name}`,
  );
  if (answer.kind !== 'rows') throw pageReadError(ctx, relation, answer.kind === 'failed' ? answer : { message: answer.why, code: undefined });
  const filters = options.filters ?? [];
  return {
    path: ctx.dbPath,
    table: relation.name,
    kind: relation.kind,
    columns: relation.columns,
    parents,
    children,
    sort,
    filters,
    offset,
    rows: answer.rows,
    total: options.withTotal ? answer.total : null,
  };
}

export interface ExportRowsOptions {
  table: string;
  sort?: RowSort | null;
  filters?: RowFilter[];
  /** The whole read (and so the download) is stopped after this long. */
  timeoutMs?: number;
  /** Other bounds than the defaults of read-process.ts (tests). */
  limits?: Omit<ReadLimits, 'timeoutMs'>;
}

/**
 * Every row of a table or view that matches the filters, in the grid's order, streamed into `sink`
 * a page at a time (export-stream.ts) from one read transaction: the whole filtered result, as the
 * grid would show it page after page, never held whole. Counts them first, for a progress bar.
 */
export async function exportRows(ctx: EngineContext, options: ExportRowsOptions, sink: PageSink): Promise<{ rows: number; heldBytesAtMost: number }> {
  const { relation, select, count } = readOnlyConnection(ctx, options.table, (db) => {
    const relation = relationOf(db, ctx, options.table);
    const sort = options.sort ? { column: columnOf(relation, ctx, options.sort.column, 'sort'), direction: options.sort.direction } : null;
    const where = whereOf(relation, ctx, options.filters ?? []);
    const direction = sort?.direction === 'desc' ? 'DESC' : 'ASC';
    const order = [...(sort ? [quoted(sort.column)] : []), ...relation.tieBreak].map((term) => `${term} ${direction}`);
    const columns = relation.columns.map((c) => quoted(c.name)).join(', ');
    const from = `FROM ${quoted(relation.name)}${where.sql}`;
    const select = { sql: `SELECT ${columns} ${from}${order.length ? ` ORDER BY ${order.join(', ')}` : ''}`, params: where.values };
    return { relation, select, count: { sql: `SELECT count(*) ${from}`, params: where.values } };
  });
  const outcome = await streamRead(
    ctx,
    { mode: 'export', source: { kind: 'select', ...select }, count, pageRows: EXPORT_PAGE_ROWS, pageBytes: EXPORT_PAGE_BYTES },
    { timeoutMs: options.timeoutMs ?? DEFAULT_EXPORT_TIMEOUT_MS, ...options.limits },
    `The export of ${relation.name}`,
    sink,
  );
  if (outcome.kind !== 'done') throw pageReadError(ctx, relation, outcome.kind === 'failed' ? outcome : { message: outcome.why, code: undefined });
  return { rows: outcome.rows, heldBytesAtMost: outcome.heldBytesAtMost };
}

/** How many rows of `table` match `filters`, on a connection the caller holds (names checked as above). */
export function countMatching(db: Connection, ctx: EngineContext, table: string, filters: RowFilter[]): number {
  const relation = relationOf(db, ctx, table);
  const where = whereOf(relation, ctx, filters);
  return (db.prepare(`SELECT count(*) AS n FROM ${quoted(relation.name)}${where.sql}`).get(...where.values) as { n: number }).n;
}

export interface RowChildrenOptions {
  table: string;
  /** The row's values, by column: at least the columns its children refer to. */
  row: Record<string, string | number | null>;
}

/** How many rows of each child table refer to this row, with the filters that select them. */
export function rowChildren(ctx: EngineContext, options: RowChildrenOptions): RowChildrenReport {
  return readOnlyConnection(ctx, options.table, (db) => {
    const relation = relationOf(db, ctx, options.table);
    const value = (column: string) => {
      const name = columnOf(relation, ctx, column, 'row');
      const given = Object.entries(options.row).find(([key]) => key.toLowerCase() === name.toLowerCase());
      if (!given)
        throw new WardenError('INVALID_INPUT', `The row's ${name} is needed to find its children. Nothing was read.`, `Pass the row's ${name} value.`, {
          field: 'row',
        });
      return given[1];
    };
    const children: ChildRows[] = childLinksOf(db, relation.name).map((link) => {
      const values = link.to.map(value);
      // A NULL in the key refers to no parent: such a row has no children through this key.
      if (values.some((v) => v === null)) return { link, filters: [], count: 0 };
      const filters: RowFilter[] = link.columns.map((column, k) => ({ column, op: 'eq', value: values[k] as string | number }));
      return { link, filters, count: countMatching(db, ctx, link.from, filters) };
    });
    return { path: ctx.dbPath, table: relation.name, children };
  });
}
