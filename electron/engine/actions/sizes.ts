import type { SizedObject, SizesReport } from '../../../shared/types/schema';
import type { EngineContext } from '../context';
import { withDatabase } from '../core/sqlite/open-database';
import { inOneReadTransaction, sizesOnDisk } from './tables';

// Where the file's bytes go, for the Sizes chart: every table and index as dbstat sums its pages
// (SQLite's own schema table and automatic indexes included: they take room too), and the free
// list, which VACUUM gives back. One read transaction, so the parts add up to the file.

interface MasterRow {
  type: 'table' | 'index';
  name: string;
  tbl_name: string;
}

export function sizes(ctx: EngineContext): SizesReport {
  return withDatabase(ctx.dbPath, { mode: 'read', busyTimeoutMs: ctx.busyTimeoutMs }, (db) =>
    inOneReadTransaction(db, () => {
      const measured = sizesOnDisk(db);
      const master = new Map(
        (db.prepare("SELECT type, name, tbl_name FROM sqlite_master WHERE type IN ('table', 'index')").all() as MasterRow[]).map((row) => [row.name, row]),
      );
      const objects: SizedObject[] = [...(measured ?? new Map<string, number>())].map(([name, bytes]) => {
        const row = master.get(name);
        // dbstat names the schema table sqlite_schema (or sqlite_master); it has no row of its own.
        if (!row) return { name, kind: 'schema', table: name, bytes };
        return { name, kind: row.type, table: row.tbl_name, bytes };
      });
      objects.sort((a, b) => b.bytes - a.bytes || a.name.localeCompare(b.name));
      const pageSize = db.pragma('page_size', { simple: true }) as number;
      const pageCount = db.pragma('page_count', { simple: true }) as number;
      const freePages = db.pragma('freelist_count', { simple: true }) as number;
      return {
        path: ctx.dbPath,
        measured: measured !== null,
        pageSize,
        pageCount,
        bytes: pageSize * pageCount,
        freePages,
        freeBytes: freePages * pageSize,
        objects,
      };
    }),
  );
}
