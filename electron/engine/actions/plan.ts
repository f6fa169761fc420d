import type { MigrationPlan, PlanBlocker, PlanStep, PlannedDataChange } from '../../../shared/types/migrations';
import type { Problem } from '../../../shared/types/schema';
import { runScript } from '../core/migrations/run-script';
import type { EngineContext } from '../context';
import { databaseStamp, planChecksum } from '../core/state/database-stamp';
import { appAheadOf, serviceDatabaseOf } from '../core/state/adopt';
import { assertSameApplication, blockerError, readDatabaseState, writeBlockers, type DatabaseState, type ServiceDatabase } from '../core/state/database-state';
import { WardenError } from '../errors';
import { expectedSchemaAt } from '../core/schema/expected-schema';
import { lintMigration } from '../core/migrations/lint-migration';
import { withDatabase, type Connection } from '../core/sqlite/open-database';
import { countMatching } from './rows';
import { replicateSchema } from '../core/schema/schema-replica';
import { migrationFor, pendingMigrations, type Migration } from '../core/schema/schema-folder';
import { coverageOf } from '../core/migrations/service-statements';
import { outsideDatabaseBlockers } from '../core/migrations/statements-outside-database';
import { driftOf } from '../core/drift/drift';
import { untrustedObjectsBlocker } from '../core/schema/unaccounted-objects';
import { pendingRepeatables } from '../core/migrations/repeatable-migrations';
import { versionOrder } from '../core/schema/version-order';

// What migrating a database to a target would do, and whether it can: the one plan that
// `warden plan` shows, `rehearse` tries on a copy and `migrate` carries out.

export interface PlanOptions {
  /** Version to plan for; the latest known by default. */
  to?: string;
}

/**
 * A step with its linter warnings, read against the schema the migration is written for (the
 * version before it) when `replay` allows rebuilding that schema.
 */
function planStep(ctx: EngineContext, migration: Migration, replay = true, dataChanges: PlannedDataChange[] = []): PlanStep {
  const index = ctx.schema.migrations.indexOf(migration);
  const before = replay && index > 0 ? expectedSchemaAt(ctx.schema, ctx.schema.migrations[index - 1].version) : undefined;
  const { version, description, file, checksum, sql } = migration;
  return { version, description, file, checksum, sql, warnings: lintMigration(sql, before), dataChanges };
}

/**
 * The rows a step changes, as its schema declares them (schema.json "dataChanges"), counted in the
 * database as it is now. Rows a step's table or columns do not hold yet (an earlier step adds
 * them) cannot be counted before that step runs: the rehearsal shows them.
 */
function plannedDataChanges(db: Connection, ctx: EngineContext, migration: Migration, afterEarlierSteps: boolean): PlannedDataChange[] {
  return (ctx.schema.dataChanges[migration.version] ?? []).map((declared) => {
    const planned = { ...declared, afterEarlierSteps };
    try {
      return { ...planned, rows: countMatching(db, ctx, declared.table, declared.filters), notCounted: null };
    } catch (err) {
      if (!(err instanceof WardenError) || err.code !== 'INVALID_INPUT') throw err;
      return {
        ...planned,
        rows: null,
        notCounted: `${err.message.replace(/ Nothing was read\.$/, '')} An earlier step may create it: rehearse the plan to see the rows.`,
      };
    }
  });
}

function versionBlockers(state: DatabaseState, ctx: EngineContext, target: string, service: ServiceDatabase | null): PlanBlocker[] {
  const blockers = writeBlockers(state, ctx.schema, ctx.dbPath, service);
  if (state.current !== null && !state.newerThanKnown && versionOrder(ctx.schema).gt(state.current, target)) {
    blockers.push({
      code: 'DOWNGRADE_NOT_SUPPORTED',
      message: `${ctx.dbPath} is at ${state.current}, past the requested ${target}; Schema Warden does not migrate down.`,
      hint: 'To go back, restore a backup taken before the upgrade.',
      next: [{ action: 'backups' }, { action: 'restore' }],
    });
  }
  if (state.outOfOrder.length) {
    const files = state.outOfOrder.map((m) => m.file).join(', ');
    blockers.push({
      code: 'OUT_OF_ORDER',
      message: `${files} ${state.outOfOrder.length === 1 ? 'was' : 'were'} never applied to ${ctx.dbPath}, which is already at ${state.current}: added below the current version, out of order.`,
      hint: `Give ${state.outOfOrder.length === 1 ? 'it a version' : 'them versions'} above ${ctx.schema.latest} (rename the file) so ${state.outOfOrder.length === 1 ? 'it runs' : 'they run'} after the versions already applied; Schema Warden never applies a version below the current one.`,
    });
  }
  return blockers;
}

/**
 * Tries the pending migrations on an empty replica of the live schema: drift the migration
 * trips over (a missing table it copies from, an index already there) fails there, not on the data.
 */
