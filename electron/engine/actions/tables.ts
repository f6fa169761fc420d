import type { TableSummary, TablesReport } from '../../../shared/types/data';
import type { DamagedPage } from '../../../shared/types/integrity';
import { throwIfCancelled, type EngineContext } from '../context';
import { damageOfTable } from '../core/repair/damage-map';
import { databaseStamp } from '../core/state/database-stamp';
import { readDatabaseState } from '../core/state/database-state';
import { expectedSchemaAt } from '../core/schema/expected-schema';
import type { Connection } from '../core/sqlite/open-database';
import { withDatabase } from '../core/sqlite/open-database';

// What a support engineer looks at first: every table and view, how many rows, and how much of
// the file each takes. Sizes come from SQLite's dbstat virtual table, where the build has it.
// A table whose pages are damaged, or that the schema expects and the file lacks, is listed as
// such (`unreadable`), and every other table is listed as usual: one broken table never hides the rest.

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
export function sizesOnDisk(db: Connection): Map<string, number> | null {
  if (!hasDbstat(db)) return null;
  try {
    const rows = db.prepare("SELECT name, sum(pgsize) AS bytes FROM dbstat WHERE schema = 'main' GROUP BY name").all() as { name: string; bytes: number }[];
    return new Map(rows.map((r) => [r.name, r.bytes]));
  } catch (err) {
    if (isCorruption(err)) return null; // a damaged page stops dbstat's pass: the sizes are unknown, the rest is listed
    throw err;
  }
}

function isCorruption(err: unknown): err is Error {
  return String((err as { code?: unknown } | null)?.code).startsWith('SQLITE_CORRUPT');
}

/**
 * `work` in one read transaction. A damaged page met inside it (and caught there) makes SQLite
 * report the corruption again at COMMIT, after ending the transaction: that is not a new failure.
 */
export function inOneReadTransaction<T>(db: Connection, work: () => T): T {
  db.exec('BEGIN DEFERRED');
  let result: T;
  try {
    result = work();
  } catch (err) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw err;
  }
  try {
    db.exec('COMMIT');
  } catch (err) {
    if (!isCorruption(err)) throw err;
    if (db.inTransaction) db.exec('ROLLBACK');
  }
  return result;
}

type Unreadable = NonNullable<TableSummary['unreadable']>;

/** Damage a recent check of the unchanged file placed on a table's pages (the host's, from status or verify). */
function knownDamage(ctx: EngineContext): DamagedPage[] {
  const known = ctx.knownIntegrity;
  if (!known || known.ok || !known.damage || known.databaseStamp !== databaseStamp(ctx.dbPath)) return [];
  return known.damage.filter((d) => d.objectType === 'table' && d.object !== null);
}

function damagedBy(db: Connection, name: string, found: DamagedPage[], read: string | null): Unreadable | null {
  const known =
    found.find((d) => d.object === name) ??
    (read !== null ? damageOfTable(db, name).find((d) => d.objectType === 'table' && d.object === name && d.page !== null) : undefined);
  if (!known && read === null) return null;
  const page = known?.page ?? null;
  return { reason: 'damaged', page, message: known ? known.description : `Its pages cannot all be read: ${read}.` };
}

/** The rows of a table, counted on the table's own pages (NOT INDEXED: an intact index would hide a damaged table page). */
function countOnItsPages(db: Connection, name: string): { rows: number | null; error: string | null } {
  try {
    return { rows: (db.prepare(`SELECT count(*) AS n FROM ${quoted(name)} NOT INDEXED`).get() as { n: number }).n, error: null };
  } catch (err) {
    if (isCorruption(err)) return { rows: null, error: err.message };
    throw err;
  }
}

/** A view's columns, or why its query cannot be resolved (it names a missing table or column). */
function columnsOf(db: Connection, name: string): { columns: string[]; error: string | null } {
  try {
    return { columns: (db.prepare('SELECT name FROM pragma_table_info(?)').all(name) as { name: string }[]).map((c) => c.name), error: null };
  } catch (err) {
    const code = String((err as { code?: unknown }).code);
    if (code === 'SQLITE_ERROR' || code.startsWith('SQLITE_CORRUPT')) return { columns: [], error: (err as Error).message };
    throw err;
  }
}

/** Tables the expected schema at the recorded version has and the file lacks (none when the version cannot be read). */
function missingTables(db: Connection, ctx: EngineContext, present: Set<string>): string[] {
  try {
    const state = readDatabaseState(db, ctx.schema);
    if (!state.current || state.newerThanKnown) return [];
    return [...expectedSchemaAt(ctx.schema, state.current).tables.keys()].filter((name) => !present.has(name.toLowerCase()));
  } catch {
    return [];
  }
}

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Every table (SQLite's own included: they take room too) and view, by name, with rows, size and indexes. */
export function listTables(ctx: EngineContext): TablesReport {
  return withDatabase(ctx.dbPath, { mode: 'read', busyTimeoutMs: ctx.busyTimeoutMs }, (db) =>
    // One read transaction: the counts and sizes are of one moment, even while a service writes.
    inOneReadTransaction(db, () => {
      const objects = db
        .prepare("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type IN ('table', 'view', 'index') ORDER BY name")
        .all() as MasterRow[];
      const sizes = sizesOnDisk(db);
      const listed = objects.filter((o) => o.type !== 'index');
      const found = knownDamage(ctx);
      const tables: TableSummary[] = listed.map((object, index) => {
        throwIfCancelled(ctx, 'Listing tables');
        ctx.onProgress?.({ operation: 'tables', phase: `counting ${object.name}`, done: index, total: listed.length });
        // A view's count runs its query, which may be slow or fail on a broken schema: views are listed, not counted.
        const counted = object.type === 'table' ? countOnItsPages(db, object.name) : { rows: null, error: null };
        const indexes = objects
          .filter((o) => o.type === 'index' && o.tbl_name === object.name)
          .map((o) => ({ name: o.name, automatic: o.sql === null, bytes: sizes?.get(o.name) ?? null }));
        const { columns, error } = columnsOf(db, object.name);
        const damaged = object.type === 'table' ? damagedBy(db, object.name, found, counted.error) : null;
        const unreadable: Unreadable | null = damaged ?? (error ? { reason: 'missing', page: null, message: `Its query cannot run: ${error}.` } : null);
        const summary: TableSummary = {
          name: object.name,
          kind: object.type as 'table' | 'view',
          rows: damaged ? null : counted.rows,
          bytes: object.type === 'table' ? (sizes?.get(object.name) ?? null) : null,
          indexes,
          columns,
        };
        return unreadable ? { ...summary, unreadable } : summary;
      });
      const present = new Set(objects.map((o) => o.name.toLowerCase()));
      for (const name of missingTables(db, ctx, present)) {
        tables.push({
          name,
          kind: 'table',
          rows: null,
          bytes: null,
          indexes: [],
          columns: [],
          unreadable: {
            reason: 'missing',
            page: null,
            message: `The schema expects table ${name}, and the file does not have it: repair recreates it (empty).`,
          },
        });
      }
      tables.sort((a, b) => a.name.localeCompare(b.name));
      const pageSize = db.pragma('page_size', { simple: true }) as number;
      const pages = db.pragma('page_count', { simple: true }) as number;
      return { path: ctx.dbPath, measured: sizes !== null, bytes: pageSize * pages, tables };
    }),
  );
}
