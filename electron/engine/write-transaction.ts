import type { ForeignKeyViolation } from '../../shared/types';
import { WardenError } from './errors';
import type { Connection } from './open-database';

export function foreignKeyViolations(db: Connection, table?: string): ForeignKeyViolation[] {
  const rows = (table ? db.prepare('SELECT * FROM pragma_foreign_key_check(?)').all(table) : db.prepare('SELECT * FROM pragma_foreign_key_check').all()) as {
    table: string;
    rowid: number | null;
    parent: string;
    fkid: number;
  }[];
  return rows.map((r) => ({ table: r.table, rowid: r.rowid, parent: r.parent, constraintIndex: r.fkid }));
}

/**
 * Runs `work` in one BEGIN IMMEDIATE … COMMIT. Foreign keys are off on this connection while it
 * runs (a table rebuild drops a parent table; with them on, the drop cascades into every child),
 * and PRAGMA foreign_key_check must come back empty before COMMIT, or everything rolls back.
 * BEGIN IMMEDIATE takes the write lock up front, so concurrent processes queue on the busy timeout.
 */
export function inWriteTransaction<T>(db: Connection, path: string, work: () => T): T {
  const foreignKeysWereOn = db.pragma('foreign_keys', { simple: true }) === 1;
  if (foreignKeysWereOn) db.pragma('foreign_keys = OFF');
  try {
    db.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      const violations = foreignKeyViolations(db);
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
