import type { Problem, RepairResult } from '../../shared/types';
import { takeVerifiedBackup } from './backup';
import { recordEvent } from './bookkeeping';
import type { EngineContext } from './context';
import { assertWritable, readDatabaseState } from './database-state';
import { WardenError, explainSqliteError } from './errors';
import { expectedSchemaAt } from './expected-schema';
import type { SchemaSnapshot } from './introspect';
import { openDatabase, type Connection } from './open-database';
import { driftOf } from './status';
import { foreignKeyViolations, inWriteTransaction } from './write-transaction';

// Repair recreates what is missing — tables, indexes, views, triggers — exactly as the expected
// schema at the recorded version has them (their sqlite_master SQL). It never drops or rewrites
// anything: drift it cannot fix that way is reported with why and what to do instead.

export interface RepairOptions {
  /**
   * Take a verified pre-repair backup first (the default), only when there is something to
   * recreate; false opts out. It is reported as RepairResult.backup.
   */
  backup?: boolean;
}

interface Recreation {
  problem: Problem;
  sql: string;
}

interface RepairWork {
  recreate: Recreation[];
  refused: Problem[];
}

/**
 * Objects that stand on their own in sqlite_master (the other kinds live inside a table's
 * definition), in the order they are recreated: tables before what is built on them, views
 * before triggers (an INSTEAD OF trigger needs its view).
 */
const STANDALONE: Problem['kind'][] = ['table', 'index', 'view', 'trigger'];

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

function planRepair(db: Connection, ctx: EngineContext, version: string): RepairWork {
  const expected = expectedSchemaAt(ctx.schema, version);
  const work: RepairWork = { recreate: [], refused: [] };
  for (const problem of driftOf(db, ctx, version)) {
    const sql = problem.change === 'missing' ? expectedSql(expected, problem) : undefined;
    if (sql) work.recreate.push({ problem, sql });
    else work.refused.push(refusal(problem, version));
  }
  work.recreate.sort((a, b) => STANDALONE.indexOf(a.problem.kind) - STANDALONE.indexOf(b.problem.kind));
  return work;
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

/** Refuses up front when rows already point at missing parents: the commit's foreign-key check would refuse any change. */
function assertNoOrphans(db: Connection, path: string): void {
  const orphans = foreignKeyViolations(db);
  if (orphans.length === 0) return;
  const first = orphans[0];
  throw new WardenError(
    'FOREIGN_KEY_VIOLATION',
    `${path} already has ${orphans.length} row(s) pointing at missing parents (first: ${first.table} rowid ${first.rowid} → ${first.parent}); repair changed nothing, because a database in that state cannot pass the foreign-key check every change ends with.`,
    'See them with warden verify --full; restore a backup (warden backups lists them) or delete the orphaned rows, then run repair again.',
    { count: orphans.length, violations: orphans.slice(0, 100) },
  );
}

interface Recreated {
  recreated: Problem[];
  failed: Problem[];
}

function recreateAll(db: Connection, recreations: Recreation[]): Recreated {
  const result: Recreated = { recreated: [], failed: [] };
  for (const { problem, sql } of recreations) {
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

/**
 * Recreates the missing tables, indexes, views and triggers of a database from the expected schema
 * at its recorded version, in one write transaction with a 'repair' event, after a verified backup.
 */
export async function repair(ctx: EngineContext, options: RepairOptions = {}): Promise<RepairResult> {
  const db = openDatabase(ctx.dbPath, { mode: 'write', busyTimeoutMs: ctx.busyTimeoutMs });
  try {
    const version = recordedVersion(db, ctx);
    const work = planRepair(db, ctx, version);
    if (work.recreate.length === 0) return { path: ctx.dbPath, version, recreated: [], refused: work.refused, backup: null };
    assertNoOrphans(db, ctx.dbPath);
    const backup = options.backup === false ? null : await takeVerifiedBackup(ctx, 'pre-repair');
    const done = inWriteTransaction(db, ctx.dbPath, () => {
      // Decided again under the write lock: another process may have repaired or migrated meanwhile.
      const lockedVersion = recordedVersion(db, ctx);
      const current = planRepair(db, ctx, lockedVersion);
      const outcome = recreateAll(db, current.recreate);
      const refused = [...current.refused, ...outcome.failed];
      if (outcome.recreated.length) {
        recordEvent(db, ctx.schema, {
          action: 'repair', version: lockedVersion, outcome: 'ok',
          detail: { recreated: outcome.recreated.map(label), refused: refused.map(label), backup: backup?.path ?? null },
        });
      }
      return { version: lockedVersion, recreated: outcome.recreated, refused };
    });
    return { path: ctx.dbPath, ...done, backup };
  } catch (err) {
    throw explainSqliteError(err, ctx.dbPath);
  } finally {
    db.close();
  }
}
