import { newestVerifiedBackup } from '../../../../shared/newest-verified-backup';
import type { SalvagedTable } from '../../../../shared/types/repair';
import type { EngineContext } from '../../context';
import { listBackups } from '../backups/list-backups';
import { withDatabase, type Connection } from '../sqlite/open-database';
import type { PageLedger } from './page-ledger';

// The salvage report sets each table's rows beside the newest verified backup's (inBackup): the
// yardstick a support engineer judges the salvage by, and the reason to restore instead.

/** Rows per table (SQLite's own tables left out). */
export function countRows(db: Connection): Map<string, number> {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name").all() as {
    name: string;
  }[];
  return new Map(tables.map((t) => [t.name, (db.prepare(`SELECT count(*) AS n FROM "${t.name.replace(/"/g, '""')}"`).get() as { n: number }).n]));
}

export interface BackupRows {
  name: string;
  rows: Map<string, number>;
}

/**
 * Rows per table of the newest backup that verified (never a preserved damaged copy, nor one a
 * check found altered since), to set beside what was salvaged; null when there is none.
 */
export function newestVerifiedBackupRows(ctx: EngineContext): BackupRows | null {
  const newest = newestVerifiedBackup(listBackups(ctx));
  if (!newest) return null;
  try {
    return { name: newest.name, rows: withDatabase(newest.path, { mode: 'read', leaveNoFiles: true }, countRows) };
  } catch {
    return null; // a backup that cannot be read now is no yardstick; restore and verify-backup say why
  }
}

/**
 * Each table of the new file or of the backup, by name: rows salvaged (null: the new file has no
 * such table), rows in the backup (null: no backup, or the backup has no such table, as
 * lost_and_found), its unreadable pages and the rows lost to overflow pages.
 */
export function tablesBesideBackup(rows: Map<string, number>, backup: BackupRows | null, ledger: Pick<PageLedger, 'unreadable' | 'lostRows'>): SalvagedTable[] {
  const names = new Set([...rows.keys(), ...(backup?.rows.keys() ?? [])]);
  const owned = (name: string) => (p: { table: string | null }) => p.table?.toLowerCase() === name.toLowerCase();
  return [...names].sort().map((name) => ({
    name,
    salvaged: rows.get(name) ?? null,
    inBackup: backup ? (backup.rows.get(name) ?? null) : null,
    unreadablePages: ledger.unreadable.filter(owned(name)).sort((a, b) => a.page - b.page),
    rowsLost: ledger.lostRows.filter(owned(name)).length,
  }));
}
