import { resolve } from 'node:path';
import type { BackupInfo, BackupReason } from '../../../shared/types/backups';
import { nowIso } from '../core/history/actor';
import { backupFolderOf, prepareBackupFolder, removeAbandonedCopies, removeDatabaseFiles, stagingPathIn } from '../core/backups/backup-folder';
import { createPrivateFile } from '../core/sqlite/private-files';
import { checkDatabaseFile, checkOpenDatabase, type DatabaseFileCheck } from '../core/sqlite/check-database-file';
import { log, type EngineContext } from '../context';
import { copyDatabase, explainCopyError } from '../core/sqlite/copy-database';
import { assertApplicationId } from '../core/state/database-state';
import { WardenError, explainFileError, explainSqliteError } from '../errors';
import { startSha256 } from '../core/sqlite/file-sha256';
import { openDatabase, withDatabase, type Connection } from '../core/sqlite/open-database';
import type { IntegrityLevel } from '../core/sqlite/integrity';
import { pinSnapshot, startSnapshotCopy, type PinnedSnapshot } from '../core/sqlite/snapshot-copy';
import { backupEvent } from '../core/history/bookkeeping';
import { recordLifecycleEvent } from '../core/history/record-lifecycle-event';
import { assertNothingActsOnHistory } from '../core/schema/unaccounted-objects';
import { publish } from '../core/backups/publish-backup';
import { applyRetention, checkKeepPerReason, DEFAULT_KEEP_PER_REASON } from '../core/backups/retention';

export interface BackupOptions {
  reason?: BackupReason;
  /** quick_check the copy before it is kept (the default); without it the backup is listed as not verified. */
  verify?: boolean;
  /**
   * Keep a copy that fails its check, marked as failed, instead of refusing it: the restore
   * keeps what it replaces even when that is damaged, since it may be all there is of it.
   */
  keepIfDamaged?: boolean;
  /** Retention applied after the backup: how many of each reason to keep. */
  keepPerReason?: number;
  /** Backups retention must leave alone this time (the one a restore is about to read). */
  spare?: string[];
}

/** What a backup took: the copy's digest, and the check of what it copied. */
interface Taken {
  sha256: string;
  bytes: number;
  sqliteVersion: string;
  check: DatabaseFileCheck;
}

