import type { TableDamageOptions } from '../../../../shared/types/repair';
import { newestVerifiedBackup } from '../../../../shared/newest-verified-backup';
import type { EngineContext } from '../../context';
import { userTableNames } from '../schema/introspect';
import { listBackups } from '../backups/list-backups';
import { withDatabase, type Connection } from '../sqlite/open-database';

// The fix that fits the damage. Damage only in indexes: every row is still in its table, so the
// indexes are rebuilt from the tables in place. Damage to a table's pages: rows are lost in this
// file, so what fits is the newest verified backup, a salvage into a new file, or both — with the
// rows each would give back, table by table.

const SCRATCH = 'warden_index_rebuild_scratch';
const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

function rootOf(db: Connection, index: string): number {
  return (db.prepare("SELECT rootpage FROM sqlite_schema WHERE type = 'index' AND name = ?").get(index) as { rootpage: number }).rootpage;
}

/**
 * Rebuilds `indexes` from their tables, inside the caller's write transaction. REINDEX alone
 * cannot: it first frees the index's pages by walking them, and a damaged page stops it
 * (SQLITE_CORRUPT). So each index is first given a new, empty b-tree — sqlite_schema.rootpage
 * edited under writable_schema with schema_version bumped, as sqlite.org/lang_altertable.html's
 * procedure edits sqlite_schema — and REINDEX then fills it from the table. The old pages belong
 * to no tree any more; reclaimUnusedPages gives them back after the commit.
 */
export function rebuildIndexes(db: Connection, indexes: string[]): void {
  db.unsafeMode(true);
  try {
    db.exec(`CREATE TABLE ${SCRATCH} (x)`);
    const scratch = indexes.map((_, k) => `${SCRATCH}_${k}`);
    for (const name of scratch) db.exec(`CREATE INDEX ${name} ON ${SCRATCH} (x)`);
    const roots = scratch.map((name) => rootOf(db, name));
    const schemaVersion = db.pragma('schema_version', { simple: true }) as number;
    db.pragma('writable_schema = ON');
    try {
      indexes.forEach((name, k) => db.prepare("UPDATE sqlite_schema SET rootpage = ? WHERE type = 'index' AND name = ?").run(roots[k], name));
      db.prepare("DELETE FROM sqlite_schema WHERE type = 'index' AND tbl_name = ?").run(SCRATCH);
      db.pragma(`schema_version = ${schemaVersion + 1}`);
    } finally {
      db.pragma('writable_schema = OFF');
    }
    db.exec(`DROP TABLE ${SCRATCH}`);
    for (const name of indexes) db.exec(`REINDEX ${quoted(name)}`);
  } finally {
    db.unsafeMode(false);
  }
}

/** Pages that belong to no tree and are not free (an index's old pages after a rebuild): VACUUM gives them back. */
export function reclaimUnusedPages(db: Connection): number {
  const pages = db.pragma('page_count', { simple: true }) as number;
  const free = db.pragma('freelist_count', { simple: true }) as number;
  const used = (db.prepare("SELECT count(*) AS n FROM dbstat WHERE schema = 'main'").get() as { n: number }).n;
  const unused = pages - free - used;
  if (unused > 0) db.exec('VACUUM');
  return Math.max(0, unused);
}

function countRows(db: Connection, table: string): number | null {
  try {
    const exists = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?").get(table);
    return exists ? (db.prepare(`SELECT count(*) AS n FROM ${quoted(table)}`).get() as { n: number }).n : null;
  } catch {
    return null;
  }
}

/**
 * Table by table: the rows in the live file (null where its pages are damaged: they cannot all
 * be read) beside the newest verified backup's, so a person sees what a restore would lose.
 */
export function tableDamageOptions(ctx: EngineContext, db: Connection, damaged: string[]): TableDamageOptions {
  const backup = newestVerifiedBackup(listBackups(ctx));
  const tables = [...new Set([...damaged, ...userTableNames(db, ctx.schema)])];
  const inBackup = backup
    ? withDatabase(backup.path, { mode: 'read', leaveNoFiles: true }, (copy) => new Map(tables.map((t) => [t, countRows(copy, t)])))
    : new Map<string, number | null>();
  const counts = tables.map((table) => {
    const isDamaged = damaged.includes(table);
    return { table, live: isDamaged ? null : countRows(db, table), inBackup: inBackup.get(table) ?? null, damaged: isDamaged };
  });
  return {
    tables: damaged,
    backup: backup ? { name: backup.name, createdAt: backup.createdAt, version: backup.version } : null,
    counts: counts.sort((a, b) => Number(b.damaged) - Number(a.damaged) || a.table.localeCompare(b.table)),
  };
}
