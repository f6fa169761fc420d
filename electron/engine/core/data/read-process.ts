import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { getPriority, setPriority } from 'node:os';
import type { CellValue } from '../../../../shared/types/data';
import type { EngineContext } from '../../context';
import { WardenError } from '../../errors';
import { DEFAULT_BUSY_TIMEOUT_MS } from '../sqlite/open-database';
import { sqliteAddonPath } from '../sqlite/sqlite-addon';

// Reads whose cost the caller's SQL decides (a query, a page of rows: a view can cost anything) run in a child process
// with bounds on all they may cost, because SQLite cannot be bounded from JavaScript here:
// - time: a step cannot be interrupted (better-sqlite3 has no sqlite3_interrupt), a process can be killed;
// - memory: better-sqlite3 exposes no sqlite3_limit() and SQLite's heap limits are off under it
//   (memstatus), so the process gets an RLIMIT_DATA through prlimit (util-linux): SQLite's malloc
//   then fails with SQLITE_NOMEM, or V8's does and the process aborts, and the host stays small;
// - temporary storage: temp_store = MEMORY keeps sorting, DISTINCT and GROUP BY inside that same
//   memory limit, so no query writes temporary files (ORDER BY random() over generated rows wrote 2.6 GB);
// - the answer: rows stop at a size limit as they are stepped, and the host reads no more than it.
// Where prlimit is missing (macOS, Windows desktops) the child runs without the memory limit.
// A child also has an RLIMIT_CPU a little past its time limit, should its host die before its timer.

/** What a read process may hold: SQLite's values, its sorting and grouping, and the rows it answers. Measured: Node itself needs about 45 MB of it. */
export const READ_MEMORY_LIMIT_BYTES = 256 * 1024 * 1024;
/** The largest answer one read returns, as JSON text. */
export const READ_ANSWER_LIMIT_BYTES = 32 * 1024 * 1024;

const PRLIMIT = '/usr/bin/prlimit';
/** How much nicer than its host a read process runs (19 is the lowest priority). */
const READ_NICENESS = 10;
const MB = 1024 * 1024;

/** A query the caller wrote: checked to be one reading statement, answered row by row up to `limit`. */
export interface SqlRequest {
  mode: 'query';
  sql: string;
  limit: number;
  /** A BLOB's first bytes each cell brings (16 when absent). */
  blobBytes?: number;
}

/** A page the engine built (names checked, values bound): an optional count, then the page read forward or, past the middle, from the end (see rows.ts). */
export interface PageRequest {
  mode: 'page';
  count: { sql: string; params: (string | number)[] } | null;
  forward: { sql: string; params: (string | number)[] };
  backward: { sql: string; params: (string | number)[] } | null;
  offset: number;
  limit: number;
  /** A BLOB's first bytes each cell brings (16 when absent). */
  blobBytes?: number;
}

/**
 * A whole result streamed in pages (export-stream.ts): the caller's query (checked as a SqlRequest is) or a
 * select the engine built, with an optional count for progress. BLOBs come whole and integers exact.
 */
export interface ExportRequest {
  mode: 'export';
  source: { kind: 'query'; sql: string } | { kind: 'select'; sql: string; params: (string | number)[] };
  count: { sql: string; params: (string | number)[] } | null;
  /** A page ends at this many rows or once its JSON passes pageBytes, whichever comes first. */
  pageRows: number;
  pageBytes: number;
}

export type ReadRequest = SqlRequest | PageRequest | ExportRequest;

/** What the child answered: rows, or SQLite's refusal or failure for the caller to word. */
export type ReadAnswer =
  | { kind: 'rows'; columns: string[]; rows: CellValue[][]; more: boolean; total: number | null }
  | { kind: 'refused'; why: string }
  | { kind: 'failed'; message: string; code: string | undefined };

export interface ReadLimits {
  timeoutMs: number;
  memoryBytes?: number;
  answerBytes?: number;
}

