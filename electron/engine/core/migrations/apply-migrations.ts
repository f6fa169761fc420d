import type { BackupInfo } from '../../../../shared/types/backups';
import type { AppliedStep } from '../../../../shared/types/migrations';
import type { LegacyVersion } from '../../../../shared/types/schema';
import { appAheadOf, recordAdoption, serviceDatabaseOf } from '../state/adopt';
import { backupEvent, ensureBookkeeping, readAppliedVersions, currentVersionOf, recordEvent, recordFailure, recordVersion } from '../history/bookkeeping';
import { stampVersion } from '../sqlite/header-marks';
import { log, type EngineContext } from '../../context';
import { blockerError, readDatabaseState, unfinishedBlocker, writeBlockers, type ServiceDatabase } from '../state/database-state';
import { WardenError } from '../../errors';
import { userTableNames } from '../schema/introspect';
import type { Connection } from '../sqlite/open-database';
import { pendingMigrations, type Migration } from '../schema/schema-folder';
import { createServiceHistory, readUnfinished, recordServiceVersion } from '../history/service-history';
import { tablesTouchedBy, tablesWithTriggers, type TouchedTables } from './foreign-key-scope';
import { splitStatements, type Statement } from '../schema/sql-text';
import { inWriteTransaction } from '../sqlite/write-transaction';
import { runScript } from './run-script';
import { versionOrder } from '../schema/version-order';

function applyInTransaction(ctx: EngineContext, db: Connection, migration: Migration, statements: Statement[], kind: 'init' | 'migrate'): AppliedStep {
  const started = performance.now();
  runScript(ctx, db, migration, statements);
  const executionMs = Math.round(performance.now() - started);
  recordVersion(db, ctx.schema, { version: migration.version, description: migration.description, checksum: migration.checksum, executionMs, kind });
  recordServiceVersion(db, ctx.schema, { migration, executionMs });
  return { version: migration.version, description: migration.description, executionMs };
}

export interface StepOutcome {
  from: string | null;
  applied: AppliedStep[];
  /** Set when the step adopted a database the service made (then `applied` is empty). */
  adopted: LegacyVersion | null;
}

interface Step extends StepOutcome {
  /** The tables the step's scripts may have changed: the foreign-key check before COMMIT reads these and their children. */
  touched: TouchedTables;
}

/**
 * Adopts an unversioned database the service made, when its schema is exactly the version the
 * service's table records (checked again under the write lock); refuses anything else.
 */
function adoptServiceDatabase(ctx: EngineContext, db: Connection, backup: BackupInfo | null): Step {
  const state = readDatabaseState(db, ctx.schema);
  const service = serviceDatabaseOf(db, ctx, state);
  const version = service?.adoptAs;
  if (!version || !service) {
    // Unversioned with tables and no history rows: the only blocker writeBlockers can find is NOT_VERSIONED, with what differs.
    const blockers = writeBlockers(state, ctx.schema, ctx.dbPath, service);
    throw blockerError(blockers[0], blockers);
  }
  // The backup taken first could not be recorded: the database had no history to record it in.
  if (backup) {
    ensureBookkeeping(db, ctx.schema);
    recordEvent(db, ctx.schema, backupEvent(backup));
  }
  recordAdoption(db, ctx, version, service.legacy, true);
  log(
    ctx,
    'info',
    `Adopted ${ctx.dbPath} as ${version}: its schema is exactly ${version}, as ${service.legacy.table} records (${service.legacy.legacyVersion})`,
  );
  return { from: null, applied: [], adopted: service.legacy, touched: new Set() };
}

/**
 * Records the versions the app's tool applied itself since the tool's current version (its table is
 * ahead), when the schema is exactly the version it records: they are never run again.
 */
function catchUpWithApp(ctx: EngineContext, db: Connection, current: string, ahead: ServiceDatabase): Step {
  if (!ahead.adoptAs) {
    const blockers = writeBlockers(readDatabaseState(db, ctx.schema), ctx.schema, ctx.dbPath, ahead);
    throw blockerError(blockers[0], blockers);
  }
  recordAdoption(db, ctx, ahead.adoptAs, ahead.legacy, true);
  log(
    ctx,
    'info',
    `Recorded ${ahead.adoptAs}, which the app's tool applied itself (${ahead.legacy.table} records ${ahead.legacy.legacyVersion}): its schema is exactly ${ahead.adoptAs}`,
  );
  return { from: current, applied: [], adopted: ahead.legacy, touched: new Set() };
}

/**
 * Takes the database one transaction further towards `target`, deciding from what it reads
 * inside the transaction: a process that lost the race for the lock finds the work done.
 * A fresh database gets every version up to `target` in one transaction (it is either empty or
 * complete); one the service made is adopted first; a versioned one gets the next pending migration.
 */