function driftTrip(db: Connection, ctx: EngineContext, current: string, migrations: Migration[], drift: Problem[]): PlanBlocker | null {
  const replica = replicateSchema(db);
  try {
    for (const migration of migrations) runScript(ctx, replica, migration);
    return null;
  } catch (err) {
    if (!(err instanceof WardenError) || err.code !== 'MIGRATION_FAILED') throw err;
    const failed = err.details as { file: string; line: number; sqliteMessage: string };
    const shown = drift
      .slice(0, 3)
      .map((p) => p.message.replace(/\.$/, ''))
      .join('; ');
    const more = drift.length > 3 ? ` (and ${drift.length - 3} more)` : '';
    return {
      code: 'SCHEMA_DRIFT',
      message: `${failed.file} would fail at line ${failed.line} on ${ctx.dbPath} (${failed.sqliteMessage}), because its schema has drifted from ${current}: ${shown}${more}.`,
      hint: 'Recreate what is missing with repair (or undo the change by hand), check the database again, then plan again.',
      next: [{ action: 'repair' }, { action: 'verify' }],
    };
  } finally {
    replica.close();
  }
}

/**
 * The plan for an open database. Steps are listed unless the database's version itself forbids
 * them. Read in one read transaction, so the version and the schema it is checked against are
 * from the same moment even while another process migrates.
 */
export function planOn(db: Connection, ctx: EngineContext, target: string): MigrationPlan {
  migrationFor(ctx.schema, target);
  return db
    .transaction(() => {
      const read = readPlan(db, ctx, target);
      return { ...read, checksum: planChecksum(read), databaseStamp: databaseStamp(ctx.dbPath) };
    })
    .deferred();
}

function readPlan(db: Connection, ctx: EngineContext, target: string): Omit<MigrationPlan, 'checksum' | 'databaseStamp'> {
  const state = readDatabaseState(db, ctx.schema);
  assertSameApplication(state, ctx.schema, ctx.dbPath);
  const service = serviceDatabaseOf(db, ctx, state) ?? appAheadOf(db, ctx, state);
  const blockers = versionBlockers(state, ctx, target, service);
  const untrusted = untrustedObjectsBlocker(db, ctx.schema);
  if (untrusted) blockers.unshift({ code: untrusted.code, message: untrusted.message, hint: untrusted.hint });
  const versionForbids = blockers.some((b) => b.code === 'NEWER_THAN_KNOWN' || b.code === 'NOT_VERSIONED' || b.code === 'DOWNGRADE_NOT_SUPPORTED');
  // An adopted database starts at the version it is adopted as (past its current one, where the app's tool applied later ones).
  const startsAt = service?.adoptAs ?? state.current;
  const pending = versionForbids ? [] : pendingMigrations(ctx.schema, startsAt, target);
  // Repeatable migrations run after the versions, once the database is at the latest one.
  const repeatables = versionForbids || target !== ctx.schema.latest ? [] : pendingRepeatables(db, ctx.schema);
  const outside = outsideDatabaseBlockers(pending);
  if (outside.length) {
    // The expected schema past such a step is not replayed (it would run the statement), so neither drift nor coverage is read.
    const steps = pending.map((m) => planStep(ctx, m, false));
    return {
      path: ctx.dbPath,
      from: state.current,
      to: target,
      adopt: service?.adoptAs ? service.legacy : null,
      steps,
      repeatables,
      blockers: [...blockers, ...outside],
      drift: [],
      serviceStatements: null,
      tables: [],
    };
  }
  let drift: Problem[] = [];
  if (pending.length && state.current !== null) {
    const at = service?.adoptAs ?? state.current;
    drift = driftOf(db, ctx, at);
    const trip = drift.length ? driftTrip(db, ctx, at, pending, drift) : null;
    if (trip) blockers.push(trip);
  }
  const adopt = service?.adoptAs ? service.legacy : null;
  const list = ctx.schema.serviceStatements;
  const expected = expectedSchemaAt(ctx.schema, target);
  const serviceStatements = list && coverageOf(list, expected);
  const tables = [...expected.tables.keys()].sort();
  const steps = pending.map((m, k) => planStep(ctx, m, true, plannedDataChanges(db, ctx, m, k > 0)));
  return { path: ctx.dbPath, from: state.current, to: target, adopt, steps, repeatables, blockers, drift, serviceStatements, tables };
}

/** Reads what migrating to `to` (the latest by default) would do, without writing anything. */
export function plan(ctx: EngineContext, options: PlanOptions = {}): MigrationPlan {
  const target = options.to ?? ctx.schema.latest;
  return withDatabase(ctx.dbPath, { mode: 'read', busyTimeoutMs: ctx.busyTimeoutMs }, (db) => planOn(db, ctx, target));
}

/** Throws the first blocker (with all of them in its details) when the plan cannot run. */
export function assertRunnable(migrationPlan: MigrationPlan): void {
  if (migrationPlan.blockers.length) throw blockerError(migrationPlan.blockers[0], migrationPlan.blockers);
}