// Plain JavaScript run with `node -e`, so that it needs no bundling: only better-sqlite3 is required.
const READ_CHILD = `
const [addon, nativeBinding, dbPath, answerLimitText, busyTimeoutText] = process.argv.slice(1);
const Database = require(addon);
const request = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const answerLimit = Number(answerLimitText);
const reply = (value) => process.stdout.write(JSON.stringify(value));
// Keywords that only read. PRAGMA only without an argument or with one in parentheses for the
// pragmas that read a table: with '=' (or as a setter in parentheses) a pragma changes settings.
const READING = /^\\s*(select|with|values|explain)\\b/i;
const READING_PRAGMA = /^\\s*pragma\\s+(main\\.)?(\\w+)\\s*(\\(\\s*['"]?\\w+['"]?\\s*\\))?\\s*;?\\s*$/i;
const PRAGMAS_WITH_ARGUMENT = new Set(['table_info', 'table_xinfo', 'table_list', 'index_list', 'index_info', 'index_xinfo', 'foreign_key_list', 'foreign_key_check', 'integrity_check', 'quick_check']);
// A BLOB as its size and first bytes; a page's integers are read as BigInt so none beyond 2^53 is rounded, and those are shown as text.
// An export writes a BLOB whole (its rows' size limit still holds).
const blobBytes = request.mode === 'export' ? Infinity : (request.blobBytes ?? 16);
const cell = (v) => Buffer.isBuffer(v) ? { blob: v.length, hex: v.subarray(0, blobBytes).toString('hex') }
  : typeof v === 'bigint' ? (v >= Number.MIN_SAFE_INTEGER && v <= Number.MAX_SAFE_INTEGER ? Number(v) : String(v)) : v;
class AnswerTooLarge extends Error {}
let answerBytes = 0;
function collect(rows, row) {
  const shown = row.map(cell);
  answerBytes += Buffer.byteLength(JSON.stringify(shown));
  if (answerBytes > answerLimit) throw new AnswerTooLarge();
  rows.push(shown);
}
function readingStatement(db, sql) {
  const pragma = READING_PRAGMA.exec(sql);
  if (!READING.test(sql) && !(pragma && (!pragma[3] || PRAGMAS_WITH_ARGUMENT.has(pragma[2].toLowerCase())))) {
    return { refused: 'only SELECT, WITH … SELECT, VALUES, EXPLAIN and reading PRAGMAs may run here' };
  }
  const stmt = db.prepare(sql);
  if (!stmt.reader || !stmt.readonly) return { refused: 'SQLite reports that this statement would change the database' };
  return { stmt };
}
function runQuery(db) {
  const checked = readingStatement(db, request.sql);
  if (checked.refused) return checked;
  const stmt = checked.stmt;
  const columns = stmt.columns().map((c) => c.name);
  const rows = [];
  let more = false;
  for (const row of stmt.raw(true).iterate()) {
    if (rows.length === request.limit) { more = true; break; }
    collect(rows, row);
  }
  return { columns, rows, more, total: null };
}
// One JSON line at a time, waiting for the host to take it: the host reads a line only when it has
// written the page before, so neither process ever holds more than a page.
const send = (value) => new Promise((resolve) => (process.stdout.write(JSON.stringify(value) + '\\n') ? resolve() : process.stdout.once('drain', resolve)));
async function runExport(db) {
  const source = request.source;
  const checked = source.kind === 'query' ? readingStatement(db, source.sql) : { stmt: db.prepare(source.sql) };
  if (checked.refused) return send(checked);
  const total = request.count ? db.prepare(request.count.sql).pluck().get(...request.count.params) : null;
  await send({ head: { columns: checked.stmt.columns().map((c) => c.name), total } });
  let rows = [];
  for (const row of checked.stmt.raw(true).safeIntegers(true).iterate(...(source.params ?? []))) {
    collect(rows, row);
    if (rows.length >= request.pageRows || answerBytes >= request.pageBytes) {
      await send({ rows });
      rows = [];
      answerBytes = 0;
    }
  }
  if (rows.length > 0) await send({ rows });
  await send({ end: true });
}
function runPage(db) {
  const total = request.count ? db.prepare(request.count.sql).pluck().get(...request.count.params) : null;
  const fromEnd = request.backward !== null && total !== null && request.offset * 2 > total;
  const count = fromEnd ? Math.max(0, Math.min(request.limit, total - request.offset)) : request.limit;
  const skip = fromEnd ? Math.max(0, total - request.offset - count) : request.offset;
  const page = fromEnd ? request.backward : request.forward;
  const rows = [];
  if (count > 0) for (const row of db.prepare(page.sql).raw(true).safeIntegers(true).iterate(...page.params, count, skip)) collect(rows, row);
  return { columns: [], rows: fromEnd ? rows.reverse() : rows, more: false, total };
}
const failure = (err) =>
  err instanceof AnswerTooLarge ? { tooLarge: answerBytes }
  // V8 refusing a string or buffer that large is the memory limit too; better-sqlite3's own RangeErrors (two statements) are not.
  : err instanceof RangeError && /invalid string length|allocation failed|invalid array length/i.test(err.message) ? { failed: err.message, code: 'SQLITE_NOMEM' }
  : { failed: err.message, code: err.code };
let db;
let streaming = false;
try {
  db = new Database(dbPath, { readonly: true, fileMustExist: true, timeout: Number(busyTimeoutText), ...(nativeBinding ? { nativeBinding } : {}) });
  db.pragma('query_only = ON');
  db.pragma('temp_store = MEMORY');
  // One read transaction: a page and its count are of one moment, even while a service writes.
  db.exec('BEGIN');
  if (request.mode === 'export') {
    streaming = true;
    runExport(db).catch((err) => send(failure(err))).finally(() => db.close());
  } else reply(request.mode === 'query' ? runQuery(db) : runPage(db));
} catch (err) {
  if (request.mode === 'export') send(failure(err));
  else reply(failure(err));
} finally {
  if (!streaming) db?.close();
}
`;

