import type { TableSummary, TablesReport } from '../../shared/types';
import { throwIfCancelled, type EngineContext } from './context';
import type { Connection } from './open-database';
import { withDatabase } from './open-database';

// What a support engineer looks at first: every table and view, how many rows, and how much of
// the file each takes. Sizes come from SQLite's dbstat virtual table, where the build has it.

interface MasterRow {
  type: 'table' | 'view' | 'index';
  name: string;
  tbl_name: string;
  sql: string | null;
}

function hasDbstat(db: Connection): boolean {
  return db.prepare("SELECT 1 FROM pragma_compile_options WHERE compile_options = 'ENABLE_DBSTAT_VTAB'").get() !== undefined;
}

/** Bytes on disk per table or index, from dbstat (one pass over the file), or null without it. */
function sizesOnDisk(db: Connection): Map<string, number> | null {
  if (!hasDbstat(db)) return null;
  const rows = db.prepare("SELECT name, sum(pgsize) AS bytes FROM dbstat WHERE schema = 'main' GROUP BY name").all() as { name: string; bytes: number }[];
  return new Map(rows.map((r) => [r.name, r.bytes]));
}

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Every table (SQLite's own included: they take room too) and view, by name, with rows, size and indexes. */
export function listTables(ctx: EngineContext): TablesReport {
  return withDatabase(ctx.dbPath, { mode: 'read', busyTimeoutMs: ctx.busyTimeoutMs }, (db) =>
    // One read transaction: the counts and sizes are of one moment, even while a service writes.
    db.transaction(() => {
      const objects = db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type IN ('table', 'view', 'index') ORDER BY name").all() as MasterRow[];
      const sizes = sizesOnDisk(db);
      const listed = objects.filter((o) => o.type !== 'index');
      const tables: TableSummary[] = listed.map((object, index) => {
        throwIfCancelled(ctx, 'Listing tables');
        ctx.onProgress?.({ operation: 'tables', phase: `counting ${object.name}`, done: index, total: listed.length });
        // A view's count runs its query, which may be slow or fail on a broken schema: views are listed, not counted.
        const rows = object.type === 'table' ? (db.prepare(`SELECT count(*) AS n FROM ${quoted(object.name)}`).get() as { n: number }).n : null;
        const indexes = objects
          .filter((o) => o.type === 'index' && o.tbl_name === object.name)
          .map((o) => ({ name: o.name, automatic: o.sql === null, bytes: sizes?.get(o.name) ?? null }));
        const columns = (db.prepare('SELECT name FROM pragma_table_info(?)').all(object.name) as { name: string }[]).map((c) => c.name);
        return { name: object.name, kind: object.type as 'table' | 'view', rows, bytes: object.type === 'table' ? (sizes?.get(object.name) ?? null) : null, indexes, columns };
      });
      const pageSize = db.pragma('page_size', { simple: true }) as number;
      const pages = db.pragma('page_count', { simple: true }) as number;
      return { path: ctx.dbPath, sizesMeasured: sizes !== null, fileBytes: pageSize * pages, tables };
    }).deferred(),
  );
}
