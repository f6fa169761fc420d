import { existsSync } from 'node:fs';
import type { BackupInfo } from '../../../shared/types/backups';
import type { CheckedIntegrity } from '../../../shared/types/integrity';
import type { InitializeResult, MigrateResult, MigrationPlan } from '../../../shared/types/migrations';
import type { RepairResult } from '../../../shared/types/repair';
import type { HealthStatus } from '../../../shared/types/status';
import { bringToVersion } from '../core/migrations/apply-migrations';
import { currentVersionOf, readAppliedVersions } from '../core/history/bookkeeping';
import { takeVerifiedBackup } from './backup';
import { log, type EngineContext } from '../context';
import { explainSqliteError, WardenError } from '../errors';
import { expectedSchemaAt, expectedWithRepeatables } from '../core/schema/expected-schema';
import { assertRunnable, planOn } from './plan';
import { withDatabase, type Connection } from '../core/sqlite/open-database';
import { databaseStamp } from '../core/state/database-stamp';
import { unlessDiskFailed } from '../core/sqlite/failing-disk';
import { isRecreatable, repair } from './repair';
import { applyPendingRepeatables } from '../core/migrations/repeatable-migrations';
import { quickCheck, verdictOf, type Verdict } from './status';

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
 * The start gate. Makes sure the database exists at the target version and is fit to serve:
 * refuses a damaged file (quick_check); recreates missing tables, indexes, views and triggers
 * after a verified backup (repair, which touches no row); creates a fresh database, migrates an
 * older one (after a verified backup), adopts and migrates one the service made; then judges the
 * result with status's own verdict and refuses (SCHEMA_DRIFT, CORRUPT) whatever is still unhealthy.
 * Safe to call from many processes at once.
 */
export async function initialize(ctx: EngineContext, options: InitializeOptions = {}): Promise<MigrateResult> {
  const target = options.to ?? ctx.schema.latest;
  // Replaying the migrations in memory first refuses a broken schema folder before the file is touched.
  replayFirst(ctx, target);
  const opening = lookFirst(ctx, options.integrityCheck !== false);
  const repaired = opening ? await recreateMissingObjects(ctx, options, opening.verdict) : null;
  const result = await bringUp(ctx, options, target, true);
  const verdict = gateVerdict(ctx, opening, repaired);
  log(ctx, 'info', verdict.status === 'healthy' ? `${ctx.dbPath} is healthy` : `${ctx.dbPath} can serve, but needs attention: ${verdict.reason}`);
  return { ...result, repaired, verdict };
}

/** Replays the migrations up to `target` in memory (and the repeatable ones after the latest), refusing a broken folder before the file is touched. */
function replayFirst(ctx: EngineContext, target: string): void {
  expectedSchemaAt(ctx.schema, target);
  if (target === ctx.schema.latest && ctx.schema.repeatables.length) expectedWithRepeatables(ctx.schema);
}

/**
 * A versioned database missing objects that repair recreates from the expected schema (a dropped
 * table, index, view or trigger) gets them back before anything else, after a verified backup:
 * a service must not start into `no such table`. Whatever repair cannot do is left to the verdict.
 */
async function recreateMissingObjects(ctx: EngineContext, options: InitializeOptions, before: Verdict): Promise<RepairResult | null> {
  const { state } = before.assessment;
  if (state.current === null || state.newerThanKnown || state.checksumMismatches.length) return null;
  const errors = before.problems.filter((p) => p.severity === 'error');
  // Only when recreating is all it takes: otherwise the verdict refuses the file as it is, unwritten.
  const missing = errors.every(isRecreatable) ? errors : [];
  if (missing.length === 0) return null;
  const named =
    missing
      .slice(0, 3)
      .map((p) => `${p.kind} ${p.name}`)
      .join(', ') + (missing.length > 3 ? ` and ${missing.length - 3} more` : '');
  log(
    ctx,
    'warn',
    `${ctx.dbPath} is missing ${named}: recreating ${missing.length === 1 ? 'it' : 'them'} from the expected schema${options.backup === false ? '' : ' after a verified backup'}`,
  );
  return repair(ctx, { backup: options.backup !== false });
}