function mb(bytes: number): string {
  return `${Math.round(bytes / MB)} MB`;
}

/** The child was stopped by its memory limit: SQLite's malloc failed (SQLITE_NOMEM, or V8's RangeError), or V8's did and the process aborted. */
function memoryLimitReached(what: string, memoryBytes: number): WardenError {
  return new WardenError(
    'RESOURCE_LIMIT',
    `${what} was stopped: it needed more than its memory limit of ${mb(memoryBytes)}, which also holds the temporary storage of its sorting and grouping (kept in memory, never in temporary files). Nothing was changed.`,
    'Narrow it: a WHERE, fewer or shorter columns (substr() or length() of a long value), or a LIMIT right after its ORDER BY, which SQLite sorts without keeping every row.',
    { limit: 'memory', bytes: memoryBytes },
  );
}

export function answerLimitReached(what: string, answerBytes: number): WardenError {
  return new WardenError(
    'RESOURCE_LIMIT',
    `${what} was stopped: its answer passed the size limit of ${mb(answerBytes)}. Nothing was changed.`,
    'Ask for fewer rows (a LIMIT, or a lower row limit), or fewer and shorter columns (substr() or length() of a long value).',
    { limit: 'answer', bytes: answerBytes },
  );
}

/** The command that starts the child: under prlimit's RLIMIT_DATA where there is one. */
function childCommand(memoryBytes: number, timeoutMs: number, args: string[]): [string, string[]] {
  const node = [process.execPath, '-e', READ_CHILD, ...args];
  if (process.platform !== 'linux' || !existsSync(PRLIMIT)) return [node[0], node.slice(1)];
  // RLIMIT_CPU past the time limit: a child whose host died (and its timer with it) stops by itself.
  const cpuSeconds = Math.ceil(timeoutMs / 1000) + 5;
  return [PRLIMIT, [`--data=${memoryBytes}`, `--cpu=${cpuSeconds}`, '--', ...node]];
}

/** A read process running: stop() kills it with the reason its caller will give; finish() clears its timer and Cancel once it closed. */
export interface ReadChild {
  child: ChildProcessWithoutNullStreams;
  stop(why: WardenError): void;
  stopped(): WardenError | null;
  finish(): void;
  memoryBytes: number;
  answerBytes: number;
}

/** Starts one read in a child process bounded in time, memory and temporary storage; Cancel (ctx.signal) and the time limit kill it. */
export function startReadChild(ctx: EngineContext, request: ReadRequest, limits: ReadLimits, what: string): ReadChild {
  const memoryBytes = limits.memoryBytes ?? READ_MEMORY_LIMIT_BYTES;
  const answerBytes = limits.answerBytes ?? READ_ANSWER_LIMIT_BYTES;
  const addon = createRequire(import.meta.url).resolve('better-sqlite3');
  // The host's own build of the addon: under Electron (ELECTRON_RUN_AS_NODE) node_modules' Node build would not load.
  const [command, args] = childCommand(memoryBytes, limits.timeoutMs, [
    addon,
    sqliteAddonPath() ?? '',
    ctx.dbPath,
    String(answerBytes),
    String(ctx.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS),
  ]);
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
  // Below the host's priority: two runaway queries on two cores must leave health and status their CPU.
  if (child.pid !== undefined) setPriority(child.pid, Math.min(19, getPriority() + READ_NICENESS));
  let stopped: WardenError | null = null;
  const stop = (why: WardenError) => {
    stopped ??= why;
    child.kill('SIGKILL');
  };
  const timer = setTimeout(
    () =>
      stop(
        new WardenError(
          'CANCELLED',
          `${what} was stopped after its time limit of ${limits.timeoutMs / 1000} s; nothing was changed.`,
          'Narrow it (a WHERE, a LIMIT), or give it more time.',
          { limit: 'time' },
        ),
      ),
    limits.timeoutMs,
  );
  const onAbort = () => stop(new WardenError('CANCELLED', `${what} was cancelled and stopped; nothing was changed.`, 'Run it again when you are ready.'));
  ctx.signal?.addEventListener('abort', onAbort, { once: true });
  // A cancel that came before the listener (before the worker even started the read) stops it too.
  if (ctx.signal?.aborted) onAbort();
  // The request goes on stdin: a 100,000-character query in UTF-8 can pass the 128 KB a single argument may hold.
  child.stdin.on('error', () => undefined); // a child killed before it read its request: 'close' says why
  child.stdin.end(JSON.stringify(request));
  child.on('error', (err) =>
    stop(new WardenError('INTERNAL', `${what} could not start its process: ${err.message}.`, 'Try again; if it keeps failing, report it with the query.')),
  );
  const finish = () => {
    clearTimeout(timer);
    ctx.signal?.removeEventListener('abort', onAbort);
  };
  return { child, stop, stopped: () => stopped, finish, memoryBytes, answerBytes };
}

