import { ensureBookkeeping, parseDetail, tableExists } from './bookkeeping';
import type { Connection } from '../sqlite/open-database';
import type { SchemaDefinition } from '../schema/schema-folder';

// The audit trail lives inside the database file, so a restore that only copied the backup in
// would erase the record of everything done since the backup was taken — the restore included.
// Before the cut-over, the events of the database being replaced are carried into the content
// being restored, marked with where they came from.

interface EventRow {
  id: number;
  at: string;
  action: string;
  version: string | null;
  outcome: string;
  actor: string;
  detail: string;
}

function eventRows(db: Connection, table: string): EventRow[] {
  if (!tableExists(db, table)) return [];
  return db.prepare(`SELECT event_id AS id, at, action, version, outcome, actor, detail FROM "${table}" ORDER BY event_id`).all() as EventRow[];
}

/**
 * One event, however often it was carried: a database restored from a backup, then restored back
 * from its pre-restore backup, meets its own events again with a carriedFrom added.
 */
function identityOf(row: EventRow): string {
  const { carriedFrom: _carriedFrom, ...detail } = parseDetail(row.detail);
  return JSON.stringify([row.at, row.action, row.version, row.outcome, row.actor, detail]);
}

/**
 * Appends to `restoring` the events of `replaced` it does not hold yet (the backup holds those of
 * its own past), in their order, each with detail.carriedFrom naming the database and the event's
 * id there. Returns how many were carried.
 */
export function carryHistory(replaced: Connection, restoring: Connection, replacedPath: string, schema: SchemaDefinition): number {
  ensureBookkeeping(restoring, schema);
  const events = schema.footprint.eventsTable;
  const present = new Set(eventRows(restoring, events).map(identityOf));
  const carried = eventRows(replaced, events).filter((row) => !present.has(identityOf(row)));
  const insert = restoring.prepare(`INSERT INTO "${events}" (at, action, version, outcome, actor, detail) VALUES (?, ?, ?, ?, ?, ?)`);
  for (const row of carried) {
    const detail = parseDetail(row.detail);
    const carriedFrom = detail.carriedFrom ?? { database: replacedPath, eventId: row.id };
    insert.run(row.at, row.action, row.version, row.outcome, row.actor, JSON.stringify({ ...detail, carriedFrom }));
  }
  return carried.length;
}
