import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { ForeignKeyViolation } from '../../../../shared/types/integrity';
import { throwIfCancelled, type EngineContext } from '../../context';
import { WardenError } from '../../errors';
import { DEFAULT_BUSY_TIMEOUT_MS, type Connection } from './open-database';
import { pinSnapshot, snapshotReader, type PinnedSnapshot } from './snapshot-copy';
import { sqliteAddonPath } from './sqlite-addon';
import { lockBytePage, type PageReader } from '../sqlite-file/page-source';

// `verify --full` on every core (issue 25). SQLite's whole-file integrity_check runs on one core.
// Here it is split the way SQLite itself allows: `PRAGMA integrity_check(T)` checks table T and
// its indexes (the b-trees, their cells and overflow chains, each row against each index, NOT
// NULL and CHECK), one table at a time on worker threads, with foreign_key_check per table
// beside them. What a per-table check leaves out is the file's page accounting: pages no b-tree
// and no freelist uses ("never used"), a page two b-trees share, and the freelist itself. That
// is checked here, on the main thread, from the snapshot: every b-tree page from SQLite's dbstat,
// the freelist followed page by page, the lock-byte page set aside.
//
// The answer is only ever "ok" from here. Where any part finds anything, or cannot tell (a
// damaged page stops dbstat), the caller runs SQLite's whole-file check and reports what that
// says: the findings of a damaged file are exactly the whole check's, by construction, and
// equivalence reduces to "this says ok only where the whole check says ok", which the tests
// prove on corrupt files of each kind.
//
// Each worker's read transaction is its own snapshot. A commit between them can only make the
// parts disagree (a page allocated after the accounting was read), which reads as doubt and
// sends the check to the whole-file path: slower, never wrong.

export interface ParallelCheck {
  ok: true;
  violations: ForeignKeyViolation[];
}

type Job = { id: number; kind: 'integrity' | 'foreign_keys'; table: string };
type Answer = { id: number; rows?: unknown[]; error?: string };