/** What a read process answered besides rows: its limits, or a failure that is not SQLite's. */
export interface ChildReply {
  refused?: string;
  failed?: string;
  code?: string;
  tooLarge?: number;
}

/** The error a reply stands for when it is not for the caller to word (a limit, the process's own failure); null otherwise. */
export function replyError(reply: ChildReply, what: string, read: ReadChild): WardenError | null {
  if (reply.tooLarge !== undefined) return answerLimitReached(what, read.answerBytes);
  if (reply.code === 'SQLITE_NOMEM') return memoryLimitReached(what, read.memoryBytes);
  // Not SQLite's error but the process's own (its addon would not load): not the SQL's fault.
  if (reply.failed !== undefined && reply.code !== undefined && !reply.code.startsWith('SQLITE_')) {
    return new WardenError(
      'INTERNAL',
      `${what} could not open the database in its process: ${reply.failed} (${reply.code}).`,
      'Try again; if it keeps failing, report it with this message: the installation may be incomplete.',
    );
  }
  return null;
}

/** A process that ended with no (whole) answer: V8 ran out of memory under the limit (it aborts), or it died otherwise. */
export function noAnswerError(what: string, read: ReadChild, code: number | null, signal: NodeJS.Signals | null, stderr: string): WardenError {
  if (signal === 'SIGABRT' || signal === 'SIGTRAP' || /out of memory|\bOOM\b|allocation failed/i.test(stderr))
    return memoryLimitReached(what, read.memoryBytes);
  return new WardenError(
    'INTERNAL',
    `${what}'s process ended without an answer (${signal ?? `exit code ${code}`}: ${stderr.trim().split('\n').pop() || 'no output'}).`,
    'Try again; if it keeps failing, report it with the query.',
  );
}

/** The last 4 KB a read process wrote on stderr (why it died, when it did). */
export function stderrTail(read: ReadChild): () => string {
  let stderr = '';
  read.child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4096)));
  return () => stderr;
}

/**
 * Runs one read in a child process bounded in time, memory, temporary storage and answer size;
 * Cancel (ctx.signal) and the time limit kill it. `what` names the read in sentences ("The query").
 */
export function runRead(ctx: EngineContext, request: SqlRequest | PageRequest, limits: ReadLimits, what: string): Promise<ReadAnswer> {
  const read = startReadChild(ctx, request, limits, what);
  const { child } = read;
  const stderr = stderrTail(read);
  return new Promise((resolve, reject) => {
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    child.stdout.on('data', (d: Buffer) => {
      stdoutBytes += d.length;
      // The child keeps to the limit itself; this bounds the host even if it did not.
      if (stdoutBytes > read.answerBytes + MB) return read.stop(answerLimitReached(what, read.answerBytes));
      stdout.push(d);
    });
    child.on('close', (code, signal) => {
      read.finish();
      const stopped = read.stopped();
      if (stopped) return reject(stopped);
      let answer: ChildReply & { columns?: string[]; rows?: CellValue[][]; more?: boolean; total?: number | null };
      try {
        answer = JSON.parse(Buffer.concat(stdout).toString('utf8'));
      } catch {
        return reject(noAnswerError(what, read, code, signal, stderr()));
      }
      const limitOrOwn = replyError(answer, what, read);
      if (limitOrOwn) return reject(limitOrOwn);
      if (answer.refused) return resolve({ kind: 'refused', why: answer.refused });
      if (answer.failed !== undefined) return resolve({ kind: 'failed', message: answer.failed, code: answer.code });
      resolve({ kind: 'rows', columns: answer.columns ?? [], rows: answer.rows ?? [], more: answer.more ?? false, total: answer.total ?? null });
    });
  });
}
