import { existsSync } from 'node:fs';
import type { BackupInfo, InitializeResult, MigrateResult, MigrationPlan } from '../../shared/types';
import { bringToVersion } from './apply-migrations';
import { currentVersionOf, readAppliedVersions } from './bookkeeping';
import { takeVerifiedBackup } from './backup';
import { log, type EngineContext } from './context';
import { WardenError } from './errors';
import { expectedSchemaAt } from './expected-schema';
import { assertRunnable, planOn } from './migration-plan';
import { withDatabase, type Connection } from './open-database';
import { integrityOf } from './integrity';

export interface InitializeOptions {
  /** Version to create or bring the database to; the latest known by default. */
  to?: string;
  /**
   * Take a verified pre-migrate backup before migrating an existing database (the default).
   * false opts out; a fresh database never needs one.
   */
  backup?: boolean;
  /**
   * Run SQLite's quick_check on an existing database first and refuse a damaged one (the default):
   * the start gate must not let a service start on a corrupt file. false skips it, for a caller
   * that has just checked the file itself.
   */
  integrityCheck?: boolean;
}

/**
 * Makes sure the database exists at the target version: creates a fresh one, migrates an older
 * one (after a verified backup), adopts and migrates one the service made (after a verified
 * backup), does nothing to one that is up to date. Safe to call from many processes at once.
 */
export function initialize(ctx: EngineContext, options: InitializeOptions = {}): Promise<MigrateResult> {
  return upgrade(ctx, options, true);
}

/** The plan from the database's version to `target`, or the error that says why it cannot run. */
function runnablePlan(ctx: EngineContext, db: Connection, target: string): MigrationPlan {
  const migrationPlan = planOn(db, ctx, target);
  assertRunnable(migrationPlan);
  return migrationPlan;
}

/** Takes the pre-migrate backup when an existing database has versions pending or is to be adopted. */
async function backupIfPending(ctx: EngineContext, options: InitializeOptions, target: string): Promise<BackupInfo | null> {
  if (options.backup === false || !existsSync(ctx.dbPath)) return null;
  // Opened for writing, so a read-only or refused database fails here, before any backup is taken.
  const pending = withDatabase(ctx.dbPath, { mode: 'write', busyTimeoutMs: ctx.busyTimeoutMs }, (db) => {
    const migrationPlan = runnablePlan(ctx, db, target);
    return migrationPlan.adopt !== null || (migrationPlan.from !== null && migrationPlan.steps.length > 0);
  });
  return pending ? takeVerifiedBackup(ctx, 'pre-migrate') : null;
}

/** Refuses a database whose pages SQLite's quick_check finds damaged: the gate's answer must be no. */
function assertIntact(ctx: EngineContext): void {
  if (!existsSync(ctx.dbPath)) return;
  const integrity = withDatabase(ctx.dbPath, { mode: 'read', busyTimeoutMs: ctx.busyTimeoutMs }, (db) => integrityOf(db, 'quick'));
  if (integrity.ok) return;
  const shown = integrity.messages.slice(0, 3).join('; ');
  throw new WardenError(
    'CORRUPT',
    `${ctx.dbPath} is damaged: SQLite's quick_check found ${integrity.messages.length} problem${integrity.messages.length === 1 ? '' : 's'} (${shown}). Nothing was changed, and a service must not start on it.`,
    `Restore the newest verified backup (warden backups --db ${ctx.dbPath} lists them; warden restore --db ${ctx.dbPath} --backup FILE), or salvage what can be read into a new file. Copy the damaged file aside first.`,
    { integrity },
  );
}

/** A failure after the pre-migrate backup says which backup brings the database back, and how. */
function pointAtBackup(err: unknown, ctx: EngineContext, backup: BackupInfo): unknown {
  if (!(err instanceof WardenError)) return err;
  const restore = `To return to where it was before this migrate (version ${backup.version ?? 'none'}), restore the backup taken first: warden restore --db ${ctx.dbPath} --backup ${backup.path}`;
  return new WardenError(err.code, err.message, err.hint ? `${err.hint} ${restore}` : restore, { ...err.details, backup: backup.path });
}

function migrateOpen(ctx: EngineContext, db: Connection, target: string, backup: BackupInfo | null): InitializeResult {
  runnablePlan(ctx, db, target);
  const outcome = bringToVersion(ctx, db, target, backup);
  // Read again: while this process waited for the lock, others may have taken the database further than its plan knew.
  const to = currentVersionOf(readAppliedVersions(db)) ?? target;
  const changed = outcome.applied.length > 0 || outcome.adopted !== null;
  log(ctx, 'info', changed ? `${ctx.dbPath} is now at ${to}` : `${ctx.dbPath} is already at ${to}; nothing to do`);
  return { path: ctx.dbPath, from: outcome.from, to, applied: outcome.applied, upToDate: !changed, adopted: outcome.adopted };
}

/** The work of initialize and migrate; only initialize may create the file. */
export async function upgrade(ctx: EngineContext, options: InitializeOptions, create: boolean): Promise<MigrateResult> {
  const target = options.to ?? ctx.schema.latest;
  // Replaying the migrations in memory first refuses a broken schema folder before the file is touched.
  expectedSchemaAt(ctx.schema, target);
  if (options.integrityCheck !== false) assertIntact(ctx);
  const backup = await backupIfPending(ctx, options, target);
  try {
    const result = withDatabase(ctx.dbPath, { mode: 'write', create, busyTimeoutMs: ctx.busyTimeoutMs }, (db) => migrateOpen(ctx, db, target, backup));
    return { ...result, backup };
  } catch (err) {
    throw backup ? pointAtBackup(err, ctx, backup) : err;
  }
}