/** What the gate found before doing anything: the quick_check (null: skipped), status's verdict, and the file as it was. */
interface Opening {
  integrity: CheckedIntegrity | null;
  verdict: Verdict;
  stamp: string;
}

/**
 * One read of an existing file before the gate acts: SQLite's quick_check (a damaged file is
 * refused here, unwritten) and status's verdict. Null when there is no file yet.
 */
function lookFirst(ctx: EngineContext, check: boolean): Opening | null {
  if (!existsSync(ctx.dbPath)) return null;
  try {
    return withDatabase(ctx.dbPath, { mode: 'read', busyTimeoutMs: ctx.busyTimeoutMs }, (db) => {
      // Stamped before reading: a write by another process while this one reads (a gate repairing
      // at the same time) changes the stamp, so the verdict is never reused for a file it did not see.
      const stamp = databaseStamp(ctx.dbPath);
      const integrity = check ? openingCheck(ctx, db) : null;
      if (integrity && !integrity.ok) refuseDamaged(ctx, integrity);
      return { integrity, verdict: verdictOf(db, ctx, integrity), stamp };
    });
  } catch (err) {
    // A file whose schema SQLite calls malformed because the disk failed the read is not refused as
    // damaged (quick_check's findings were already told apart from a failing disk by quickCheck).
    throw err instanceof WardenError && err.details?.integrity ? err : unlessDiskFailed(err, ctx.dbPath, 'the start gate read it');
  }
}

/** status's verdict once the gate has done its work; an unhealthy database is refused, naming what is wrong. */
function gateVerdict(ctx: EngineContext, opening: Opening | null, repaired: RepairResult | null): { status: HealthStatus; reason: string } {
  const judged = (db: Connection): Verdict => {
    // The opening look stands while the file is as it was; after the gate's own writes the file is read again.
    if (opening && opening.stamp === databaseStamp(ctx.dbPath)) return opening.verdict;
    // A file the gate created has no opening look: it is checked by how it was made, not by a quick_check.
    const integrity = opening === null || opening.integrity === null ? null : quickCheck(db, ctx);
    return verdictOf(db, ctx, integrity);
  };
  return withDatabase(ctx.dbPath, { mode: 'read', busyTimeoutMs: ctx.busyTimeoutMs }, (db) => {
    const { status, reason, problems } = judged(db);
    if (status !== 'unhealthy') return { status, reason };
    const damaged = problems.some((p) => p.kind === 'integrity');
    const done = repaired?.recreated.length ? ` It recreated ${repaired.recreated.length} missing object(s) first, but that was not enough.` : '';
    throw new WardenError(
      damaged ? 'CORRUPT' : 'SCHEMA_DRIFT',
      `${ctx.dbPath} is not fit to serve: ${reason}${done} A service must not start on it.`,
      'A full check lists every problem. What the gate cannot recreate by itself needs a person: the hints there say what (repair, a migration, or restoring a verified backup).',
      { status, problems: problems.slice(0, 50) },
      [{ action: 'verify' }, { action: 'backups' }],
    );
  });
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
    return migrationPlan.adopt !== null || (migrationPlan.from !== null && (migrationPlan.steps.length > 0 || migrationPlan.repeatables.length > 0));
  });
  return pending ? takeVerifiedBackup(ctx, 'pre-migrate') : null;
}

/** Refuses a database whose pages SQLite's quick_check finds damaged: the gate's answer must be no. */
/**
 * The check before anything is written. It only reads, and says so while it runs, so that a Ctrl-C
 * during it stops at once (the CLI); once it is done, what follows may write.
 */
function openingCheck(ctx: EngineContext, db: Connection): CheckedIntegrity {
  ctx.onProgress?.({ operation: 'initialize', phase: "checking the file first (SQLite's quick_check)", done: 0, total: 1, readsOnly: true });
  const integrity = quickCheck(db, ctx);
  ctx.onProgress?.({ operation: 'initialize', phase: 'checked', done: 1, total: 1 });
  return integrity;
}

function assertIntact(ctx: EngineContext): void {
  if (!existsSync(ctx.dbPath)) return;
  const integrity = withDatabase(ctx.dbPath, { mode: 'read', busyTimeoutMs: ctx.busyTimeoutMs }, (db) => openingCheck(ctx, db));
  if (!integrity.ok) refuseDamaged(ctx, integrity);
}

