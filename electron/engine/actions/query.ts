import type { QueryResult } from '../../../shared/types/data';
import type { EngineContext } from '../context';
import { damagedReadError, firstDamagedTable, tablesNamedIn } from '../core/repair/damage-map';
import { explainSqliteError, isFileFailure, WardenError } from '../errors';
import { statDatabasePath, withDatabase } from '../core/sqlite/open-database';
import { runRead, type ReadLimits } from '../core/data/read-process';
import { diskFailureBehind } from '../core/sqlite/failing-disk';
import { EXPORT_PAGE_BYTES, EXPORT_PAGE_ROWS, type PageSink, streamRead } from '../core/data/export-stream';

// Read-only SQL for support staff. The query runs in a child process (read-process.ts) on a
// read-only connection with query_only on, so no text can write, and a runaway query (a recursive
// CTE, a 500 MB printf) is stopped by its time, memory or answer limit without touching the host.
// What may run is checked before it runs: one statement that returns rows and that SQLite itself
// says is read-only (sqlite3_stmt_readonly), starting with a reading keyword.

export interface QueryOptions {
  sql: string;
  /** Rows returned at most (the result says when there were more). */
  limit?: number;
  /** The query is stopped after this long. */
  timeoutMs?: number;
  /** Other bounds than the defaults of read-process.ts (tests). */
  limits?: Omit<ReadLimits, 'timeoutMs'>;
  /** How many of a BLOB's first bytes each cell brings (16 when absent). */
  blobBytes?: number;
}

export const DEFAULT_QUERY_LIMIT = 1000;
export const DEFAULT_QUERY_TIMEOUT_MS = 10_000;
/** How long an export may read: its read transaction lasts as long as the download, and a rollback-journal database's writers wait for its end. */
export const DEFAULT_EXPORT_TIMEOUT_MS = 120_000;

function refused(sql: string, why: string): WardenError {
  const shown = sql.length > 200 ? `${sql.slice(0, 200)}…` : sql;
  return new WardenError(
    'INVALID_INPUT',
    `This query was not run: ${why}. Nothing was changed. Query: ${shown}`,
    'Write a SELECT (or WITH … SELECT): queries here only read. Changes go through migrate, repair and restore, which take a backup first.',
    { field: 'sql' },
  );
}

/** A query that met a damaged page: which of the tables it reads is damaged, and where (each checked with quick_check). */
function damagedQueryError(ctx: EngineContext, sql: string, sqliteMessage: string): WardenError {
  try {
    return withDatabase(ctx.dbPath, { mode: 'read', busyTimeoutMs: ctx.busyTimeoutMs, leaveNoFiles: true }, (db) =>
      damagedReadError(ctx.dbPath, 'The query', firstDamagedTable(db, tablesNamedIn(db, sql)), sqliteMessage),
    );
  } catch (err) {
    if (err instanceof WardenError) return damagedReadError(ctx.dbPath, 'The query', null, `${sqliteMessage}; ${err.message}`);
    throw err;
  }
}

/** SQLite's refusal or failure of the query, worded: damage by table and page, a write refused, a lock or the file's own failure explained. */
function queryFailure(
  ctx: EngineContext,
  sql: string,
  answer: { kind: 'refused'; why: string } | { kind: 'failed'; message: string; code: string | undefined },
): unknown {
  if (answer.kind === 'refused') return refused(sql, answer.why);
  // SQLite words a read the disk failed as damage: told apart before any table is called damaged.
  if (answer.code?.startsWith('SQLITE_CORRUPT'))
    return diskFailureBehind(ctx.dbPath, 'running the query', [answer.message]) ?? damagedQueryError(ctx, sql, answer.message);
  if (answer.code === 'SQLITE_READONLY') return refused(sql, `it tried to write (${answer.message})`);
  if (answer.code?.startsWith('SQLITE_BUSY') || isFileFailure(answer.code))
    return explainSqliteError(Object.assign(new Error(answer.message), { code: answer.code }), ctx.dbPath);
  return new WardenError('INVALID_INPUT', `SQLite could not run the query: ${answer.message}.`, 'Fix the SQL and run it again.', {
    field: 'sql',
    sqliteCode: answer.code,
  });
}

/**
 * A query's whole result streamed into `sink` a page at a time (export-stream.ts), checked as a
 * query is (one reading statement), in one read transaction, with no row limit: the memory bound
 * is the page, not the result. No count first: that would run the query twice.
 */
export async function exportQuery(
  ctx: EngineContext,
  options: { sql: string; timeoutMs?: number; limits?: Omit<ReadLimits, 'timeoutMs'> },
  sink: PageSink,
): Promise<{ rows: number; heldBytesAtMost: number }> {
  if (statDatabasePath(ctx.dbPath) === null) throw new WardenError('NOT_FOUND', `There is no database at ${ctx.dbPath}.`, 'Check the path of the database.');
  const outcome = await streamRead(
    ctx,
    { mode: 'export', source: { kind: 'query', sql: options.sql }, count: null, pageRows: EXPORT_PAGE_ROWS, pageBytes: EXPORT_PAGE_BYTES },
    { timeoutMs: options.timeoutMs ?? DEFAULT_EXPORT_TIMEOUT_MS, ...options.limits },
    'The export of the query',
    sink,
  );
  if (outcome.kind !== 'done') throw queryFailure(ctx, options.sql, outcome);
  return { rows: outcome.rows, heldBytesAtMost: outcome.heldBytesAtMost };
}

/** Runs one read-only query with a row limit and a time limit, in a process bounded in memory, temporary storage and answer size (read-process.ts); Cancel (ctx.signal) and the time limit kill it. */
export async function runQuery(ctx: EngineContext, options: QueryOptions): Promise<QueryResult> {
  if (statDatabasePath(ctx.dbPath) === null) throw new WardenError('NOT_FOUND', `There is no database at ${ctx.dbPath}.`, 'Check the path of the database.');
  const limit = options.limit ?? DEFAULT_QUERY_LIMIT;
  const started = performance.now();
  const answer = await runRead(
    ctx,
    { mode: 'query', sql: options.sql, limit, blobBytes: options.blobBytes },
    { timeoutMs: options.timeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS, ...options.limits },
    'The query',
  );
  if (answer.kind !== 'rows') throw queryFailure(ctx, options.sql, answer);
  return {
    path: ctx.dbPath,
    sql: options.sql,
    columns: answer.columns,
    rows: answer.rows,
    more: answer.more,
    limit,
    durationMs: Math.round(performance.now() - started),
  };
}
