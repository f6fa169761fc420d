import { copyFileSync } from 'node:fs';
import type { BackupInfo, RestorePreview, RestoreResult } from '../../../shared/types/backups';
import { backupFolderOf, prepareBackupFolder, removeAbandonedCopies, removeDatabaseFiles, stagingPathIn } from '../core/backups/backup-folder';
import { backupEvent, currentVersionOf, readAppliedVersions, recordEvent } from '../core/history/bookkeeping';
import { carryHistory } from '../core/history/carry-history';
import { log, throwIfCancelled, type EngineContext } from '../context';
import { assertApplicationId } from '../core/state/database-state';
import { explainFileError, WardenError } from '../errors';
import { sha256FileSync } from '../core/sqlite/file-sha256';
import { openDatabase, statDatabasePath, withDatabase, type Connection } from '../core/sqlite/open-database';
import { restoreDiff } from '../core/backups/restore-diff';
import { writeInOneCutOver, takePreRestoreBackup } from '../core/backups/restore-cut-over';
import { applyRetention, DEFAULT_KEEP_PER_REASON } from '../core/backups/retention';
import { judgeBackup, trustedOrRefused } from '../core/backups/judge-backup';
import { assertNothingActsOnHistory } from '../core/schema/unaccounted-objects';
import { versionOrder } from '../core/schema/version-order';

export interface RestoreOptions {
  /** The backup's file name in the backup folder, or an absolute path. */
  backup: string;
}

interface TrustedBackup {
  path: string;
  manifest: BackupInfo;
  /** The version its content was checked against. */
  version: string;
}

/** The backup when the one judgement of backups (judge-backup.ts) finds it sound; otherwise the error that says why not. */
async function trustedBackup(ctx: EngineContext, backup: string): Promise<TrustedBackup> {
  return trustedOrRefused(await judgeBackup(ctx, { backup }), 'restore');
}

interface LiveDatabase {
  /** null: not versioned. */
  version: string | null;
  pageSize: number;
  wal: boolean;
}

/**
 * What the live database is (null: no database yet), after making sure a
 * restore may replace it — writable, of this application, readable by SQLite — without writing a
 * byte to it: a refused restore leaves the file as it was.
 */
function inspectLive(ctx: EngineContext): LiveDatabase | null {
  const stats = statDatabasePath(ctx.dbPath);
  if (stats === null || stats.size === 0) return null;
  if ((stats.mode & 0o222) === 0) {
    throw new WardenError(
      'READ_ONLY',
      `Refusing to restore into ${ctx.dbPath}: the file is read-only (its permissions allow no writing). Nothing was changed.`,
      `Make it writable (chmod u+w ${ctx.dbPath}) if replacing it is intended, then try again.`,
    );
  }
  try {
    return withDatabase(ctx.dbPath, { mode: 'read', busyTimeoutMs: ctx.busyTimeoutMs }, (db) => {
      assertApplicationId(db.pragma('application_id', { simple: true }) as number, ctx.schema, ctx.dbPath);
      return {
        version: currentVersionOf(readAppliedVersions(db, ctx.schema)),
        pageSize: db.pragma('page_size', { simple: true }) as number,
        wal: db.pragma('journal_mode', { simple: true }) === 'wal',
      };
    });
  } catch (err) {
    if (err instanceof WardenError && (err.code === 'NOT_A_DATABASE' || err.code === 'CORRUPT')) {
      throw new WardenError(
        err.code,
        `${err.message} The restore cannot back it up first nor write into it through SQLite, so it will not replace it in place. Nothing was changed.`,
        `Move it aside with its -wal and -shm files (mv ${ctx.dbPath} ${ctx.dbPath}.damaged), then run the restore again: it restores into a new file.`,
      );
    }
    throw err;
  }
}

function downgradeFrom(ctx: EngineContext, liveVersion: string | null, version: string): string | null {
  const order = versionOrder(ctx.schema);
  return liveVersion !== null && order.valid(liveVersion) && order.lt(version, liveVersion) ? liveVersion : null;
}