export function applyNextStep(ctx: EngineContext, db: Connection, target: string, backup: BackupInfo | null = null): Step | null {
  const schema = ctx.schema;
  const work = (): Step | null => {
    const current = currentVersionOf(readAppliedVersions(db, schema));
    if (current !== null && versionOrder(schema).gte(current, target)) return null;
    // Read again under the lock: the app's tool may have failed a migration since the plan was made.
    const unfinished = readUnfinished(db, schema);
    if (unfinished) throw blockerError(unfinishedBlocker(unfinished));
    const ahead = current === null ? null : appAheadOf(db, ctx, readDatabaseState(db, schema));
    if (ahead && current !== null) return catchUpWithApp(ctx, db, current, ahead);
    if (current === null && userTableNames(db, schema).length > 0) return adoptServiceDatabase(ctx, db, backup);
    ensureBookkeeping(db, schema);
    if (current === null) createServiceHistory(db, schema);
    const pending = pendingMigrations(schema, current, target);
    const batch = current === null ? pending : pending.slice(0, 1);
    const kind = current === null ? 'init' : 'migrate';
    const triggered = tablesWithTriggers(db);
    const scripts = batch.map((migration) => splitStatements(migration.sql));
    const touched = tablesTouchedBy(scripts.flat(), triggered);
    const applied = batch.map((migration, index) => {
      ctx.onProgress?.({ operation: kind, phase: `applying ${migration.version} ${migration.description}`, done: index, total: batch.length });
      return applyInTransaction(ctx, db, migration, scripts[index], kind);
    });
    const reached = applied[applied.length - 1].version;
    recordEvent(db, schema, { action: kind, version: reached, outcome: 'ok', detail: { from: current, to: reached, steps: applied } });
    stampVersion(db, schema, reached, { creating: current === null, previous: current });
    return { from: current, applied, adopted: null, touched };
  };
  return inWriteTransaction(db, ctx.dbPath, work, { touched: (step) => step?.touched ?? 'all' });
}

/**
 * A cancel between steps (or inside one, which its transaction then undid): what was applied
 * stands, each version committed whole. Null when nothing was left to do; else the error saying
 * where the database is and what was not applied.
 */
function cancelledAfter(ctx: EngineContext, db: Connection, outcome: StepOutcome, target: string): WardenError | null {
  const at = currentVersionOf(readAppliedVersions(db, ctx.schema));
  const notApplied = pendingMigrations(ctx.schema, at, target).map((m) => m.version);
  if (notApplied.length === 0) return null;
  const done = outcome.applied.length ? `after applying ${outcome.applied.map((a) => a.version).join(', ')}` : 'before applying any version';
  return new WardenError(
    'CANCELLED',
    `Migration was cancelled ${done}: ${ctx.dbPath} is at ${at ?? 'no version (nothing was created)'}, every applied version committed whole; not applied: ${notApplied.join(', ')}.`,
    'Run it again to apply the rest when you are ready.',
    { version: at, applied: outcome.applied.map((a) => a.version), notApplied },
  );
}

/** Applies every pending migration up to `target`, one transaction per step (all at once when fresh). */
export function bringToVersion(ctx: EngineContext, db: Connection, target: string, backup: BackupInfo | null = null): StepOutcome {
  const outcome: StepOutcome = { from: currentVersionOf(readAppliedVersions(db, ctx.schema)), applied: [], adopted: null };
  for (;;) {
    if (ctx.signal?.aborted) {
      const cancelled = cancelledAfter(ctx, db, outcome, target);
      // Cancelled as the last step finished: nothing is left to stop.
      if (cancelled === null) return outcome;
      throw cancelled;
    }
    let step: StepOutcome | null;
    try {
      step = applyNextStep(ctx, db, target, backup);
    } catch (err) {
      if (err instanceof WardenError && err.code === 'CANCELLED') throw cancelledAfter(ctx, db, outcome, target) ?? err;
      if (err instanceof WardenError && err.code === 'MIGRATION_FAILED') {
        recordFailure(db, ctx.schema, {
          action: outcome.from === null && !outcome.adopted ? 'init' : 'migrate',
          version: String(err.details?.version),
          detail: { ...err.details },
        });
      }
      throw err;
    }
    if (step === null) return outcome;
    outcome.adopted ??= step.adopted;
    for (const applied of step.applied) log(ctx, 'info', `Applied ${applied.version} (${applied.description}) in ${applied.executionMs} ms`);
    outcome.applied.push(...step.applied);
  }
}
