import type { SchemaObject, SchemaObjectsReport } from '../../../shared/types/schema';
import { currentVersionOf, readAppliedVersions } from '../core/history/bookkeeping';
import type { EngineContext } from '../context';
import { withDatabase } from '../core/sqlite/open-database';

// The live schema as SQLite stores it: every table, index, view and trigger with the statement
// that made it, so another machine can compare two deployments object by object (fleet compare).
// Rows are never read.

export function schemaObjects(ctx: EngineContext): SchemaObjectsReport {
  return withDatabase(ctx.dbPath, { mode: 'read', busyTimeoutMs: ctx.busyTimeoutMs }, (db) => {
    const objects = db
      .prepare("SELECT type, name, tbl_name AS \"table\", sql FROM sqlite_schema WHERE type IN ('table', 'index', 'view', 'trigger') ORDER BY rowid")
      .all() as SchemaObject[];
    return { path: ctx.dbPath, version: currentVersionOf(readAppliedVersions(db, ctx.schema)), objects };
  });
}
