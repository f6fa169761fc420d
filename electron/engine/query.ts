import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import type { QueryResult } from '../../shared/types';
import type { EngineContext } from './context';
import { damagedReadError, firstDamagedTable, tablesNamedIn } from './damage-map';
import { WardenError } from './errors';
import { statDatabasePath, withDatabase } from './open-database';

// Read-only SQL for support staff. The query runs in a child process on a read-only connection
// with query_only on, so no text can write, and a runaway query (a recursive CTE) can be stopped
// for real: SQLite cannot be interrupted from JavaScript while a step runs, but a process can be
// killed. What may run is checked before it runs: one statement that returns rows and that
// SQLite itself says is read-only (sqlite3_stmt_readonly), starting with a reading keyword.

export interface QueryOptions {
  sql: string;
  /** Rows returned at most (the result says when there were more). */
  limit?: number;
  /** The query is stopped after this long. */
  timeoutMs?: number;
}

export const DEFAULT_QUERY_LIMIT = 1000;
export const DEFAULT_QUERY_TIMEOUT_MS = 10_000;

const QUERY_CHILD = `
const [addon, dbPath, sql, limitText] = process.argv.slice(1);
const Database = require(addon);
const reply = (value) => process.stdout.write(JSON.stringify(value));
const refuse = (why) => reply({ refused: why });
// Keywords that only read. PRAGMA only without an argument or with one in parentheses for the
// pragmas that read a table: with '=' (or as a setter in parentheses) a pragma changes settings.
const READING = /^\\s*(select|with|values|explain)\\b/i;
const READING_PRAGMA = /^\\s*pragma\\s+(main\\.)?(\\w+)\\s*(\\(\\s*['"]?\\w+['"]?\\s*\\))?\\s*;?\\s*$/i;
const PRAGMAS_WITH_ARGUMENT = new Set(['table_info', 'table_xinfo', 'table_list', 'index_list', 'index_info', 'index_xinfo', 'foreign_key_list', 'foreign_key_check', 'integrity_check', 'quick_check']);
let db;
try {
  db = new Database(dbPath, { readonly: true, fileMustExist: true });
  db.pragma('query_only = ON');
  const pragma = READING_PRAGMA.exec(sql);
  if (!READING.test(sql) && !(pragma && (!pragma[3] || PRAGMAS_WITH_ARGUMENT.has(pragma[2].toLowerCase())))) {
    refuse('only SELECT, WITH … SELECT, VALUES, EXPLAIN and reading PRAGMAs may run here');
  } else {
    const stmt = db.prepare(sql);
    if (!stmt.reader || !stmt.readonly) refuse('SQLite reports that this statement would change the database');
    else {
      const limit = Number(limitText);
      const columns = stmt.columns().map((c) => c.name);
      const rows = [];
      let more = false;
      for (const row of stmt.raw(true).iterate()) {
        if (rows.length === limit) { more = true; break; }
        rows.push(row.map((v) => Buffer.isBuffer(v) ? { blob: v.length, hex: v.subarray(0, 16).toString('hex') } : typeof v === 'bigint' ? String(v) : v));
      }
      reply({ columns, rows, more });
    }
  }
} catch (err) {
  reply({ failed: err.message, code: err.code });
} finally {
  db?.close();
}
`;

function refused(sql: string, why: string): WardenError {
  const shown = sql.length > 200 ? `${sql.slice(0, 200)}…` : sql;
  return new WardenError('INVALID_INPUT', `This query was not run: ${why}. Nothing was changed. Query: ${shown}`, 'Write a SELECT (or WITH … SELECT): queries here only read. Changes go through migrate, repair and restore, which take a backup first.', { field: 'sql' });
}

/** A query that met a damaged page: which of the tables it reads is damaged, and where (each checked with quick_check). */
function damagedQueryError(ctx: EngineContext, sql: string, sqliteMessage: string): WardenError {
  try {
    return withDatabase(ctx.dbPath, { mode: 'read', busyTimeoutMs: ctx.busyTimeoutMs, leaveNoFiles: true }, (db) =>
      damagedReadError(ctx.dbPath, 'The query', firstDamagedTable(db, tablesNamedIn(db, sql)), sqliteMessage));
  } catch (err) {
    if (err instanceof WardenError) return damagedReadError(ctx.dbPath, 'The query', null, `${sqliteMessage}; ${err.message}`);
    throw err;
  }
}

/** Runs one read-only query with a row limit and a time limit; Cancel (ctx.signal) and the time limit kill it. */
export function runQuery(ctx: EngineContext, options: QueryOptions): Promise<QueryResult> {
  if (statDatabasePath(ctx.dbPath) === null) throw new WardenError('NOT_FOUND', `There is no database at ${ctx.dbPath}.`, 'Check --db.');
  const limit = options.limit ?? DEFAULT_QUERY_LIMIT;
  const timeoutMs = options.timeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS;
  const addon = createRequire(import.meta.url).resolve('better-sqlite3');
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', QUERY_CHILD, addon, ctx.dbPath, options.sql, String(limit)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    let stdout = '';
    let stderr = '';
    let stopped: WardenError | null = null;
    const stop = (why: WardenError) => {
      stopped = why;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => stop(new WardenError('CANCELLED', `The query was stopped after its time limit of ${timeoutMs / 1000} s; nothing was changed.`, 'Narrow it (a WHERE, a LIMIT), or give it more time.')), timeoutMs);
    const onAbort = () => stop(new WardenError('CANCELLED', 'The query was cancelled and stopped; nothing was changed.', 'Run it again when you are ready.'));
    ctx.signal?.addEventListener('abort', onAbort, { once: true });
    // A cancel that came before the listener (before the worker even started the query) stops it too.
    if (ctx.signal?.aborted) onAbort();
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', () => {
      clearTimeout(timer);
      ctx.signal?.removeEventListener('abort', onAbort);
      if (stopped) return reject(stopped);
      let answer: { refused?: string; failed?: string; code?: string; columns?: string[]; rows?: QueryResult['rows']; more?: boolean };
      try {
        answer = JSON.parse(stdout);
      } catch {
        return reject(new WardenError('INTERNAL', `The query process ended without an answer (${stderr.trim().split('\n').pop() ?? 'no output'}).`, 'Try again; if it keeps failing, report it with the query.'));
      }
      if (answer.refused) return reject(refused(options.sql, answer.refused));
      if (answer.failed && answer.code?.startsWith('SQLITE_CORRUPT')) return reject(damagedQueryError(ctx, options.sql, answer.failed));
      if (answer.failed) {
        const writeAttempt = answer.code === 'SQLITE_READONLY';
        return reject(writeAttempt ? refused(options.sql, `it tried to write (${answer.failed})`) : new WardenError('INVALID_INPUT', `SQLite could not run the query: ${answer.failed}.`, 'Fix the SQL and run it again.', { field: 'sql', sqliteCode: answer.code }));
      }
      resolve({ path: ctx.dbPath, sql: options.sql, columns: answer.columns ?? [], rows: answer.rows ?? [], more: answer.more ?? false, limit, durationMs: Math.round(performance.now() - started) });
    });
  });
}
