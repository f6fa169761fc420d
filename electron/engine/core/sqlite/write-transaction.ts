import type { ForeignKeyViolation } from '../../../../shared/types/integrity';
import { WardenError } from '../../errors';
import { tablesToCheck, type TouchedTables } from '../migrations/foreign-key-scope';
import { foreignKeyViolations } from './foreign-keys';
import type { Connection } from './open-database';

interface ChangeCounters {
  rows: number;
  schema: number;
}

/** Rows changed on this connection (triggers' included) and the schema cookie, which every DDL statement bumps. */
function changeCounters(db: Connection): ChangeCounters {
  return db.prepare('SELECT total_changes() AS rows, (SELECT schema_version FROM pragma_schema_version) AS schema').get() as ChangeCounters;
}

function changedSince(db: Connection, before: ChangeCounters): boolean {
  const now = changeCounters(db);
  return now.rows !== before.rows || now.schema !== before.schema;
}

/**
 * Runs `work` in one BEGIN IMMEDIATE … COMMIT. Foreign keys are off on this connection while it
 * runs (a table rebuild drops a parent table; with them on, the drop cascades into every child),
 * and PRAGMA foreign_key_check must come back empty before COMMIT, or everything rolls back.
 * A transaction that changed no row and no schema (another process had done the work) skips the
 * check: it cannot have broken a foreign key, and on a large database the check takes seconds.
 * `touched` may narrow the check to the tables the work changed and their children.
 * BEGIN IMMEDIATE takes the write lock up front, so concurrent processes queue on the busy timeout.
 */
/** Foreign-key violations in the tables `touched` may have broken (all tables when 'all'). */
function violationsAfter(db: Connection, touched: TouchedTables): ForeignKeyViolation[] {
  const tables = tablesToCheck(db, touched);
  return tables === 'all' ? foreignKeyViolations(db) : tables.flatMap((table) => foreignKeyViolations(db, table));
}

const violationKey = (v: ForeignKeyViolation) => `${v.table}\u0000${v.rowid}\u0000${v.parent}\u0000${v.constraintIndex}`;

export interface WriteTransactionOptions<T> {
  /** Narrows the check before COMMIT to the tables the work changed and their children. */
  touched?: (result: T) => TouchedTables;
  /**
   * Violations already in the file when the transaction begins may stay (a repair that recreates an
   * emptied parent cannot give its orphans their rows back); the work must add none. Read under the lock.
   */
  keepPreexistingViolations?: boolean;
}

export function inWriteTransaction<T>(db: Connection, path: string, work: () => T, options: WriteTransactionOptions<T> = {}): T {
  const touched = options.touched ?? (() => 'all' as const);
  const foreignKeysWereOn = db.pragma('foreign_keys', { simple: true }) === 1;
  if (foreignKeysWereOn) db.pragma('foreign_keys = OFF');
  try {
    db.exec('BEGIN IMMEDIATE');
    try {
      const preexisting = new Set(options.keepPreexistingViolations ? foreignKeyViolations(db).map(violationKey) : []);
      const before = changeCounters(db);
      const result = work();
      const found = changedSince(db, before) ? violationsAfter(db, touched(result)) : [];
      const violations = found.filter((v) => !preexisting.has(violationKey(v)));
      if (violations.length) {
        const first = violations[0];
        throw new WardenError(
          'FOREIGN_KEY_VIOLATION',
          `The change would leave ${violations.length} row(s) in ${path} pointing at missing parents (first: ${first.table} rowid ${first.rowid} → ${first.parent}); nothing was changed.`,
          'Fix the rows the change orphans, or the migration, then run it again.',
          { count: violations.length, violations: violations.slice(0, 100) },
        );
      }
      db.exec('COMMIT');
      return result;
    } catch (err) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw err;
    }
  } finally {
    if (foreignKeysWereOn) db.pragma('foreign_keys = ON');
  }
}
