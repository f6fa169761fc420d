import type { BackupInfo, Problem, RepairResult } from '../../shared/types';
import { takeVerifiedBackup } from './backup';
import { recordEvent } from './bookkeeping';
import type { EngineContext } from './context';
import { assertWritable, readDatabaseState } from './database-state';
import { WardenError, explainSqliteError } from './errors';
import { expectedSchemaAt } from './expected-schema';
import type { SchemaSnapshot } from './introspect';
import { orphanedRows, rowsInBackups } from './lost-rows';
import { openDatabase, type Connection } from './open-database';
import { replicateSchema } from './schema-replica';
import { driftOf } from './status';
import { inWriteTransaction } from './write-transaction';

// Repair recreates what is missing — tables, indexes, views, triggers — exactly as the expected
// schema at the recorded version has them (their sqlite_master SQL). A missing table whose exact
// shape an extra table has was renamed: it is renamed back, rows and all. Repair never drops or
// rewrites anything: drift it cannot fix that way is reported with why and what to do instead.

export interface RepairOptions {
  /**
   * Take a verified pre-repair backup first (the default), only when there is something to
   * recreate; false opts out. It is reported as RepairResult.backup.
   */
  backup?: boolean;
  /** Report the statements repair would run, and write nothing (no backup either). */
  dryRun?: boolean;
}

interface RepairStep {
  problem: Problem;
  sql: string;
}

interface RepairWork {
  steps: RepairStep[];
  refused: Problem[];
}

/**
 * Objects that stand on their own in sqlite_master (the other kinds live inside a table's
 * definition), in the order they are recreated: tables before what is built on them, views
 * before triggers (an INSTEAD OF trigger needs its view).
 */
const STANDALONE: Problem['kind'][] = ['table', 'index', 'view', 'trigger'];

/** A missing object repair recreates from its expected CREATE statement, without touching a row. */
export const isRecreatable = (problem: Problem): boolean => problem.change === 'missing' && STANDALONE.includes(problem.kind);

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

function expectedSql(expected: SchemaSnapshot, problem: Problem): string | undefined {
  switch (problem.kind) {
    case 'table':
      return expected.tables.get(problem.name)?.sql;
    case 'index':
      return expected.indexes.get(problem.name)?.sql;
    case 'view':
      return expected.views.get(problem.name)?.sql;
    case 'trigger':
      return expected.triggers.get(problem.name)?.sql;
    default:
      return undefined;
  }
}

function refusal(problem: Problem, version: string): Problem {
  if (problem.change === 'extra' && STANDALONE.includes(problem.kind)) {
    return { ...problem, message: `${problem.message} Repair never drops anything.`, hint: `Drop it yourself if nothing uses it: it is not part of version ${version}.` };
  }
  if (problem.kind !== 'table' && STANDALONE.includes(problem.kind)) {
    return {
      ...problem,
      message: `${problem.message} Repair recreates missing objects; it does not replace one that exists.`,
      hint: `Drop it (DROP ${problem.kind.toUpperCase()} ${problem.name}) and run repair again to recreate it as version ${version} defines it.`,
    };
  }
  return {
    ...problem,
    message: `${problem.message} Fixing it means rebuilding table ${problem.table ?? problem.name} (copying every row), which repair does not do.`,
    hint: `Restore a backup taken before the change (warden backups lists them), or write a migration that rebuilds ${problem.table ?? problem.name}.`,
  };
}

function recreations(problems: Problem[], ctx: EngineContext, version: string): RepairWork {
  const expected = expectedSchemaAt(ctx.schema, version);
  const work: RepairWork = { steps: [], refused: [] };
  for (const problem of problems) {
    const sql = problem.change === 'missing' ? expectedSql(expected, problem) : undefined;
    if (sql) work.steps.push({ problem, sql });
    else work.refused.push(refusal(problem, version));
  }
  work.steps.sort((a, b) => STANDALONE.indexOf(a.problem.kind) - STANDALONE.indexOf(b.problem.kind));
  return work;
}

/**
 * Renames first: ALTER TABLE … RENAME also renames the table in its indexes, triggers, views and
 * in its children's foreign keys, so what is left to do is read from a rowless replica of the
 * schema with the renames made.
 */
