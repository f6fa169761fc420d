import { statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import { throwIfCancelled, type EngineContext } from '../../context';
import { WardenError } from '../../errors';
import { DEFAULT_BUSY_TIMEOUT_MS, type Connection } from './open-database';

// SQLite's online backup API (sqlite.org/backup.html) through better-sqlite3: copies the source
// page by page, in steps, reading it as SQLite sees it — what is still in its -wal included.
// Between steps the source is unlocked, so the service's writers go on.

/** The first step; later steps are sized from how long the previous one took. */
export const FIRST_STEP_PAGES = 1024;
/** How long one step should take: the granularity of progress and cancellation. */
const STEP_TARGET_MS = 100;
const MIN_STEP_PAGES = 64;
const MAX_STEP_PAGES = 1 << 20;
export const ALL_PAGES = 0x7fffffff;
const BUSY_RETRY_MS = 25;

type Operation = 'backup' | 'restore';

function lockedError(ctx: EngineContext, what: string, busyTimeoutMs: number): WardenError {
  return new WardenError(
    'LOCKED',
    `${what} could not go on: ${ctx.dbPath} stayed locked by another connection for more than ${busyTimeoutMs} ms.`,
    'Wait for the other process (a long write transaction, an open sqlite3 shell) to finish, then try again.',
  );
}

/**
 * The progress callback better-sqlite3 calls between steps; what it returns is the size of the
 * next step. It stops the copy (by throwing) when the operation is cancelled or stalls.
 */
export function stepPacer(ctx: EngineContext, operation: Operation, what: string, busyTimeoutMs: number, pageSize: number) {
  let requested = 0; // better-sqlite3's first step copies no page: it only starts the backup
  let pages = FIRST_STEP_PAGES;
  let remainingBefore = Number.POSITIVE_INFINITY;
  let stepStarted = performance.now();
  let stalledSince: number | null = null;
  return ({ totalPages, remainingPages }: { totalPages: number; remainingPages: number }): number => {
    ctx.onProgress?.({ operation, phase: 'copying pages', done: totalPages - remainingPages, total: totalPages, unit: 'pages', pageSize });
    throwIfCancelled(ctx, what);
    const now = performance.now();
    if (remainingPages < remainingBefore) {
      stalledSince = null;
      if (requested > 0 && pages !== ALL_PAGES) {
        const scaled = Math.round((requested * STEP_TARGET_MS) / Math.max(now - stepStarted, 1));
        pages = Math.min(MAX_STEP_PAGES, Math.max(MIN_STEP_PAGES, scaled));
      }
    } else {
      // No progress: another connection wrote to the source, so SQLite restarted the copy from
      // page 1, or a lock was busy. A writer that keeps committing would restart a stepwise copy
      // forever, so the rest is copied in one step — one read transaction, which no write
      // restarts (in WAL mode writers go on meanwhile; with a rollback journal they wait).
      stalledSince ??= now;
      if (now - stalledSince > busyTimeoutMs) throw lockedError(ctx, what, busyTimeoutMs);
      pages = ALL_PAGES;
    }
    remainingBefore = remainingPages;
    stepStarted = now;
    requested = pages;
    return pages;
  };
}

/** MB, for a person. */
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** A full disk under a copy (SQLite's SQLITE_FULL, or ENOSPC from a copy written by hand), said with what it needs. */
export function explainCopyError(err: unknown, destPath: string, neededBytes: number): unknown {
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (code.startsWith('SQLITE_FULL') || code === 'ENOSPC')) {
    const folder = dirname(destPath);
    const free = statfsSync(folder, { bigint: false });
    return new WardenError(
      'NO_SPACE',
      `The disk holding ${folder} is full: the copy needs about ${mb(neededBytes)} and ${mb(free.bavail * free.bsize)} is free there. Nothing was kept of the copy.`,
      `Free at least ${mb(neededBytes)} there (or choose a backup folder on another disk), then try again.`,
      undefined,
      [{ action: 'backupDir' }],
    );
  }
  return err;
}

/**
 * Copies the database open on `source` into `destPath` (a new file, or a live database that
 * other connections may have open). A cancelled or failed copy changes nothing: the backup API
 * rolls back its write transaction on the destination, and better-sqlite3 removes a destination
 * file it created. Returns the number of pages copied.
 */
export async function copyDatabase(ctx: EngineContext, source: Connection, destPath: string, operation: Operation, what: string): Promise<number> {
  const busyTimeoutMs = ctx.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  const deadline = performance.now() + busyTimeoutMs;
  const pageSize = source.pragma('page_size', { simple: true }) as number;
  for (;;) {
    throwIfCancelled(ctx, what);
    let totalPages: number;
    try {
      ({ totalPages } = await source.backup(destPath, { progress: stepPacer(ctx, operation, what, busyTimeoutMs, pageSize) }));
    } catch (err) {
      throw explainCopyError(err, destPath, pageSize * (source.pragma('page_count', { simple: true }) as number));
    }
    if (totalPages > 0) {
      ctx.onProgress?.({ operation, phase: 'copying pages', done: totalPages, total: totalPages, unit: 'pages', pageSize });
      return totalPages;
    }
    // sqlite3_backup_step answered SQLITE_BUSY before copying anything (the destination's lock
    // was taken) and better-sqlite3 reports that as an empty copy: wait, then start again.
    if (performance.now() > deadline) throw lockedError(ctx, what, busyTimeoutMs);
    await new Promise((resolve) => setTimeout(resolve, BUSY_RETRY_MS));
  }
}