function refuseDamaged(ctx: EngineContext, integrity: CheckedIntegrity): never {
  const shown = integrity.messages.slice(0, 3).join('; ');
  throw new WardenError(
    'CORRUPT',
    `${ctx.dbPath} is damaged: SQLite's quick_check found ${integrity.messages.length} problem${integrity.messages.length === 1 ? '' : 's'} (${shown}). Nothing was changed, and a service must not start on it.`,
    'Restore the newest verified backup, or salvage what can be read into a new file. Copy the damaged file aside first.',
    { integrity },
    [{ action: 'preserveCopy' }, { action: 'backups' }, { action: 'restore' }, { action: 'salvage' }],
  );
}

/** A failure after the pre-migrate backup says which backup brings the database back, and how. */
function pointAtBackup(err: unknown, backup: BackupInfo): unknown {
  if (!(err instanceof WardenError)) return err;
  const restore = `To return to where it was before this migrate (version ${backup.version ?? 'none'}), restore the backup taken first, ${backup.path}.`;
  return new WardenError(err.code, err.message, err.hint ? `${err.hint} ${restore}` : restore, { ...err.details, backup: backup.path }, [
    ...(err.next ?? []),
    { action: 'restore', backup: backup.path },
  ]);
}

function migrateOpen(ctx: EngineContext, db: Connection, target: string, backup: BackupInfo | null): InitializeResult {
  runnablePlan(ctx, db, target);
  const outcome = bringToVersion(ctx, db, target, backup);
  // Read again: while this process waited for the lock, others may have taken the database further than its plan knew.
  const to = currentVersionOf(readAppliedVersions(db, ctx.schema)) ?? target;
  // Repeatable migrations run once the database is at the latest version, after every versioned one (as Flyway runs them).
  const repeated = to === ctx.schema.latest ? applyPendingRepeatables(ctx, db) : [];
  const changed = outcome.applied.length > 0 || outcome.adopted !== null || repeated.length > 0;
  log(ctx, 'info', changed ? `${ctx.dbPath} is now at ${to}` : `${ctx.dbPath} is already at ${to}; no migration to apply`);
  return { path: ctx.dbPath, from: outcome.from, to, applied: outcome.applied, upToDate: !changed, adopted: outcome.adopted, repeated };
}

/** What migrate does: check the pages, then bring an existing database to the target version. */
export async function upgrade(ctx: EngineContext, options: InitializeOptions): Promise<MigrateResult> {
  const target = options.to ?? ctx.schema.latest;
  replayFirst(ctx, target);
  if (options.integrityCheck !== false) assertIntact(ctx);
  return bringUp(ctx, options, target, false);
}

/** Backs up what is pending, then migrates (only initialize may create the file). */
async function bringUp(ctx: EngineContext, options: InitializeOptions, target: string, create: boolean): Promise<MigrateResult> {
  const backup = await backupIfPending(ctx, options, target);
  try {
    const result = withDatabase(ctx.dbPath, { mode: 'write', create, busyTimeoutMs: ctx.busyTimeoutMs }, (db) => migrateOpen(ctx, db, target, backup));
    return { ...result, backup };
  } catch (err) {
    const told = withStateLeft(explainSqliteError(err, ctx.dbPath), ctx);
    throw backup ? pointAtBackup(told, backup) : told;
  }
}

/** The disk failing mid-way (full, an I/O error): the failure says which version the file was left at, read back from it. */
function withStateLeft(err: unknown, ctx: EngineContext): unknown {
  if (!(err instanceof WardenError) || (err.code !== 'NO_SPACE' && err.code !== 'IO_ERROR') || !existsSync(ctx.dbPath)) return err;
  let left: string;
  try {
    const version = withDatabase(ctx.dbPath, { mode: 'read', busyTimeoutMs: ctx.busyTimeoutMs }, (db) => currentVersionOf(readAppliedVersions(db, ctx.schema)));
    left = `${ctx.dbPath} was left at ${version ?? 'no version (nothing was created)'}: every version before the failed step is committed, none after it.`;
  } catch {
    left = `${ctx.dbPath} could not be read back to say which version it was left at; its status says so once the disk is fixed.`;
  }
  return new WardenError(err.code, `${err.message} ${left}`, err.hint, err.details, err.next);
}
