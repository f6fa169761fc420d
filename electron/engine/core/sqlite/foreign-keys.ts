import type { ForeignKeyViolation } from '../../../../shared/types/integrity';
import type { Connection } from './open-database';

/** SQLite's foreign_key_check, of one table or of the whole database, as violations. */
export function foreignKeyViolations(db: Connection, table?: string): ForeignKeyViolation[] {
  const rows = (table ? db.prepare('SELECT * FROM pragma_foreign_key_check(?)').all(table) : db.prepare('SELECT * FROM pragma_foreign_key_check').all()) as {
    table: string;
    rowid: number | null;
    parent: string;
    fkid: number;
  }[];
  return rows.map((r) => ({ table: r.table, rowid: r.rowid, parent: r.parent, constraintIndex: r.fkid }));
}
