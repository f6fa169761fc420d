import semver from 'semver';
import type { AppliedStep } from '../../shared/types';
import { ensureBookkeeping, readAppliedVersions, currentVersionOf, recordEvent, recordFailure, recordVersion, stampVersion } from './bookkeeping';
import { log, throwIfCancelled, type EngineContext } from './context';
import { WardenError } from './errors';
import { userTableNames } from './introspect';
import type { Connection } from './open-database';
import { pendingMigrations, type Migration } from './schema-folder';
import { tablesTouchedBy, tablesWithTriggers, type TouchedTables } from './foreign-key-scope';
import { splitStatements, type Statement } from './sql-text';
import { inWriteTransaction } from './write-transaction';

/** Runs a migration's statements one by one, so a failure names its statement and line. */
export function runScript(ctx: EngineContext, db: Connection, migration: Migration, statements: Statement[] = splitStatements(migration.sql)): void {
  for (const statement of statements) {
    throwIfCancelled(ctx, `Migration ${migration.version}`);
    try {
      db.exec(statement.sql);
    } catch (err) {
      throw new WardenError(
        'MIGRATION_FAILED',
        `Migration ${migration.file} failed at line ${statement.line}: ${(err as Error).message}. The database was left at its previous version.`,
        'Read the failing statement below, fix the database or the migration, then run it again.',
        { version: migration.version, file: migration.file, line: statement.line, statement: statement.sql, sqliteMessage: (err as Error).message },
      );
    }
  }
}

function applyInTransaction(ctx: EngineContext, db: Connection, migration: Migration, statements: Statement[], kind: 'init' | 'migrate'): AppliedStep {
  const started = performance.now();
  runScript(ctx, db, migration, statements);
  const executionMs = Math.round(performance.now() - started);
  recordVersion(db, ctx.schema, { version: migration.version, description: migration.description, checksum: migration.checksum, executionMs, kind });
  return { version: migration.version, description: migration.description, executionMs };
}

export interface StepOutcome {
  from: string | null;
  applied: AppliedStep[];
}

interface Step extends StepOutcome {
  /** The tables the step's scripts may have changed: the foreign-key check before COMMIT reads these and their children. */
  touched: TouchedTables;
}

/**
 * Takes the database one transaction further towards `target`, deciding from what it reads
 * inside the transaction: a process that lost the race for the lock finds the work done.
 * A fresh database gets every version up to `target` in one transaction (it is either empty or
 * complete); a versioned one gets the next pending migration.
 */
export function applyNextStep(ctx: EngineContext, db: Connection, target: string): Step | null {
  const schema = ctx.schema;
  const work = (): Step | null => {
    const current = currentVersionOf(readAppliedVersions(db));
    if (current !== null && semver.gte(current, target)) return null;
    if (current === null && userTableNames(db).length > 0) {
      throw new WardenError('NOT_VERSIONED', `${ctx.dbPath} gained tables without a version while this process waited; nothing was changed.`, 'Run warden status to see what it is.');
    }
    ensureBookkeeping(db, schema);
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
    stampVersion(db, schema.applicationId, reached);
    return { from: current, applied, touched };
  };
  return inWriteTransaction(db, ctx.dbPath, work, (step) => step?.touched ?? 'all');
}

/** Applies every pending migration up to `target`, one transaction per step (all at once when fresh). */
export function bringToVersion(ctx: EngineContext, db: Connection, target: string): StepOutcome {
  const outcome: StepOutcome = { from: currentVersionOf(readAppliedVersions(db)), applied: [] };
  for (;;) {
    throwIfCancelled(ctx, 'Migration');
    let step: StepOutcome | null;
    try {
      step = applyNextStep(ctx, db, target);
    } catch (err) {
      if (err instanceof WardenError && err.code === 'MIGRATION_FAILED') {
        recordFailure(db, ctx.schema, { action: outcome.from === null ? 'init' : 'migrate', version: String(err.details?.version), detail: { ...err.details } });
      }
      throw err;
    }
    if (step === null) return outcome;
    for (const applied of step.applied) log(ctx, 'info', `Applied ${applied.version} (${applied.description}) in ${applied.executionMs} ms`);
    outcome.applied.push(...step.applied);
  }
}
