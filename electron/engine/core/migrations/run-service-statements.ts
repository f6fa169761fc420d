import type { ServiceStatementResult } from '../../../../shared/types/migrations';
import type { Connection } from '../sqlite/open-database';
import type { ServiceStatement, ServiceStatementList } from './service-statements';
import type { VersionOrder } from '../schema/version-order';

// Runs a schema's service statements on a database the way the service would, and undoes them:
// with foreign keys on (the service opens every connection with them, so cascades and parent
// checks happen as in production), setup kept for the whole run, every other statement in its
// own savepoint rolled back, so each sees the setup rows and nothing another statement did.

/** Counts a read's rows without holding them: a listed read may return a whole table. */
function countRows(rows: Iterable<unknown>): number {
  let count = 0;
  for (const _ of rows) count++;
  return count;
}

function execute(db: Connection, statement: ServiceStatement): ServiceStatementResult {
  const { name, sql, role } = statement;
  try {
    const prepared = db.prepare(sql);
    return {
      name,
      sql,
      role,
      outcome: 'ok',
      rows: prepared.reader ? countRows(prepared.iterate(...statement.params)) : prepared.run(...statement.params).changes,
      error: null,
    };
  } catch (err) {
    return { name, sql, role, outcome: 'failed', rows: null, error: (err as Error).message };
  }
}

function inRolledBackSavepoint<T>(db: Connection, savepoint: string, work: () => T): T {
  db.exec(`SAVEPOINT ${savepoint}`);
  try {
    return work();
  } finally {
    db.exec(`ROLLBACK TO ${savepoint}`);
    db.exec(`RELEASE ${savepoint}`);
  }
}

/** Runs every statement of `list` on `db` (at `version`), leaving it as it was; one result per statement, in order. */
export function runServiceStatements(db: Connection, list: ServiceStatementList, version: string | null, order: VersionOrder): ServiceStatementResult[] {
  // The pragma is a no-op inside a transaction, so it is set before the first savepoint.
  db.pragma('foreign_keys = ON');
  return inRolledBackSavepoint(db, 'service_statements', () => {
    const results: ServiceStatementResult[] = [];
    for (const statement of list.statements) {
      const setupFailed = results.find((r) => r.role === 'setup' && r.outcome === 'failed');
      if (setupFailed) {
        results.push(skipped(statement, `not run: the setup statement "${setupFailed.name}" failed, so the rows it needs are missing`));
      } else if (statement.since !== null && (version === null || order.lt(version, statement.since))) {
        results.push(skipped(statement, `not run: listed as working from ${statement.since} on, and the database is at ${version ?? 'no version'}`));
      } else if (statement.role === 'setup') {
        results.push(execute(db, statement));
      } else {
        results.push(inRolledBackSavepoint(db, 'service_statement', () => execute(db, statement)));
      }
    }
    return results;
  });
}

function skipped({ name, sql, role }: ServiceStatement, why: string): ServiceStatementResult {
  return { name, sql, role, outcome: 'skipped', rows: null, error: why };
}
