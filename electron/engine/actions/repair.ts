import type { BackupInfo } from '../../../shared/types/backups';
import type { IntegrityResult } from '../../../shared/types/integrity';
import type { RepairResult } from '../../../shared/types/repair';
import type { Problem } from '../../../shared/types/schema';
import { takeVerifiedBackup } from './backup';
import { recordEvent } from '../core/history/bookkeeping';
import { log, type EngineContext } from '../context';
import { assertWritable, readDatabaseState } from '../core/state/database-state';
import { WardenError, explainSqliteError } from '../errors';
import type { SchemaSnapshot } from '../core/schema/introspect';
import { damagedIndexes } from '../../../shared/damage';
import { damagedTables, onlyIndexesDamaged } from '../core/repair/damage-map';
import { integrityOf } from '../core/sqlite/integrity';
import { orphanedRows, rowsInBackups } from '../core/repair/lost-rows';
import { preserveCopy } from './preserve-copy';
import { rebuildIndexes, reclaimUnusedPages, tableDamageOptions } from '../core/repair/rebuild-indexes';
import { openDatabase, type Connection } from '../core/sqlite/open-database';
import { replicateSchema } from '../core/schema/schema-replica';
import { comparedSchemaAt, driftOf } from '../core/drift/drift';
import { inWriteTransaction } from '../core/sqlite/write-transaction';

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
    return {
      ...problem,
      message: `${problem.message} Repair never drops anything.`,
      hint: `Drop it yourself if nothing uses it: it is not part of version ${version}.`,
    };
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
    hint: `Restore a backup taken before the change, or write a migration that rebuilds ${problem.table ?? problem.name}.`,
    next: [{ action: 'backups' }, { action: 'restore' }],
  };
}

