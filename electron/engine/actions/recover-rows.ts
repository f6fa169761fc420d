import type { BackupInfo } from '../../../shared/types/backups';
import type { RecoverRowsResult, RecoveredTable } from '../../../shared/types/repair';
import { takeVerifiedBackup } from './backup';
import { recordEvent } from '../core/history/bookkeeping';
import type { EngineContext } from '../context';
import { assertWritable, readDatabaseState } from '../core/state/database-state';
import { WardenError, explainSqliteError } from '../errors';
import { toolTablesOf } from '../core/schema/introspect';
import { orphanedRows } from '../core/repair/lost-rows';
import { openDatabase } from '../core/sqlite/open-database';
import { judgeBackup, trustedOrRefused } from '../core/backups/judge-backup';
import { inWriteTransaction } from '../core/sqlite/write-transaction';
import { copyRows, counts, planRecovery } from '../core/data/copy-missing-rows';

// Copies back, from a verified backup, the rows a table has lost: matched by primary key, never
// overwriting a live row, parents before children (the children of the recovered rows come with
// them), in one write transaction that may leave old orphans but must add none.

export interface RecoverRowsOptions {
  table: string;
  /** The backup's file name in the backup folder, or an absolute path. */
  backup: string;
  /** Count what would be copied, and write nothing. */
  dryRun?: boolean;
}

/** The path of a backup recover-rows may read: one the one judgement of a backup trusts (judge-backup.ts). */
export async function trustedBackupPath(ctx: EngineContext, backup: string): Promise<string> {
  return trustedOrRefused(await judgeBackup(ctx, { backup }), 'copy rows from').path;
}

/**
 * Copies back from a verified backup the rows of `table` (and of its children, for the recovered
 * rows) whose primary key the live database lacks, in one write transaction with a 'recover-rows'
 * event and foreign_key_check before COMMIT, after a verified pre-recover backup.
 */
export async function recoverRows(ctx: EngineContext, options: RecoverRowsOptions): Promise<RecoverRowsResult> {
  if (toolTablesOf(ctx.schema).has(options.table.toLowerCase())) {
    throw new WardenError(
      'INVALID_INPUT',
      `${options.table} is Schema Warden's own history: its rows are not recovered one by one.`,
      'Restore the whole backup instead: the history is carried across.',
      undefined,
      [{ action: 'restore' }],
    );
  }
  const backupPath = await trustedBackupPath(ctx, options.backup);
  const db = openDatabase(ctx.dbPath, { mode: options.dryRun ? 'read' : 'write', busyTimeoutMs: ctx.busyTimeoutMs });
  const source = openDatabase(backupPath, { mode: 'read' });
  try {
    const state = readDatabaseState(db, ctx.schema);
    assertWritable(state, ctx.schema, ctx.dbPath);
    const planned = planRecovery(db, source, options.table, backupPath);
    const result = (tables: RecoveredTable[], preRecoverBackup: BackupInfo | null, dryRun: boolean): RecoverRowsResult => ({
      path: ctx.dbPath,
      table: options.table,
      backup: backupPath,
      dryRun,
      tables,
      orphanedRows: orphanedRows(db),
      preRecoverBackup,
    });
    if (options.dryRun || planned.every((p) => p.rows.length === 0)) return result(counts(planned), null, Boolean(options.dryRun));
    const preRecover = await takeVerifiedBackup(ctx, 'pre-recover');
    const copied = inWriteTransaction(
      db,
      ctx.dbPath,
      () => {
        // Planned again under the write lock: rows may have been written meanwhile.
        const now = planRecovery(db, source, options.table, backupPath);
        copyRows(db, now);
        recordEvent(db, ctx.schema, {
          action: 'recover-rows',
          version: readDatabaseState(db, ctx.schema).current,
          outcome: 'ok',
          detail: { table: options.table, backup: backupPath, tables: counts(now), preRecoverBackup: preRecover.path },
        });
        return counts(now);
      },
      { keepPreexistingViolations: true },
    );
    return result(copied, preRecover, false);
  } catch (err) {
    throw explainSqliteError(err, ctx.dbPath);
  } finally {
    source.close();
    db.close();
  }
}
