import { closeSync, existsSync, openSync, writeSync } from 'node:fs';
import Database from 'better-sqlite3';
import { fileWriter } from '../../engine/test-support/file-writer';

// One deployment of the chat service (one VM) for deployments.test.ts: its own better-sqlite3
// connection, inserting a file with its metadata, session association and a download in the access
// log (the triggers add the upload log row and the cleanup row), one transaction per file, until
// the stop file appears.
//
//   node --import tsx deployment-worker.ts DB NAME LOG STOP JOURNAL_MODE PAUSE_MS
//
// After each COMMIT the file id is appended to LOG: every id in LOG is a write this worker saw
// committed. SQLITE_BUSY (the busy timeout ran out while the tool held the lock) is retried and
// counted; any other error is reported. The summary is printed as one JSON line on stdout.

const [dbPath, name, logPath, stopPath, journalMode, pauseArg] = process.argv.slice(2);
const pauseMs = Number(pauseArg);
/**
 * Short on purpose: while the tool migrates (write lock) or, under a rollback journal, reads
 * (a commit waits for its readers), a worker's wait runs out and it retries, as a service would:
 * the retry path is part of what is checked (no write lost, none made twice).
 */
const BUSY_TIMEOUT_MS = 250;

const summary = { name, committed: 0, retriedBusy: 0, errors: [] as string[], journalMode: '', longestWaitMs: 0 };
const nap = new Int32Array(new SharedArrayBuffer(4));
const pause = (ms: number) => Atomics.wait(nap, 0, 0, ms);

function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/** Runs `work`, retrying while SQLite answers busy. */
function retryingBusy<T>(work: () => T): T {
  for (;;) {
    try {
      return work();
    } catch (err) {
      if (!isBusy(err)) throw err;
      summary.retriedBusy++;
    }
  }
}

// The service starts before the tool has created the schema: wait for the file, then the table.
while (!existsSync(dbPath)) pause(5);
const db = new Database(dbPath, { fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
const hasSchema = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'conversation_files'").pluck();
while (!retryingBusy(() => hasSchema.get())) pause(5);
db.pragma('foreign_keys = ON');
summary.journalMode = String(retryingBusy(() => db.pragma(`journal_mode = ${journalMode}`, { simple: true })));

const store = fileWriter(db);
const upload = db.transaction((id: string, n: number) => store({ id, session: `${name}-session-${n % 20}`, n, uploader: name, downloader: name }));

const log = openSync(logPath, 'a');
let started = performance.now();
for (let n = 0; !existsSync(stopPath); ) {
  const id = `${name}-${String(n).padStart(7, '0')}`;
  try {
    // BEGIN IMMEDIATE takes the write lock up front (never a read transaction that cannot be
    // upgraded). Busy comes from BEGIN, or under a rollback journal from COMMIT (it waits for
    // readers to finish): either way the transaction is rolled back, and retried with the same id.
    upload.immediate(id, n);
  } catch (err) {
    if (isBusy(err)) {
      summary.retriedBusy++;
      continue;
    }
    summary.errors.push(`${id}: ${(err as { code?: string }).code ?? 'error'}: ${(err as Error).message}`);
    if (summary.errors.length >= 20) break;
    n++;
    started = performance.now();
    continue;
  }
  summary.longestWaitMs = Math.max(summary.longestWaitMs, Math.round(performance.now() - started));
  writeSync(log, `${id}\n`);
  summary.committed++;
  n++;
  if (pauseMs > 0) pause(pauseMs);
  started = performance.now();
}
closeSync(log);
db.close();
process.stdout.write(`${JSON.stringify(summary)}\n`);
