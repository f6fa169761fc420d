import { recordEvent, tableExists, type NewEvent } from './bookkeeping';
import { log, type EngineContext } from '../../context';
import { WardenError } from '../../errors';
import { withDatabase } from '../sqlite/open-database';

/**
 * Records an event of an action that has already happened (a backup, a restore) in the
 * database's events table, in a transaction of its own. A database without that table is
 * not Schema Warden's to write into; one that is read-only or stays locked keeps the action,
 * and the caller is told the event is missing. Returns whether it was recorded.
 */
export function recordLifecycleEvent(ctx: EngineContext, event: NewEvent): boolean {
  try {
    return withDatabase(ctx.dbPath, { mode: 'write', busyTimeoutMs: ctx.busyTimeoutMs }, (db) => {
      const events = ctx.schema.footprint.eventsTable;
      if (!tableExists(db, events)) {
        log(ctx, 'info', `${ctx.dbPath} has no ${events} table: the ${event.action} is not recorded in it.`);
        return false;
      }
      db.transaction(() => recordEvent(db, ctx.schema, event)).immediate();
      return true;
    });
  } catch (err) {
    if (err instanceof WardenError && (err.code === 'READ_ONLY' || err.code === 'LOCKED')) {
      log(ctx, 'warn', `The ${event.action} succeeded but is not recorded in the history of ${ctx.dbPath}: ${err.message}`);
      return false;
    }
    throw err;
  }
}