// Plain CommonJS in a string, as the backup's copier: it runs the same under tsx, Vitest and a bundle.
const CHECKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const { path, busyTimeoutMs, nativeBinding } = workerData;
const db = new Database(path, { readonly: true, fileMustExist: true, timeout: busyTimeoutMs, ...(nativeBinding ? { nativeBinding } : {}) });
const quoted = (name) => '"' + name.replace(/"/g, '""') + '"';
parentPort.on('message', (job) => {
  try {
    const rows = job.kind === 'integrity'
      ? db.prepare('PRAGMA integrity_check(' + quoted(job.table) + ')').pluck().all()
      : db.prepare('SELECT * FROM pragma_foreign_key_check(?)').all(job.table);
    parentPort.postMessage({ id: job.id, rows });
  } catch (err) {
    parentPort.postMessage({ id: job.id, error: String(err && err.message) });
  }
});
`;

/** How many threads check at once: every core (the accounting shares the main thread). */
function threadCount(jobs: number): number {
  return Math.max(1, Math.min(availableParallelism(), jobs));
}

/**
 * The file's page accounting from the snapshot: false where a page is used twice, a page is used
 * by nothing, or the freelist cannot be followed or disagrees with its count in the header.
 * Also returns the pages of each b-tree, so the largest tables are checked first.
 */
function pagesAccountedFor(db: Connection, reader: PageReader): { ok: boolean; pagesOf: Map<string, number> } {
  const pagesOf = new Map<string, number>();
  const used = new Uint8Array(reader.pageCount + 1);
  const use = (pgno: number): boolean => {
    if (pgno < 1 || pgno > reader.pageCount || used[pgno]) return false;
    used[pgno] = 1;
    return true;
  };
  try {
    for (const [name, pgno] of db.prepare('SELECT name, pageno FROM dbstat').raw().iterate() as Iterable<[string, number]>) {
      if (!use(pgno)) return { ok: false, pagesOf };
      pagesOf.set(name, (pagesOf.get(name) ?? 0) + 1);
    }
  } catch (err) {
    if (String((err as { code?: unknown }).code).startsWith('SQLITE_CORRUPT')) return { ok: false, pagesOf };
    throw err;
  }
  const page1 = reader.read(1);
  if (!page1) return { ok: false, pagesOf };
  // fileformat2 §1.5: the first trunk at offset 32, the count of freelist pages at 36.
  let free = 0;
  for (let trunk = page1.readUInt32BE(32); trunk !== 0; ) {
    const data = use(trunk) ? reader.read(trunk) : null;
    if (!data) return { ok: false, pagesOf };
    const leaves = data.readUInt32BE(4);
    if (leaves > reader.usableSize / 4 - 2) return { ok: false, pagesOf };
    for (let k = 0; k < leaves; k++) if (!use(data.readUInt32BE(8 + 4 * k))) return { ok: false, pagesOf };
    free += 1 + leaves;
    trunk = data.readUInt32BE(0);
  }
  if (free !== page1.readUInt32BE(36)) return { ok: false, pagesOf };
  const lockByte = lockBytePage(reader.pageSize);
  if (lockByte <= reader.pageCount) used[lockByte] = 1;
  for (let pgno = 1; pgno <= reader.pageCount; pgno++) if (!used[pgno]) return { ok: false, pagesOf };
  return { ok: true, pagesOf };
}

/** The tables to check, each with the b-trees its check reads (its own and its indexes'). */
function tablesOf(db: Connection): Map<string, string[]> {
  const rows = db.prepare("SELECT type, name, tbl_name FROM sqlite_schema WHERE type IN ('table', 'index')").all() as {
    type: string;
    name: string;
    tbl_name: string;
  }[];
  const trees = new Map<string, string[]>([['sqlite_schema', ['sqlite_schema']]]);
  for (const r of rows) if (r.type === 'table') trees.set(r.name, [r.name]);
  for (const r of rows) if (r.type === 'index') trees.get(r.tbl_name)?.push(r.name);
  return trees;
}

/**
 * The full check on every core: null where it cannot be done this way (one core, an auto-vacuum
 * file whose pointer map only the whole check follows, a snapshot that cannot be pinned) and
 * false where any part found anything or could not tell: in both cases the caller runs SQLite's
 * whole-file integrity_check and foreign_key_check instead.
 */
export async function checkInParallel(ctx: EngineContext): Promise<ParallelCheck | false | null> {
  if (availableParallelism() < 2) return null;
  const pinned = pinSnapshot(ctx);
  if (!pinned) return null;
  let released = false;
  const release = () => {
    if (!released) pinned.release();
    released = true;
  };
  const workers: Worker[] = [];
  try {
    if (pinned.db.pragma('auto_vacuum', { simple: true }) !== 0) return null;
    return await checkPinned(ctx, pinned, release, workers);
  } finally {
    release();
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

async function checkPinned(ctx: EngineContext, pinned: PinnedSnapshot, release: () => void, workers: Worker[]): Promise<ParallelCheck | false> {
  const trees = tablesOf(pinned.db);
  const jobs: Job[] = [];
  for (const table of trees.keys()) {
    jobs.push({ id: jobs.length, kind: 'integrity', table });
    if (table !== 'sqlite_schema') jobs.push({ id: jobs.length, kind: 'foreign_keys', table });
  }
  // Until the accounting says how large each table is, the ones with the most indexes go first.
  jobs.sort((a, b) => (trees.get(b.table)?.length ?? 0) - (trees.get(a.table)?.length ?? 0));
  const module = createRequire(import.meta.url).resolve('better-sqlite3');
  const workerData = { module, path: ctx.dbPath, busyTimeoutMs: ctx.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS, nativeBinding: sqliteAddonPath() };
  for (let n = threadCount(jobs.length); n > 0; n--) workers.push(new Worker(CHECKER_SOURCE, { eval: true, workerData }));

  const violations: ForeignKeyViolation[] = [];
  let pagesOf = new Map<string, number>();
  const weight = (job: Job) => (job.kind === 'integrity' ? (trees.get(job.table) ?? []).reduce((sum, tree) => sum + (pagesOf.get(tree) ?? 0), 0) : 0);
  const totalPages = pinned.pages.pageCount;
  const pageSize = pinned.pages.pageSize;
  let checkedPages = 0;
  const progress = () =>
    ctx.onProgress?.({
      operation: 'verify',
      phase: `integrity_check on ${workers.length} threads`,
      done: Math.min(checkedPages, totalPages),
      total: totalPages,
      unit: 'pages',
      pageSize,
    });

  let stopWaiting = (_ok: boolean) => {};
  let cancel = (_err: Error) => {};
  const onAbort = () => cancel(new WardenError('CANCELLED', 'Verification was cancelled; nothing was changed.', 'Run it again when you are ready.'));
  const finished = new Promise<boolean>((resolve, reject) => {
    stopWaiting = resolve;
    cancel = reject;
    let running = 0;
    let doubt = false;
    const next = (worker: Worker) => {
      const job = doubt ? undefined : jobs.shift();
      if (!job) {
        if (running === 0) resolve(!doubt);
        return;
      }
      running++;
      worker.once('message', (answer: Answer) => {
        running--;
        if (answer.error !== undefined) doubt = true;
        else if (job.kind === 'integrity') {
          if (answer.rows?.length !== 1 || answer.rows[0] !== 'ok') doubt = true;
          checkedPages += weight(job);
          progress();
        } else {
          for (const r of answer.rows as { table: string; rowid: number | null; parent: string; fkid: number }[]) {
            violations.push({ table: r.table, rowid: r.rowid, parent: r.parent, constraintIndex: r.fkid });
          }
        }
        next(worker);
      });
      worker.postMessage(job);
    };
    for (const worker of workers) {
      worker.on('error', reject);
      next(worker);
    }
  });
  ctx.signal?.addEventListener('abort', onAbort, { once: true });
  finished.then(
    () => ctx.signal?.removeEventListener('abort', onAbort),
    () => ctx.signal?.removeEventListener('abort', onAbort),
  );

  // The accounting runs here while the workers check. Then the snapshot is let go: in rollback
  // mode its SHARED lock, held while a writer waits (PENDING) for it, would keep the workers from
  // starting their next table. The rest of the tables go largest first.
  throwIfCancelled(ctx, 'Verification');
  progress();
  const accounting = pagesAccountedFor(pinned.db, snapshotReader(pinned));
  release();
  if (!accounting.ok) {
    stopWaiting(false);
    return false;
  }
  pagesOf = accounting.pagesOf;
  jobs.sort((a, b) => weight(b) - weight(a));
  return (await finished) ? { ok: true, violations } : false;
}
