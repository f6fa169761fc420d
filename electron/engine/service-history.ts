import { tableExists } from './bookkeeping';
import { WardenError } from './errors';
import type { Connection } from './open-database';
import type { LegacyHistory, SchemaDefinition } from './schema-folder';

// The service's own version table (schema.json `legacy`: the chat service's schema_migrations),
// kept in step with schema_version. The service reports the newest row of it as the database's
// version, so every version the tool applies is written there too, in the same transaction.

/** The name the service gives `version` ('001' for 1.0.0), or the version itself. */
export function serviceVersionName(legacy: LegacyHistory, version: string): string {
  return Object.entries(legacy.versions).find(([, ours]) => ours === version)?.[0] ?? version;
}

/**
 * Creates the service's table on a database init is creating, so the service's own start-up
 * (`CREATE TABLE IF NOT EXISTS`, `INSERT OR IGNORE '001'`) finds its history there already and
 * reports the version the tool applied, not '001'.
 */
export function createServiceHistory(db: Connection, schema: SchemaDefinition): void {
  if (!schema.legacy?.definition || tableExists(db, schema.legacy.table)) return;
  try {
    db.exec(schema.legacy.definition);
  } catch (err) {
    throw new WardenError(
      'SCHEMA_INVALID',
      `The schema folder ${schema.dir} is not valid: schema.json legacy.definition fails (${(err as Error).message}).`,
      'Fix the CREATE TABLE statement in schema.json legacy.definition.',
    );
  }
  if (!tableExists(db, schema.legacy.table)) {
    throw new WardenError(
      'SCHEMA_INVALID',
      `The schema folder ${schema.dir} is not valid: schema.json legacy.definition does not create ${schema.legacy.table}.`,
      `Make legacy.definition create the table named in legacy.table (${schema.legacy.table}).`,
    );
  }
}

interface ServiceRow {
  version: string;
  description: string;
  executionMs: number | null;
}

/**
 * Records an applied version in the service's table, where it exists: the columns the service's
 * table has among version, description, status and execution_time_ms. A version already there is
 * left as it is (the service's '001' when 1.0.0 is adopted).
 */
export function recordServiceVersion(db: Connection, schema: SchemaDefinition, row: ServiceRow): void {
  const legacy = schema.legacy;
  if (!legacy || !tableExists(db, legacy.table)) return;
  const table = `"${legacy.table}"`;
  const name = serviceVersionName(legacy, row.version);
  if (db.prepare(`SELECT 1 FROM ${table} WHERE version = ?`).get(name)) return;
  const present = new Set((db.prepare('SELECT name FROM pragma_table_info(?)').all(legacy.table) as { name: string }[]).map((c) => c.name.toLowerCase()));
  const values: Record<string, unknown> = { version: name, description: row.description, status: 'completed', execution_time_ms: row.executionMs };
  const columns = Object.keys(values).filter((column) => present.has(column));
  db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`).run(...columns.map((c) => values[c]));
}
