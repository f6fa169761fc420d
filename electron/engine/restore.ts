import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { BackupInfo, RestoreResult } from '../../shared/types';
import { backup } from './backup';
import { log, type EngineContext } from './context';
import { copyDatabase } from './copy-database';
import { assertApplicationId } from './database-state';
import { WardenError, explainSqliteError } from './errors';
import { openDatabase, statDatabasePath, withDatabase } from './open-database';
import { recordLifecycleEvent } from './record-lifecycle-event';
import { assertNothingActsOnHistory } from './unaccounted-objects';
import { examineBackup, type BackupExamination } from './verify-backup';

export interface RestoreOptions {
  /** The backup's file name in the backup folder, or an absolute path. */
  backup: string;
}

/** The backup's manifest when the backup can be trusted; otherwise the error that says why not. */
function trustedManifest(ctx: EngineContext, exam: BackupExamination): BackupInfo {
  const v = exam.verification;
  if (exam.foreignApplicationId !== null) {
    throw new WardenError(
      'FOREIGN_APPLICATION',
      `Refusing to restore ${v.path} into ${ctx.dbPath}: the backup belongs to another application (application_id ${exam.foreignApplicationId}, while ${ctx.schema.name} uses ${ctx.schema.applicationId}). Nothing was changed.`,
      `Check --backup, --db and --schema: restore a backup of this database (warden backups --db ${ctx.dbPath} lists them).`,
    );
  }
  if (!v.ok || !exam.manifest) {
    const plainCopy = exam.manifest ? '' : ' To restore from a plain copy of the database, back it up first (warden backup --db COPY), then restore that backup.';
    throw new WardenError(
      'BACKUP_INVALID',
      `Refusing to restore from ${v.path}: ${v.problems.join(' ')} Nothing was changed.`,
      `Pick another backup (warden backups --db ${ctx.dbPath} lists them, newest first) and check it with warden verify-backup.${plainCopy}`,
      { problems: v.problems, hashMatches: v.hashMatches, integrity: v.integrity },
    );
  }
  return exam.manifest;
}

/**
 * How many pages the live database has (0: none yet), after making sure it may be replaced:
 * writable, of this application, and readable by SQLite — a restore writes through SQLite and
 * first backs up what it replaces.
 */
function livePageCount(ctx: EngineContext): number {
  if (statDatabasePath(ctx.dbPath) === null) return 0;
  try {
    return withDatabase(ctx.dbPath, { mode: 'write', busyTimeoutMs: ctx.busyTimeoutMs }, (db) => {
      assertApplicationId(db.pragma('application_id', { simple: true }) as number, ctx.schema, ctx.dbPath);
      return db.pragma('page_count', { simple: true }) as number;
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

/**
 * Writes the backup into the live database through SQLite's backup API: one write transaction
 * on the live file, so connections other processes hold open see the restored database on
 * their next read, and whatever its -wal and -shm held is superseded rather than replayed.
 */
async function copyBackupInto(ctx: EngineContext, backupPath: string): Promise<void> {
  mkdirSync(dirname(ctx.dbPath), { recursive: true });
  const source = openDatabase(backupPath, { mode: 'read' });
  try {
    await copyDatabase(ctx, source, ctx.dbPath, 'restore', `The restore of ${ctx.dbPath}`);
  } catch (err) {
    throw explainSqliteError(err, ctx.dbPath);
  } finally {
    source.close();
  }
}

/**
 * Restores the database from a backup. Refuses, changing nothing, a backup whose SHA-256 or
 * quick_check fails or that belongs to another application. Otherwise backs up the current
 * database first (reason pre-restore, so the restore can be undone), restores, and records the
 * restore in the restored database's schema_events.
 */
export async function restore(ctx: EngineContext, options: RestoreOptions): Promise<RestoreResult> {
  const exam = await examineBackup(ctx, { backup: options.backup });
  const restoredFrom = trustedManifest(ctx, exam);
  const backupPath = exam.verification.path;
  // The restore ends by recording an event in the restored file: refused before the cut-over, not after it.
  withDatabase(backupPath, { mode: 'read' }, (db) => assertNothingActsOnHistory(db, ctx.schema));
  const preRestoreBackup = livePageCount(ctx) > 0 ? await backup(ctx, { reason: 'pre-restore', keepIfDamaged: true, spare: [backupPath] }) : null;
  await copyBackupInto(ctx, backupPath);
  recordLifecycleEvent(ctx, {
    action: 'restore',
    version: exam.verification.version,
    outcome: 'ok',
    detail: { from: backupPath, sha256: restoredFrom.sha256, takenAt: restoredFrom.createdAt, preRestoreBackup: preRestoreBackup?.path ?? null },
  });
  log(ctx, 'info', `Restored ${ctx.dbPath} from ${backupPath}${preRestoreBackup ? `; what it replaced is in ${preRestoreBackup.path}` : ''}`);
  return { path: ctx.dbPath, restoredFrom, preRestoreBackup, version: exam.verification.version };
}
