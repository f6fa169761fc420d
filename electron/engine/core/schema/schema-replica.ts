import { newConnection } from '../sqlite/sqlite-addon';
import type { Connection } from '../sqlite/open-database';

// A blank in-memory database with the same schema as a live one and none of its rows: what a
// migration can be tried on to see whether the live schema trips it, in milliseconds.

interface SchemaRow {
  name: string;
  sql: string;
}

/** Tables first, then indexes, views and triggers, each in the order they were created. */
const SCHEMA_IN_DEPENDENCY_ORDER = `
  SELECT name, sql FROM sqlite_master
  WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
  ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 WHEN 'view' THEN 2 ELSE 3 END, rowid`;

export function replicateSchema(db: Connection): Connection {
  const rows = db.prepare(SCHEMA_IN_DEPENDENCY_ORDER).all() as SchemaRow[];
  const replica = newConnection(':memory:');
  try {
    replica.pragma('foreign_keys = OFF'); // as the engine runs every step
    for (const row of rows) replica.exec(row.sql);
    return replica;
  } catch (err) {
    replica.close();
    throw err;
  }
}
