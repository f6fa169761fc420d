import { tableExists } from './bookkeeping';
import { WardenError } from '../../errors';
import type { Connection } from '../sqlite/open-database';
import type { AppVersionTable, Migration, SchemaDefinition } from '../schema/schema-folder';
import type { UnfinishedMigration } from '../migrations/tool-formats/tool-format';
import { TOOL_FORMATS } from '../migrations/tool-formats/tool-formats';
import { compareVersionNames } from '../schema/version-order';

// The app's own version table (schema.json `appVersionTable`: the chat service's schema_migrations),
// kept in step with the tool's versions table. The service reports the newest row of it as the
// database's version, so every version the tool applies is written there too, in the same transaction.
// A migration tool's own table (dbmate's, golang-migrate's, Flyway's…) is read and written as that
// tool does (tool-formats/), so the tool agrees afterwards.

const quoted = (name: string) => `"${name}"`;

/** The name the app gives `version` ('001' for 1.0.0), or the version itself. */
export function serviceVersionName(app: AppVersionTable, version: string): string {
  return Object.entries(app.versions).find(([, ours]) => ours === version)?.[0] ?? version;
}

/** The rows a tool counts as applied (a failed Flyway row does not count), as a WHERE clause; '' for every row. */
function appliedRowsOf(app: AppVersionTable): string {
  const condition = app.tool ? TOOL_FORMATS[app.tool].history.appliedRows : null;
  return condition ? `WHERE ${condition}` : '';
}

/**
 * Refuses a table of the tool's table's name that is not the tool's (a dbmate or Rails
 * schema_migrations read as golang-migrate's): reading or writing it as the tool's would misread it.
 */
function assertToolTable(db: Connection, app: AppVersionTable): void {
  if (!app.tool) return;
  const present = (db.prepare('SELECT name FROM pragma_table_info(?)').all(app.table) as { name: string }[]).map((c) => c.name.toLowerCase());
  const missing = TOOL_FORMATS[app.tool].history.columns.filter((column) => !present.includes(column));
  if (missing.length === 0) return;
  throw new WardenError(
    'FOREIGN_APPLICATION',
    `The table ${app.table} in this database is not ${app.tool}'s history: it has no ${missing.join(', ')} column${missing.length === 1 ? '' : 's'} (it has ${present.join(', ')}). Another tool keeps a table of that name here.`,
    'Check the schema folder: name the migrations folder of the tool that made this database (schema.json "migrations.format"). Nothing was changed.',
    undefined,
    [{ action: 'schemaFolder' }],
  );
}

/** What the app's migration tool left unfinished in its table (a dirty golang-migrate version, a failed Flyway or Prisma migration); null: nothing. */
export function readUnfinished(db: Connection, schema: Pick<SchemaDefinition, 'appVersionTable'>): (UnfinishedMigration & { table: string }) | null {
  const app = schema.appVersionTable;
  if (!app?.tool || !tableExists(db, app.table)) return null;
  assertToolTable(db, app);
  const unfinished = TOOL_FORMATS[app.tool].unfinished(db, app.table);
  return unfinished && { ...unfinished, table: app.table };
}

/** An applied migration whose file no longer matches the checksum the app's tool recorded for it: the tool will say so. */
export interface ToolChecksumMismatch {
  file: string;
  recorded: string;
  complaint: string;
  hint: string;
}

/** The applied migrations whose files changed since the app's tool applied them, as the tool compares them (empty: none, or the tool keeps no checksum). */
export function readToolChecksumMismatches(db: Connection, schema: Pick<SchemaDefinition, 'appVersionTable' | 'migrations'>): ToolChecksumMismatch[] {
  const app = schema.appVersionTable;
  const checksum = app?.tool ? TOOL_FORMATS[app.tool].checksum : undefined;
  if (!app || !checksum || !tableExists(db, app.table)) return [];
  assertToolTable(db, app);
  const rows = db
    .prepare(`SELECT ${quoted(app.versionColumn)} AS name, ${quoted(checksum.column)} AS recorded FROM ${quoted(app.table)} ${appliedRowsOf(app)}`)
    .all() as { name: unknown; recorded: unknown }[];
  return rows.flatMap((row) => {
    const version = app.versions[String(row.name)] ?? String(row.name);
    const migration = schema.migrations.find((m) => m.version === version);
    if (!migration || checksum.matches(row.recorded, migration)) return [];
    return [{ file: migration.file, recorded: String(row.recorded), complaint: checksum.complaint, hint: checksum.hint }];
  });
}

