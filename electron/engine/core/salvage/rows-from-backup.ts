import type { RecoveredTable, SalvageBackupRows } from '../../../../shared/types/repair';
import { WardenError } from '../../errors';
import { openDatabase, type Connection } from '../sqlite/open-database';
import { copyMissingRows } from '../data/copy-missing-rows';
import type { PageLedger } from './page-ledger';

// The "both" way out of a damaged file: after salvage, the rows the damaged pages held are copied
// back from a verified backup into the new file, by primary key, as recover-rows does for a live
// database. Only the tables that lost pages or rows are touched; a row deleted after the backup
// was taken comes back with them, which the report says.

/** The tables whose own pages (not only their indexes') were unreadable, or that lost a row to a broken overflow chain; never the tool's own history (`toolTables`). */
export function tablesThatLostRows(ledger: PageLedger, toolTables: ReadonlySet<string>): string[] {
  const names = [...ledger.unreadable.filter((p) => p.ownerKind === 'table').map((p) => p.table), ...ledger.lostRows.map((r) => r.table)];
  return [...new Set(names.filter((n): n is string => n !== null && !toolTables.has(n.toLowerCase()) && !n.toLowerCase().startsWith('sqlite_')))].sort();
}

/** Parents before children, so that a child's recovered rows find the parents recovered before them. */
function parentsFirst(db: Connection, tables: string[]): string[] {
  const parentsOf = (table: string) =>
    (db.prepare('SELECT DISTINCT "table" AS parent FROM pragma_foreign_key_list(?)').all(table) as { parent: string }[]).map((r) => r.parent.toLowerCase());
  const ordered: string[] = [];
  const visit = (table: string, path: Set<string>) => {
    if (ordered.includes(table) || path.has(table)) return;
    path.add(table);
    for (const parent of parentsOf(table)) {
      const named = tables.find((t) => t.toLowerCase() === parent);
      if (named) visit(named, path);
    }
    ordered.push(table);
  };
  for (const table of tables) visit(table, new Set());
  return ordered;
}

/** Copies the rows `backupPath` holds and the new file lacks, for every table that lost rows; one transaction. */
export function copyRowsFromBackup(newFile: string, backupPath: string, tables: string[]): SalvageBackupRows {
  const db = openDatabase(newFile, { mode: 'write' });
  const backup = openDatabase(backupPath, { mode: 'read' });
  try {
    const copied: RecoveredTable[] = [];
    const notMatched: { table: string; reason: string }[] = [];
    const existing = new Set((db.prepare("SELECT lower(name) AS name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name));
    db.transaction(() => {
      for (const table of parentsFirst(
        db,
        tables.filter((t) => existing.has(t.toLowerCase())),
      )) {
        try {
          // A savepoint per table: a table whose copies break a constraint of the new file is left as salvage made it.
          const steps = db.transaction(() => copyMissingRows(db, backup, table, backupPath))();
          for (const step of steps) {
            // A table whose rows came before as children of another's: what was missing then was copied then,
            // and this run counts what is missing now; the backup's rows are the larger of the two runs' counts.
            const before = copied.findIndex((c) => c.table.toLowerCase() === step.table.toLowerCase());
            if (before < 0) copied.push(step);
            else {
              const earlier = copied[before];
              copied[before] = {
                ...step,
                inBackup: Math.max(earlier.inBackup, step.inBackup),
                missing: earlier.copied + step.missing,
                copied: earlier.copied + step.copied,
              };
            }
          }
        } catch (err) {
          if (err instanceof WardenError && (err.code === 'NOT_SUPPORTED' || err.code === 'NOT_FOUND')) notMatched.push({ table, reason: err.message });
          else if (String((err as { code?: unknown }).code).startsWith('SQLITE_CONSTRAINT'))
            notMatched.push({ table, reason: `Its rows from the backup break a constraint of the new file (${(err as Error).message}); none were copied.` });
          else throw err;
        }
      }
    })();
    // A child table none of whose rows belonged to a recovered parent says nothing.
    return { backup: backupPath, tables: copied.filter((t) => t.inBackup > 0), notMatched };
  } finally {
    backup.close();
    db.close();
  }
}