/**
 * What a restore from `backup` would do, checked as the restore checks it (bytes and content),
 * changing nothing: shown before a person confirms, so a downgrade is said before it happens.
 */
export async function previewRestore(ctx: EngineContext, options: RestoreOptions & { compareRows?: boolean }): Promise<RestorePreview> {
  const trusted = await trustedBackup(ctx, options.backup);
  const live = inspectLive(ctx);
  return withDatabase(trusted.path, { mode: 'read', leaveNoFiles: true }, (backupDb) => {
    const { version } = trusted;
    const liveVersion = live?.version ?? null;
    const preview: RestorePreview = { from: trusted.path, version, liveVersion, downgrade: downgradeFrom(ctx, liveVersion, version) !== null };
    // The live file is only read, on a connection of its own (never ATTACHed to).
    if (live && options.compareRows !== false)
      preview.tables = withDatabase(ctx.dbPath, { mode: 'read', busyTimeoutMs: ctx.busyTimeoutMs }, (liveDb) => restoreDiff(ctx, liveDb, backupDb));
    return preview;
  });
}

/**
 * SQLite's backup API keeps a WAL database's page size and cannot write pages of another size
 * into it (sqlite.org/c3ref/backup_finish.html): refused before anything is written.
 */
function assertSamePageSize(ctx: EngineContext, live: LiveDatabase | null, source: Connection, backupPath: string): void {
  const pageSize = source.pragma('page_size', { simple: true }) as number;
  if (!live?.wal || live.pageSize === pageSize) return;
  throw new WardenError(
    'NOT_SUPPORTED',
    `Refusing to restore ${backupPath} into ${ctx.dbPath}: the backup's pages are ${pageSize} bytes and the WAL database's ${live.pageSize}, and SQLite cannot write one into the other in place. Nothing was changed.`,
    `Stop the service, move the database aside with its -wal and -shm files (mv ${ctx.dbPath} ${ctx.dbPath}.replaced), then run the restore again: it restores into a new file.`,
  );
}

/** A copy of the backup to write from: the restore adds the carried history to it, never to the backup itself. */
function stageBackup(trusted: TrustedBackup, staged: string): void {
  copyFileSync(trusted.path, staged);
  // The backup was examined a moment ago; the copy must be those same bytes.
  if (sha256FileSync(staged).sha256 !== trusted.manifest.sha256) {
    throw new WardenError(
      'BACKUP_INVALID',
      `Refusing to restore ${trusted.path}: it changed while the restore was reading it. Nothing was changed.`,
      'Make sure nothing writes to the backup, then try again.',
    );
  }
}

interface CutOver {
  preRestoreBackup: BackupInfo | null;
  downgradedFrom: string | null;
  carriedEvents: number;
}

/**
 * The work done while the live database's write lock is held: the pre-restore backup, then the
 * replaced database's history carried into the content being restored, with the pre-restore
 * backup and the restore recorded after it — all in the file the cut-over writes.
 */