const sqliteVersionOf = (db: Connection) => (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;

function assertSomethingToCopy(ctx: EngineContext, source: Connection): void {
  assertApplicationId(source.pragma('application_id', { simple: true }) as number, ctx.schema, ctx.dbPath);
  if (source.pragma('page_count', { simple: true }) === 0) {
    throw new WardenError('NOT_INITIALIZED', `${ctx.dbPath} is empty: there is nothing to back up.`, 'Initialize it first.', undefined, [
      { action: 'initialize' },
    ]);
  }
}

/**
 * One pass (snapshot-copy.ts): a worker copies and hashes the pinned snapshot while this thread
 * checks the same snapshot through the connection that pins it; the copy is never read back.
 */
async function takeInOnePass(ctx: EngineContext, pinned: PinnedSnapshot, staged: string, level: IntegrityLevel | null, options: BackupOptions): Promise<Taken> {
  const what = `The backup of ${ctx.dbPath}`;
  try {
    assertSomethingToCopy(ctx, pinned.db);
    const copy = startSnapshotCopy(ctx, pinned, staged, what);
    let check: DatabaseFileCheck;
    try {
      if (level)
        ctx.onProgress?.({
          operation: 'backup',
          phase: 'quick_check while copying',
          done: 0,
          total: pinned.pages.pageCount,
          unit: 'pages',
          pageSize: pinned.pages.pageSize,
        });
      check = checkOpenDatabase(pinned.db, ctx.dbPath, ctx.schema, level);
      if (check.integrity && !check.integrity.ok && !options.keepIfDamaged) refuseDamagedCopy(ctx, check);
    } catch (err) {
      await copy.stop();
      throw err;
    }
    const digest = await copy.done.catch(async (err: unknown) => {
      await copy.stop(); // before the files it reads are closed
      throw explainFileError(explainCopyError(err, staged, pinned.pages.pageCount * pinned.pages.pageSize), staged);
    });
    return { ...digest, sqliteVersion: sqliteVersionOf(pinned.db), check };
  } catch (err) {
    throw explainSqliteError(err, ctx.dbPath);
  } finally {
    pinned.release();
  }
}

/**
 * Where the snapshot cannot be pinned (a WAL database this process may not write to): SQLite's
 * backup API copies it, and the copy is then checked and hashed.
 */
async function takeWithBackupApi(ctx: EngineContext, staged: string, level: IntegrityLevel | null, options: BackupOptions): Promise<Taken> {
  const source = openDatabase(ctx.dbPath, { mode: 'read', busyTimeoutMs: ctx.busyTimeoutMs, singlePass: true });
  let copied: { pages: number; sqliteVersion: string };
  try {
    assertSomethingToCopy(ctx, source);
    copied = { pages: await copyDatabase(ctx, source, staged, 'backup', `The backup of ${ctx.dbPath}`), sqliteVersion: sqliteVersionOf(source) };
  } catch (err) {
    throw explainSqliteError(err, ctx.dbPath);
  } finally {
    source.close();
  }
  makeSelfContained(staged);
  const fingerprinting = startSha256(ctx, staged, 'backup', `The backup of ${ctx.dbPath}`);
  if (level) ctx.onProgress?.({ operation: 'backup', phase: 'quick_check of the copy', done: copied.pages, total: copied.pages });
  const check = checkDatabaseFile(staged, ctx.schema, level);
  if (check.integrity && !check.integrity.ok && !options.keepIfDamaged) {
    await fingerprinting.stop();
    refuseDamagedCopy(ctx, check);
  }
  return { ...(await fingerprinting.done), sqliteVersion: copied.sqliteVersion, check };
}

/**
 * A copy of a WAL database is in WAL mode too. Switched to a rollback journal, the backup is
 * one self-contained file: reading it never needs (nor creates) -wal and -shm files beside it.
 */
function makeSelfContained(staged: string): void {
  withDatabase(staged, { mode: 'write' }, (db) => db.pragma('journal_mode = DELETE'));
}

function refuseDamagedCopy(ctx: EngineContext, check: DatabaseFileCheck): never {
  const messages = (check.integrity?.messages ?? []).map((m) => m.replace(/\.$/, ''));
  throw new WardenError(
    'CORRUPT',
    `The copy of ${ctx.dbPath} fails SQLite's quick_check (${messages.slice(0, 3).join('; ')}), so ${ctx.dbPath} itself is damaged. No backup was kept.`,
    'Keep the file as it is first: a preserved copy takes it with its journal or WAL, marked damaged. Then a full check shows where the damage is.',
    { messages: messages.slice(0, 50) },
    [{ action: 'preserveCopy' }, { action: 'verify', full: true }],
  );
}

/**
 * Records the backup in the database's history. When that fails (the disk filled up with the copy),
 * the error says what the failure left: the backup taken, verified and kept; only the record missing.
 */
function recordBackup(ctx: EngineContext, info: BackupInfo): void {
  try {
    recordLifecycleEvent(ctx, backupEvent(info));
  } catch (err) {
    if (!(err instanceof WardenError)) throw err;
    throw new WardenError(
      err.code,
      `${err.message} The backup itself was taken, passed quick_check and is kept: ${info.path}. Only its record in the history of ${ctx.dbPath} is missing.`,
      err.hint,
      { ...err.details, backup: info },
      err.next,
    );
  }
}

/**
 * Takes a backup of the database: an online copy of one pinned snapshot (what is still in the
 * -wal file included; the service may keep writing), self-contained, fingerprinted as it is
 * written while quick_check checks the same snapshot, and only then given its name in the backup
 * folder with a manifest beside it. A cancelled or failed backup leaves no file. The backup is recorded in the
 * database's own schema_events after the copy (so the backup is exactly what was verified),
 * then the retention policy is applied.
 */
export async function backup(ctx: EngineContext, options: BackupOptions = {}): Promise<BackupInfo> {
  const started = performance.now();
  const createdAt = nowIso();
  const reason = options.reason ?? 'manual';
  const keepPerReason = checkKeepPerReason(options.keepPerReason ?? DEFAULT_KEEP_PER_REASON);
  // A path that names no database, or a database the backup's event could not safely be recorded
  // in, is refused before anything is created beside it.
  withDatabase(ctx.dbPath, { mode: 'read', busyTimeoutMs: ctx.busyTimeoutMs }, (db) => assertNothingActsOnHistory(db, ctx.schema));
  const folder = backupFolderOf(ctx);
  prepareBackupFolder(folder, ctx.dbPath);
  for (const entry of removeAbandonedCopies(folder))
    log(ctx, 'info', `Removed ${entry} from ${folder}: a backup that was killed before it completed left it there.`);
  const staged = stagingPathIn(folder, ctx.dbPath);
  let info: BackupInfo;
  try {
    createPrivateFile(staged, ctx.dbPath);
    const level = options.verify === false ? null : 'quick';
    const pinned = pinSnapshot(ctx);
    const { check, ...taken } = pinned ? await takeInOnePass(ctx, pinned, staged, level, options) : await takeWithBackupApi(ctx, staged, level, options);
    info = publish(folder, staged, {
      sha256: taken.sha256,
      bytes: taken.bytes,
      sourcePath: resolve(ctx.dbPath),
      applicationId: check.applicationId,
      version: check.version,
      sqliteVersion: taken.sqliteVersion,
      reason,
      createdAt,
      durationMs: Math.round(performance.now() - started),
      verified: check.integrity ? { ...check.integrity, at: nowIso() } : null,
    });
  } finally {
    removeDatabaseFiles(staged);
  }
  if (info.verified && !info.verified.ok) {
    log(
      ctx,
      'warn',
      `Kept ${info.path} although it fails quick_check: ${ctx.dbPath} is damaged, so the backup is not recorded in it (nothing is written into a damaged database).`,
    );
  } else {
    recordBackup(ctx, info);
  }
  log(ctx, 'info', `Backed up ${ctx.dbPath} to ${info.path} (${info.bytes} bytes) in ${info.durationMs} ms`);
  // Spared by name too: a backup another process numbered alike at the same moment may sort above it.
  applyRetention(ctx, keepPerReason, [...(options.spare ?? []), info.path]);
  return info;
}

/**
 * The safety net under every destructive action (migrate, repair, restore): a backup that
 * passed quick_check, or an error that says why none could be taken.
 */
export function takeVerifiedBackup(ctx: EngineContext, reason: BackupReason): Promise<BackupInfo> {
  return backup(ctx, { reason, verify: true });
}