function recreations(db: Connection, problems: Problem[], ctx: EngineContext, version: string): RepairWork {
  const expected = comparedSchemaAt(db, ctx, version);
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
  if (renames.length === 0) return recreations(db, problems, ctx, version);
  const replica = replicateSchema(db);
  try {
    for (const { sql } of renames) replica.exec(sql);
    const rest = recreations(replica, driftOf(replica, ctx, version), ctx, version);
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
    throw new WardenError('NOT_INITIALIZED', `${ctx.dbPath} has no schema yet: there is nothing to repair.`, 'Initialize it first.', undefined, [
      { action: 'initialize' },
    ]);
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

/** The damaged tables as repair's refusals: what it cannot rewrite in place, and what fits instead. */
function tableDamageRefusals(integrity: IntegrityResult, tables: (string | null)[]): Problem[] {
  return tables.map((table) => {
    const found = integrity.damage?.find((d) => d.objectType !== 'index' && (table === null ? d.objectType !== 'table' : d.object === table));
    const what = table ? `Table ${table} has damaged pages` : 'The file has damage SQLite cannot place';
    return {
      kind: 'integrity',
      name: table ?? 'database',
      ...(table ? { table } : {}),
      change: 'failed',
      severity: 'error',
      message: `${what}: rows on them cannot be rebuilt in place, so repair writes nothing.${found ? ` ${found.description}` : ''}`,
      hint: 'Restore the newest verified backup (rows written after it are lost), or recover what can be read into a new file; or both, then recover the lost rows from the backup.',
      next: [{ action: 'backups' }, { action: 'restore' }, { action: 'salvage' }],
    };
  });
}

/**
 * Damage SQLite's integrity_check found, handled as it fits: damage only in indexes is fixed in
 * place — a byte copy of the file as it is first (preserve-copy.ts), then the indexes rebuilt in
 * one write transaction with a 'repair' event, confirmed by integrity_check before the commit and
 * again after. Damage to table pages is not written to: the result says what restoring the
 * newest verified backup would lose, table by table.
 */
function repairDamage(ctx: EngineContext, db: Connection, version: string, integrity: IntegrityResult, options: RepairOptions): RepairResult {
  const damage = integrity.damage ?? [];
  const report: RepairResult = {
    path: ctx.dbPath,
    version,
    dryRun: Boolean(options.dryRun),
    recreated: [],
    statements: [],
    refused: [],
    orphanedRows: [],
    rowsInBackups: [],
    backup: null,
    damage,
    rebuiltIndexes: [],
    preservedCopy: null,
    integrityAfter: null,
    tableDamage: null,
  };
  if (!onlyIndexesDamaged(damage)) {
    const tables = damagedTables(damage);
    return {
      ...report,
      refused: tableDamageRefusals(integrity, tables),
      tableDamage: tableDamageOptions(
        ctx,
        db,
        tables.filter((t): t is string => t !== null),
      ),
    };
  }
  const indexes = damagedIndexes(damage);
  const statements = indexes.map((name) => `REINDEX ${quoted(name)}`);
  if (options.dryRun) return { ...report, rebuiltIndexes: indexes, statements };
  const preserved = options.backup === false ? null : preserveCopy(ctx, { purpose: 'pre-repair' });
  inWriteTransaction(
    db,
    ctx.dbPath,
    () => {
      rebuildIndexes(db, indexes);
      const check = integrityOf(db, 'full');
      if (!check.ok) {
        throw new WardenError(
          'CORRUPT',
          `Rebuilding ${indexes.join(', ')} in ${ctx.dbPath} did not make integrity_check pass (${check.messages.slice(0, 3).join('; ')}), so it was undone: nothing was changed.`,
          `The damage reaches beyond those indexes. ${preserved ? `The file as it was is preserved in ${preserved.path}. ` : ''}Restore a verified backup, or salvage what can be read into a new file.`,
          { messages: check.messages.slice(0, 50) },
          [{ action: 'backups' }, { action: 'restore' }, { action: 'salvage' }],
        );
      }
      recordEvent(db, ctx.schema, {
        action: 'repair',
        version,
        outcome: 'ok',
        detail: {
          rebuiltIndexes: indexes,
          damage: damage.map((d) => ({ page: d.page, object: d.object, message: d.message })),
          preservedCopy: preserved?.path ?? null,
        },
      });
    },
    { keepPreexistingViolations: true },
  );
  const reclaimed = reclaimUnusedPages(db);
  if (reclaimed > 0) log(ctx, 'info', `Gave back ${reclaimed} page(s) the damaged indexes had used (VACUUM).`);
  return { ...report, rebuiltIndexes: indexes, statements, preservedCopy: preserved, integrityAfter: integrityOf(db, 'full'), orphanedRows: orphanedRows(db) };
}

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
    // Damage first: nothing is recreated in a file whose pages are damaged.
    const integrity = integrityOf(db, 'full');
    if (!integrity.ok) return repairDamage(ctx, db, version, integrity, options);
    const work = planRepair(db, ctx, version);
    const report = (recreated: Problem[], statements: string[], refused: Problem[], backup: BackupInfo | null, at = version): RepairResult => ({
      path: ctx.dbPath,
      version: at,
      dryRun: Boolean(options.dryRun),
      recreated,
      statements,
      refused,
      orphanedRows: orphanedRows(db),
      rowsInBackups: rowsInBackups(ctx, emptiedTables(recreated)),
      backup,
    });
    if (work.steps.length === 0 || options.dryRun)
      return report(
        work.steps.map((s) => s.problem),
        work.steps.map((s) => s.sql),
        work.refused,
        null,
      );
    const backup = options.backup === false ? null : await takeVerifiedBackup(ctx, 'pre-repair');
    const done = inWriteTransaction(
      db,
      ctx.dbPath,
      () => {
        // Decided again under the write lock: another process may have repaired or migrated meanwhile.
        const lockedVersion = recordedVersion(db, ctx);
        const current = planRepair(db, ctx, lockedVersion);
        const outcome = runSteps(db, current.steps);
        const refused = [...current.refused, ...outcome.failed];
        const statements = sqlOf(current.steps, outcome.recreated);
        if (outcome.recreated.length) {
          recordEvent(db, ctx.schema, {
            action: 'repair',
            version: lockedVersion,
            outcome: 'ok',
            detail: { recreated: outcome.recreated.map(label), statements, refused: refused.map(label), backup: backup?.path ?? null },
          });
        }
        return { version: lockedVersion, recreated: outcome.recreated, statements, refused };
      },
      { keepPreexistingViolations: true },
    );
    return report(done.recreated, done.statements, done.refused, backup, done.version);
  } catch (err) {
    throw explainSqliteError(err, ctx.dbPath);
  } finally {
    db.close();
  }
}