/** The app's current version as its table records it (null: no row): the last row written, or the highest version name, as the schema declares. */
export function readAppVersion(db: Connection, app: AppVersionTable): string | null {
  assertToolTable(db, app);
  const column = quoted(app.versionColumn);
  const where = appliedRowsOf(app);
  if (app.current === 'last-written') {
    const row = db.prepare(`SELECT ${column} AS version FROM ${quoted(app.table)} ${where} ORDER BY rowid DESC LIMIT 1`).get() as
      | { version: unknown }
      | undefined;
    return row === undefined ? null : String(row.version);
  }
  const names = (db.prepare(`SELECT ${column} AS version FROM ${quoted(app.table)} ${where}`).all() as { version: unknown }[]).map((r) => String(r.version));
  return names.length ? names.sort(compareVersionNames)[names.length - 1] : null;
}

/**
 * Creates the service's table on a database init is creating, so the service's own start-up
 * (`CREATE TABLE IF NOT EXISTS`, `INSERT OR IGNORE '001'`) finds its history there already and
 * reports the version the tool applied, not '001'.
 */
export function createServiceHistory(db: Connection, schema: SchemaDefinition): void {
  const app = schema.appVersionTable;
  if (!app?.definition || tableExists(db, app.table)) return;
  try {
    db.exec(app.definition);
  } catch (err) {
    throw new WardenError(
      'SCHEMA_INVALID',
      `The schema folder ${schema.dir} is not valid: schema.json appVersionTable.definition fails (${(err as Error).message}).`,
      'Fix the CREATE TABLE statement in schema.json appVersionTable.definition.',
    );
  }
  if (!tableExists(db, app.table)) {
    throw new WardenError(
      'SCHEMA_INVALID',
      `The schema folder ${schema.dir} is not valid: schema.json appVersionTable.definition does not create ${app.table}.`,
      `Make appVersionTable.definition create the table named in appVersionTable.table (${app.table}).`,
    );
  }
}

interface ServiceRow {
  migration: Migration;
  executionMs: number | null;
}

/**
 * Records an applied version in the app's table, where it exists: the columns the app's table has
 * among its version column, description, status and execution_time_ms. A version already there is
 * left as it is (the service's '001' when 1.0.0 is adopted).
 */
export function recordServiceVersion(db: Connection, schema: SchemaDefinition, row: ServiceRow): void {
  const app = schema.appVersionTable;
  if (!app || !tableExists(db, app.table)) return;
  assertToolTable(db, app);
  const table = quoted(app.table);
  const name = serviceVersionName(app, row.migration.version);
  const where = appliedRowsOf(app);
  if (db.prepare(`SELECT 1 FROM ${table} WHERE ${quoted(app.versionColumn)} = ? ${where.replace('WHERE', 'AND')}`).get(name)) return;
  if (app.tool) {
    TOOL_FORMATS[app.tool].record(db, app.table, { file: row.migration, name, executionMs: row.executionMs });
    return;
  }
  const present = new Set((db.prepare('SELECT name FROM pragma_table_info(?)').all(app.table) as { name: string }[]).map((c) => c.name.toLowerCase()));
  const values: Record<string, unknown> = {
    description: row.migration.description,
    status: 'completed',
    execution_time_ms: row.executionMs,
    [app.versionColumn.toLowerCase()]: name,
  };
  const columns = Object.keys(values).filter((column) => present.has(column));
  db.prepare(`INSERT INTO ${table} (${columns.map(quoted).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`).run(...columns.map((c) => values[c]));
}