function planRepair(db: Connection, ctx: EngineContext, version: string): RepairWork {
  const problems = driftOf(db, ctx, version);
  const renames = problems
    .filter((p) => p.kind === 'table' && p.change === 'missing' && p.foundAs)
    .map((problem) => ({ problem, sql: `ALTER TABLE ${quoted(problem.foundAs!)} RENAME TO ${quoted(problem.name)}` }));
  if (renames.length === 0) return recreations(problems, ctx, version);
  const replica = replicateSchema(db);
  try {
    for (const { sql } of renames) replica.exec(sql);
    const rest = recreations(driftOf(replica, ctx, version), ctx, version);
    return { steps: [...renames, ...rest.steps], refused: rest.refused };
  } finally {
    replica.close();
  }
}

/** The version repair works from: the recorded one, on a database the tool may write to. */
function recordedVersion(db: Connection, ctx: EngineContext): string {
  const state = readDatabaseState(db, ctx.schema);
  assertWritable(state, ctx.schema, ctx.dbPath);
  if (state.current === null) {
    throw new WardenError('NOT_INITIALIZED', `${ctx.dbPath} has no schema yet: there is nothing to repair.`, `Create it with: warden init --db ${ctx.dbPath}`);
  }
  return state.current;
}

interface Recreated {
  recreated: Problem[];
  failed: Problem[];
}

function runSteps(db: Connection, steps: RepairStep[]): Recreated {
  const result: Recreated = { recreated: [], failed: [] };
  for (const { problem, sql } of steps) {
    try {
      db.exec(sql);
      result.recreated.push(problem);
    } catch (err) {
      // A failed statement is undone on its own and the transaction goes on; an error that ended the transaction must not.
      if (!db.inTransaction || !(err instanceof Error) || !('code' in err)) throw err;
      result.failed.push({
        ...problem,
        message: `${problem.message} Recreating it failed: ${err.message}.`,
        hint: 'Fix what SQLite names (duplicate rows for a UNIQUE index, say), then run repair again.',
      });
    }
  }
  return result;
}

const label = (p: Problem) => ({ kind: p.kind, name: p.name, table: p.table });

/** Tables a step creates empty (a renamed-back table keeps its rows). */
const emptiedTables = (recreated: Problem[]) => recreated.filter((p) => p.kind === 'table' && !p.foundAs).map((p) => p.name);

function sqlOf(steps: RepairStep[], recreated: Problem[]): string[] {
  return recreated.map((p) => steps.find((s) => s.problem === p)!.sql);
}

/**
 * Recreates the missing tables, indexes, views and triggers of a database from the expected schema
 * at its recorded version (renaming back a renamed table), in one write transaction with a 'repair'
 * event, after a verified backup. Rows already orphaned (a dropped parent) may stay orphaned, and are
 * reported with the backups that hold the lost rows; the repair itself must orphan none.
 */
export async function repair(ctx: EngineContext, options: RepairOptions = {}): Promise<RepairResult> {
  const db = openDatabase(ctx.dbPath, { mode: options.dryRun ? 'read' : 'write', busyTimeoutMs: ctx.busyTimeoutMs });
  try {
    const version = recordedVersion(db, ctx);
    const work = planRepair(db, ctx, version);
    const report = (recreated: Problem[], statements: string[], refused: Problem[], backup: BackupInfo | null, at = version): RepairResult => ({
      path: ctx.dbPath, version: at, dryRun: Boolean(options.dryRun), recreated, statements, refused,
      orphanedRows: orphanedRows(db), rowsInBackups: rowsInBackups(ctx, emptiedTables(recreated)), backup,
    });
    if (work.steps.length === 0 || options.dryRun) return report(work.steps.map((s) => s.problem), work.steps.map((s) => s.sql), work.refused, null);
    const backup = options.backup === false ? null : await takeVerifiedBackup(ctx, 'pre-repair');
    const done = inWriteTransaction(db, ctx.dbPath, () => {
      // Decided again under the write lock: another process may have repaired or migrated meanwhile.
      const lockedVersion = recordedVersion(db, ctx);
      const current = planRepair(db, ctx, lockedVersion);
      const outcome = runSteps(db, current.steps);
      const refused = [...current.refused, ...outcome.failed];
      const statements = sqlOf(current.steps, outcome.recreated);
      if (outcome.recreated.length) {
        recordEvent(db, ctx.schema, {
          action: 'repair', version: lockedVersion, outcome: 'ok',
          detail: { recreated: outcome.recreated.map(label), statements, refused: refused.map(label), backup: backup?.path ?? null },
        });
      }
      return { version: lockedVersion, recreated: outcome.recreated, statements, refused };
    }, { keepPreexistingViolations: true });
    return report(done.recreated, done.statements, done.refused, backup, done.version);
  } catch (err) {
    throw explainSqliteError(err, ctx.dbPath);
  } finally {
    db.close();
  }
}