async function underTheLock(ctx: EngineContext, folder: string, source: Connection, trusted: TrustedBackup, version: string): Promise<CutOver> {
  ctx.onProgress?.({ operation: 'restore', phase: 'copying pages', done: 0, total: 1 });
  throwIfCancelled(ctx, `The restore of ${ctx.dbPath}`);
  const sqliteVersion = (source.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  const pre = await takePreRestoreBackup(ctx, folder, sqliteVersion);
  const downgradedFrom = downgradeFrom(ctx, pre?.version ?? null, version);
  let carriedEvents = 0;
  let notCarried: string | null = null;
  source.transaction(() => {
    if (pre) {
      try {
        carriedEvents = withDatabase(pre.path, { mode: 'read', leaveNoFiles: true }, (replaced) => carryHistory(replaced, source, ctx.dbPath, ctx.schema));
      } catch (err) {
        // A damaged database may not give its history back; the restore that replaces it must still run.
        if (!(err instanceof WardenError && (err.code === 'CORRUPT' || err.code === 'NOT_A_DATABASE' || err.code === 'SCHEMA_DRIFT'))) throw err;
        notCarried = err.message;
        log(ctx, 'warn', `The history of ${ctx.dbPath} could not be carried into the restored database (${err.message}); it stays in ${pre.path}.`);
      }
      recordEvent(source, ctx.schema, backupEvent(pre));
    }
    recordEvent(source, ctx.schema, {
      action: 'restore',
      version,
      outcome: 'ok',
      detail: {
        from: trusted.path,
        sha256: trusted.manifest.sha256,
        takenAt: trusted.manifest.createdAt,
        preRestoreBackup: pre?.path ?? null,
        carriedEvents,
        downgradedFrom,
        ...(notCarried ? { historyNotCarried: notCarried } : {}),
      },
    });
  })();
  return { preRestoreBackup: pre, downgradedFrom, carriedEvents };
}

/**
 * Restores the database from a backup, in one cut-over (restore-cut-over.ts). Refuses, changing
 * nothing, a backup whose bytes (SHA-256, quick_check) or content (application, version, schema:
 * backup-content.ts) cannot be trusted, and a live file it may not replace. Otherwise, under the
 * live database's write lock: backs up what it replaces (reason pre-restore, so the restore can be
 * undone), carries its history across, records the restore, and writes the backup in.
 */
export async function restore(ctx: EngineContext, options: RestoreOptions): Promise<RestoreResult> {
  const trusted = await trustedBackup(ctx, options.backup);
  const live = inspectLive(ctx);
  const folder = backupFolderOf(ctx);
  prepareBackupFolder(folder, ctx.dbPath);
  for (const entry of removeAbandonedCopies(folder))
    log(ctx, 'info', `Removed ${entry} from ${folder}: a backup or restore that was killed before it completed left it there.`);
  const staged = stagingPathIn(folder, ctx.dbPath);
  const { version } = trusted;
  let cut: CutOver;
  try {
    try {
      stageBackup(trusted, staged);
    } catch (err) {
      const explained = explainFileError(err, staged);
      throw explained instanceof WardenError
        ? new WardenError(explained.code, `${explained.message} The restore had not begun: the database is as it was.`, explained.hint)
        : err;
    }
    const source = openDatabase(staged, { mode: 'write' });
    try {
      // The staged copy holds the judged bytes (stageBackup compared their SHA-256), so its content is the judged content.
      // The restore records its events in the restored file: an object acting on history is refused before the cut-over.
      assertNothingActsOnHistory(source, ctx.schema);
      assertSamePageSize(ctx, live, source, trusted.path);
      cut = await writeInOneCutOver(
        ctx,
        source,
        () => underTheLock(ctx, folder, source, trusted, version),
        (done) => (done.preRestoreBackup ? `What the database held before the restore is also kept in ${done.preRestoreBackup.path}.` : ''),
      );
    } finally {
      source.close();
    }
  } finally {
    removeDatabaseFiles(staged);
  }
  const { preRestoreBackup, downgradedFrom, carriedEvents } = cut;
  ctx.onProgress?.({ operation: 'restore', phase: 'copying pages', done: 1, total: 1 });
  applyRetention(ctx, DEFAULT_KEEP_PER_REASON, [trusted.path, ...(preRestoreBackup ? [preRestoreBackup.path] : [])]);
  const downgrade = downgradedFrom ? ` It was at ${downgradedFrom}: this is a downgrade to ${version}.` : '';
  log(ctx, 'info', `Restored ${ctx.dbPath} from ${trusted.path}${preRestoreBackup ? `; what it replaced is in ${preRestoreBackup.path}` : ''}.${downgrade}`);
  return { path: ctx.dbPath, restoredFrom: trusted.manifest, preRestoreBackup, version, downgradedFrom, carriedEvents };
}
