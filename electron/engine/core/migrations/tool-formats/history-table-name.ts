import { invalidMigrationsFolder, type ToolName } from '../migration-file';
import { TOOL_FORMATS } from './tool-formats';

// Which table holds the app's history: the tool's default, unless the app named it otherwise as its
// tool allows (flyway.table, dbmate --migrations-table, golang-migrate's x-migrations-table, drizzle's
// migrations.table). Schema Warden must read and write the very table the tool does, or the tool
// would find its history missing and run every migration again.

export interface HistoryTableNames {
  /** schema.json "migrations.table". */
  declared?: string;
  /** Given with the folder: --migrations-table, or ?x-migrations-table= after --schema DIR. */
  given?: string;
}

export interface HistoryTableChoice {
  table: string;
  /** Where its name came from (null: the tool's default). */
  source: string | null;
}

/** The app's history table for `format`'s folder at `migrationsDir`: given > schema.json > the tool's own config > its default. */
export function historyTableOf(format: ToolName, migrationsDir: string, names: HistoryTableNames): HistoryTableChoice {
  const tool = TOOL_FORMATS[format];
  const configured = tool.configuredTable?.(migrationsDir) ?? null;
  const named = names.given ?? names.declared;
  if (named !== undefined && tool.history.namedBy === null && named !== tool.history.table) {
    throw invalidMigrationsFolder(
      migrationsDir,
      `the history table is named "${named}", but ${format} always keeps its history in ${tool.history.table}`,
      `Remove the name (schema.json "migrations.table", or the history table given with the folder): ${format} cannot be told another table, so it would never read that one.`,
    );
  }
  if (names.given !== undefined) return { table: names.given, source: 'the history table option given with the folder' };
  if (names.declared !== undefined && configured && configured.table !== names.declared) {
    throw invalidMigrationsFolder(
      migrationsDir,
      `schema.json "migrations.table" says "${names.declared}" but ${configured.source} says "${configured.table}"`,
      `Make them agree (or remove "migrations.table"): ${format} reads the table its own configuration names.`,
    );
  }
  if (names.declared !== undefined) return { table: names.declared, source: 'schema.json "migrations.table"' };
  if (configured) return { table: configured.table, source: configured.source };
  return { table: tool.history.table, source: null };
}
