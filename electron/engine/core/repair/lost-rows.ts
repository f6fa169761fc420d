import type { OrphanedRows, RowsInBackup } from '../../../../shared/types/integrity';
import type { EngineContext } from '../../context';
import { listBackups } from '../backups/list-backups';
import { openDatabase, type Connection } from '../sqlite/open-database';
import { foreignKeyViolations } from '../sqlite/foreign-keys';

// Where rows went when a table was dropped or emptied: the children left pointing at nothing, and
// the verified backups that still hold the table's rows.

/** Orphaned rows per child table and parent, as PRAGMA foreign_key_check lists them. */
export function orphanedRows(db: Connection): OrphanedRows[] {
  const counts = new Map<string, OrphanedRows>();
  for (const v of foreignKeyViolations(db)) {
    const key = `${v.table}\u0000${v.parent}`;
    const entry = counts.get(key) ?? { table: v.table, parent: v.parent, rows: 0 };
    entry.rows++;
    counts.set(key, entry);
  }
  return [...counts.values()].sort((a, b) => a.table.localeCompare(b.table));
}

function countIn(db: Connection, table: string): number {
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table);
  return exists ? (db.prepare(`SELECT count(*) AS n FROM "${table.replace(/"/g, '""')}"`).get() as { n: number }).n : 0;
}

/** The rows of `tables` in each backup that was verified when it was taken, newest backup first; backups without any are left out. */
export function rowsInBackups(ctx: EngineContext, tables: string[]): RowsInBackup[] {
  if (tables.length === 0) return [];
  const found: RowsInBackup[] = [];
  for (const backup of listBackups(ctx).filter((b) => b.verified?.ok)) {
    const db = openDatabase(backup.path, { mode: 'read', singlePass: true });
    try {
      for (const table of tables) {
        const rows = countIn(db, table);
        if (rows > 0) found.push({ table, backup: backup.name, path: backup.path, createdAt: backup.createdAt, rows });
      }
    } finally {
      db.close();
    }
  }
  return found;
}
