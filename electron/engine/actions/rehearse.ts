import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { ForeignKeyViolation } from '../../../shared/types/integrity';
import type { MigrationPlan, RehearsalReport, RehearsalStep, ServiceStatementsRun } from '../../../shared/types/migrations';
import { applyNextStep, type StepOutcome } from '../core/migrations/apply-migrations';
import { currentVersionOf, readAppliedVersions } from '../core/history/bookkeeping';
import { throwIfCancelled, type EngineContext } from '../context';
import { WardenError, explainSqliteError } from '../errors';
import { userTableNames } from '../core/schema/introspect';
import { assertRunnable, planOn } from './plan';
import { openDatabase, type Connection } from '../core/sqlite/open-database';
import { runServiceStatements } from '../core/migrations/run-service-statements';
import { driftOf } from '../core/drift/drift';
import { integrityOf } from '../core/sqlite/integrity';
import type { SchemaDefinition } from '../core/schema/schema-folder';
import { applyRepeatable } from '../core/migrations/repeatable-migrations';
import { versionOrder } from '../core/schema/version-order';

// A dress rehearsal of a migration: the database is copied through SQLite's backup API (which
// includes what is still in the -wal file) to a temporary file, and the plan runs there with the
// engine's own step runner. The real file is only ever opened read-only.

export interface RehearseOptions {
  /** Version to rehearse up to; the latest known by default. */
  to?: string;
  /** Where the temporary copy goes (the OS temp folder by default); it needs room for the whole database. */
  workDir?: string;
}

type RowCounts = Record<string, number>;

function rowCounts(db: Connection, schema: SchemaDefinition): RowCounts {
  const counts: RowCounts = {};
  for (const table of userTableNames(db, schema).sort()) {
    counts[table] = (db.prepare(`SELECT count(*) AS n FROM "${table.replace(/"/g, '""')}"`).get() as { n: number }).n;
  }
  return counts;
}

/** Plans on the real database (refusing what migrate would refuse), then copies it to `copyPath`. */
async function planAndCopy(ctx: EngineContext, target: string, copyPath: string): Promise<MigrationPlan> {
  const source = openDatabase(ctx.dbPath, { mode: 'read', busyTimeoutMs: ctx.busyTimeoutMs });
  try {
    const migrationPlan = planOn(source, ctx, target);
    assertRunnable(migrationPlan);
    const pageSize = source.pragma('page_size', { simple: true }) as number;
    await source.backup(copyPath, {
      progress: ({ totalPages, remainingPages }) => {
        ctx.onProgress?.({
          operation: 'rehearse',
          phase: 'copying the database',
          done: totalPages - remainingPages,
          total: totalPages,
          unit: 'pages',
          pageSize,
        });
        return 100;
      },
    });
    return migrationPlan;
  } catch (err) {
    throw explainSqliteError(err, ctx.dbPath);
  } finally {
    source.close();
  }
}

/** What went wrong in a step, said of the step: the engine's own message talks about "the database", here a copy. */
function whyStepFailed(err: WardenError): string {
  const details = err.details ?? {};
  if (err.code === 'MIGRATION_FAILED') return `${String(details.file)} failed at line ${String(details.line)}: ${String(details.sqliteMessage)}.`;
  if (err.code === 'FOREIGN_KEY_VIOLATION') {
    const [first] = details.violations as ForeignKeyViolation[];
    return `The step would leave ${String(details.count)} row(s) pointing at missing parents (first: ${first.table} rowid ${first.rowid} → ${first.parent}), so it was rolled back.`;
  }
  return err.message;
}

function failedStep(err: WardenError, fallbackVersion: string, durationMs: number, rows: RowCounts): RehearsalStep {
  const details = err.details ?? {};
  const statement = typeof details.statement === 'string' ? { file: String(details.file), line: Number(details.line), sql: details.statement } : undefined;
  return {
    version: typeof details.version === 'string' ? details.version : fallbackVersion,
    ok: false,
    durationMs,
    // The step's transaction rolled back: the counts are the ones it started from.
    rowsBefore: rows,
    rowsAfter: rows,
    foreignKeyViolations: typeof details.count === 'number' ? details.count : 0,
    error: whyStepFailed(err),
    failedStatement: statement,
  };
}

/** Applies the plan to the copy step by step, as migrate would, and stops at the first step that fails. */
function rehearseSteps(ctx: EngineContext, copyCtx: EngineContext, copy: Connection, migrationPlan: MigrationPlan): RehearsalStep[] {
  const steps: RehearsalStep[] = [];
  let rows = rowCounts(copy, ctx.schema);
  let reached = migrationPlan.from;
  while (reached === null || versionOrder(ctx.schema).lt(reached, migrationPlan.to)) {
    throwIfCancelled(ctx, 'Rehearsal');
    const next = migrationPlan.steps[steps.length]?.version ?? migrationPlan.to;
    ctx.onProgress?.({ operation: 'rehearse', phase: `applying ${next}`, done: steps.length, total: migrationPlan.steps.length });
    const started = performance.now();
    let outcome: StepOutcome | null;
    try {
      outcome = applyNextStep(copyCtx, copy, migrationPlan.to);
    } catch (err) {
      if (!(err instanceof WardenError) || err.code === 'CANCELLED') throw err;
      steps.push(failedStep(err, next, Math.round(performance.now() - started), rows));
      break;
    }
    if (outcome === null) break;
    if (outcome.adopted) {
      // Adopting writes only the tool's own history: no step of the plan, no rows moved.
      reached = outcome.adopted.version;
      continue;
    }
    const durationMs = Math.round(performance.now() - started);
    const after = rowCounts(copy, ctx.schema);
    reached = outcome.applied[outcome.applied.length - 1].version;
    // A step commits only when PRAGMA foreign_key_check is empty (see inWriteTransaction).
    steps.push({ version: reached, ok: true, durationMs, rowsBefore: rows, rowsAfter: after, foreignKeyViolations: 0 });
    rows = after;
  }
  if (steps.every((s) => s.ok) && reached === ctx.schema.latest) steps.push(...rehearseRepeatables(copyCtx, copy, migrationPlan, rows));
  return steps;
}

