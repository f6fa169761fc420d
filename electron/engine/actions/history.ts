import type { HistoryReport } from '../../../shared/types/history';
import { currentVersionOf, readAppliedVersions, readEvents } from '../core/history/bookkeeping';
import type { EngineContext } from '../context';
import { withDatabase } from '../core/sqlite/open-database';

/** Every applied version and every lifecycle event, newest first. */
export function history(ctx: EngineContext): HistoryReport {
  return withDatabase(ctx.dbPath, { mode: 'read', busyTimeoutMs: ctx.busyTimeoutMs }, (db) => {
    const versions = readAppliedVersions(db, ctx.schema);
    return { path: ctx.dbPath, version: currentVersionOf(versions), versions: [...versions].reverse(), events: readEvents(db, ctx.schema) };
  });
}
