import type { ForeignKeyViolation, VerifyReport } from '../../../shared/types/integrity';
import { nowIso } from '../core/history/actor';
import { log, throwIfCancelled, type EngineContext } from '../context';
import { databaseStamp } from '../core/state/database-stamp';
import { integrityOf, integrityProblems, type IntegrityLevel } from '../core/sqlite/integrity';
import { userTableNames } from '../core/schema/introspect';
import { openDatabase, type Connection } from '../core/sqlite/open-database';
import { explainFileError } from '../errors';
import { diskFailureBehind, unlessDiskFailed } from '../core/sqlite/failing-disk';
import { checkInParallel } from '../core/sqlite/parallel-check';
import { assessDatabase, judge } from './status';
import { foreignKeyViolations } from '../core/sqlite/foreign-keys';

/** Foreign-key check table by table, so it reports progress and can stop between tables. */
function checkForeignKeys(db: Connection, ctx: EngineContext): ForeignKeyViolation[] {
  const tables = userTableNames(db, ctx.schema);
  const violations: ForeignKeyViolation[] = [];
  tables.forEach((table, index) => {
    throwIfCancelled(ctx, 'Verification');
    ctx.onProgress?.({ operation: 'verify', phase: `foreign keys of ${table}`, done: index, total: tables.length });
    try {
      violations.push(...foreignKeyViolations(db, table));
    } catch (err) {
      // A damaged table cannot be read to the end: its damage is already in the damage map.
      if (!String((err as { code?: unknown }).code).startsWith('SQLITE_CORRUPT')) throw err;
      log(ctx, 'warn', `The foreign keys of ${table} could not be checked: ${(err as Error).message} (see the damage map).`);
    }
  });
  return violations;
}

/**
 * The parallel check's violations in the order the one-thread check gives them (table by table,
 * as the schema lists them): workers finish in any order, and a report, its first problem and the
 * reason it gives must not change from one run to the next.
 */
function inTableOrder(db: Connection, ctx: EngineContext, violations: ForeignKeyViolation[]): ForeignKeyViolation[] {
  const order = new Map(userTableNames(db, ctx.schema).map((table, index) => [table, index]));
  const rank = (v: ForeignKeyViolation) => order.get(v.table) ?? order.size;
  // Array.prototype.sort is stable: each table's rows stay in the order its worker found them.
  return [...violations].sort((a, b) => rank(a) - rank(b));
}

/**
 * Verifies a database: schema drift against the expected schema at its version, then SQLite's
 * own checks — quick (quick_check) or full (integrity_check and foreign_key_check). The full
 * check runs on every core (parallel-check.ts); where that finds anything or cannot tell,
 * SQLite's whole-file check runs and its findings are the report's.
 */
export async function verify(ctx: EngineContext, level: IntegrityLevel = 'quick'): Promise<VerifyReport> {
  const started = performance.now();
  let db: Connection;
  try {
    db = openDatabase(ctx.dbPath, { mode: 'read', busyTimeoutMs: ctx.busyTimeoutMs });
  } catch (err) {
    throw unlessDiskFailed(err, ctx.dbPath, 'opening it for verification');
  }
  try {
    const stamp = databaseStamp(ctx.dbPath);
    ctx.onProgress?.({ operation: 'verify', phase: 'schema', done: 0, total: 3 });
    const assessment = assessDatabase(db, ctx);
    throwIfCancelled(ctx, 'Verification');
    ctx.onProgress?.({ operation: 'verify', phase: level === 'quick' ? 'quick_check' : 'integrity_check', done: 1, total: 3 });
    const parallel = level === 'full' ? await checkInParallel(ctx) : null;
    const integrity = parallel ? { level, ok: true, messages: [] } : integrityOf(db, level);
    // A page the disk failed to read is not damage: said as an I/O error, never a verdict of corrupt.
    const disk = integrity.ok ? null : diskFailureBehind(ctx.dbPath, level === 'quick' ? 'running quick_check' : 'running integrity_check', integrity.messages);
    if (disk) throw disk;
    const violations = level === 'full' ? (parallel ? inTableOrder(db, ctx, parallel.violations) : checkForeignKeys(db, ctx)) : [];
    ctx.onProgress?.({ operation: 'verify', phase: 'done', done: 3, total: 3 });
    const problems = [...integrityProblems(integrity, violations), ...assessment.problems];
    const verdict = judge(assessment.state, ctx, problems, assessment.pending);
    return {
      path: ctx.dbPath,
      status: verdict.status,
      reason: verdict.reason,
      version: assessment.state.current,
      problems,
      integrity,
      foreignKeyViolations: violations.slice(0, 1000),
      checkedAt: nowIso(),
      databaseStamp: stamp,
      durationMs: Math.round(performance.now() - started),
    };
  } catch (err) {
    throw unlessDiskFailed(explainFileError(err, ctx.dbPath), ctx.dbPath, 'verifying it');
  } finally {
    db.close();
  }
}