/** The plan's repeatable migrations on the copy, after its versions, each a step of its own; stops at the first that fails. */
function rehearseRepeatables(copyCtx: EngineContext, copy: Connection, migrationPlan: MigrationPlan, rowsBefore: RowCounts): RehearsalStep[] {
  const steps: RehearsalStep[] = [];
  let rows = rowsBefore;
  for (const repeatable of migrationPlan.repeatables) {
    throwIfCancelled(copyCtx, 'Rehearsal');
    const started = performance.now();
    try {
      applyRepeatable(copyCtx, copy, repeatable.file);
    } catch (err) {
      if (!(err instanceof WardenError) || err.code === 'CANCELLED') throw err;
      steps.push({ ...failedStep(err, repeatable.file, Math.round(performance.now() - started), rows), version: repeatable.file, repeatable: true });
      break;
    }
    const after = rowCounts(copy, copyCtx.schema);
    steps.push({
      version: repeatable.file,
      repeatable: true,
      ok: true,
      durationMs: Math.round(performance.now() - started),
      rowsBefore: rows,
      rowsAfter: after,
      foreignKeyViolations: 0,
    });
    rows = after;
  }
  return steps;
}

/** The schema's service statements on the migrated copy; null when the schema lists none. */
function rehearseServiceStatements(ctx: EngineContext, copy: Connection, steps: RehearsalStep[], reached: string | null): ServiceStatementsRun | null {
  const list = ctx.schema.serviceStatements;
  if (list === null) return null;
  const failed = steps.find((s) => !s.ok);
  if (failed)
    return {
      file: list.file,
      version: reached,
      notRun: `Step ${failed.version} failed, so the copy never reached the target; fix the step first.`,
      results: [],
    };
  ctx.onProgress?.({ operation: 'rehearse', phase: 'running the service statements', done: steps.length + 1, total: steps.length + 2 });
  return { file: list.file, version: reached, notRun: null, results: runServiceStatements(copy, list, reached, versionOrder(ctx.schema)) };
}

/**
 * Rehearses migrating to `to` on a temporary copy and reports each step (time, row counts before
 * and after, foreign-key violations), the integrity of the result, its drift from the expected
 * schema, and which of the schema's service statements fail on it. A step or statement that fails
 * is reported, not thrown. The copy is removed whatever happens.
 */
export async function rehearse(ctx: EngineContext, options: RehearseOptions = {}): Promise<RehearsalReport> {
  const started = performance.now();
  const target = options.to ?? ctx.schema.latest;
  const workDir = mkdtempSync(join(options.workDir ?? tmpdir(), 'warden-rehearsal-'));
  try {
    const copyPath = join(workDir, basename(ctx.dbPath));
    const migrationPlan = await planAndCopy(ctx, target, copyPath);
    const copyCtx: EngineContext = { ...ctx, dbPath: copyPath, onProgress: undefined };
    const copy = openDatabase(copyPath, { mode: 'write', busyTimeoutMs: ctx.busyTimeoutMs });
    try {
      const steps = rehearseSteps(ctx, copyCtx, copy, migrationPlan);
      const finalPhases = ctx.schema.serviceStatements === null ? 1 : 2;
      ctx.onProgress?.({ operation: 'rehearse', phase: 'checking the result', done: steps.length, total: steps.length + finalPhases });
      const integrity = integrityOf(copy, 'full');
      const reached = currentVersionOf(readAppliedVersions(copy, ctx.schema));
      const drift = reached === null ? [] : driftOf(copy, copyCtx, reached);
      const serviceStatements = rehearseServiceStatements(ctx, copy, steps, reached);
      const statementsOk = !serviceStatements?.results.some((r) => r.outcome === 'failed');
      const ok = steps.every((s) => s.ok) && integrity.ok && !drift.some((p) => p.severity === 'error') && statementsOk;
      const ranOn = { planChecksum: migrationPlan.checksum, databaseStamp: migrationPlan.databaseStamp };
      return {
        path: ctx.dbPath,
        from: migrationPlan.from,
        adopted: migrationPlan.adopt,
        to: target,
        reached,
        ok,
        steps,
        integrity,
        drift,
        serviceStatements,
        ...ranOn,
        durationMs: Math.round(performance.now() - started),
      };
    } finally {
      copy.close();
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}
