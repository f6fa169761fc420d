import type { MigrationFile, ToolName } from '../migration-file';
import type { Connection } from '../../sqlite/open-database';
import type { VersionNames } from '../../schema/version-order';

// What Schema Warden knows of another migration tool: how its folder is written, and how it keeps
// its history table in SQLite, so that a database it looks after is adopted where the tool left it
// and each migration applied afterwards is recorded exactly as the tool would record it.

/** A repeatable migration's file (Flyway's R__<description>.sql): no version, applied again whenever it changes. */
export type RepeatableFile = Omit<MigrationFile, 'version'>;

/** A tool's folder as read: its migrations, and the names its history table gives their versions. */
export interface ToolFolder {
  migrations: MigrationFile[];
  /** Its repeatable migrations in the order the tool applies them (Flyway: by description); absent: the tool has none. */
  repeatables?: RepeatableFile[];
  /** The tool's name for a version where it is not the version itself: Prisma's folder name, Drizzle's journal time. */
  names: Record<string, string>;
}

/** The tool's history table in SQLite. */
export interface ToolHistoryTable {
  /** Its name unless the app's configuration names it otherwise (see namedBy). */
  table: string;
  /** How the tool lets an app give the table another name ("dbmate --migrations-table"); null: it cannot (Prisma). */
  namedBy: string | null;
  /** The column holding the tool's name for each applied version. */
  versionColumn: string;
  /** The tool's own statements creating it under `table`, as it runs them. */
  definition(table: string): string;
  /** Its columns: a table of that name without them is another tool's (schema_migrations is a common name). */
  columns: string[];
  /** The indexes those statements create on it (accounted for, not foreign objects). */
  indexes(table: string): string[];
  /** The rows the tool counts as applied, as a condition on them (null: every row). */
  appliedRows: string | null;
}

/** A history table's name read from the tool's configuration, and where it was read. */
export interface ConfiguredTable {
  table: string;
  /** The file and setting it came from: "/app/flyway.conf (flyway.table)". */
  source: string;
}

/** A migration the tool left unfinished (a dirty golang-migrate version, a failed Flyway or Prisma migration). */
export interface UnfinishedMigration {
  /** The tool's name for it: '3', '1.1', '20240101120000_init'. */
  name: string;
  message: string;
  /** The tool's own way out. */
  hint: string;
}

/** An applied migration, as the tool's history row is written from it. */
export interface RecordedMigration {
  file: MigrationFile;
  /** The tool's name for its version (see ToolFolder.names). */
  name: string;
  executionMs: number | null;
}

/** How the tool checks that an applied migration's file is unchanged: the column it keeps a checksum in, and its comparison. */
export interface ToolChecksum {
  column: string;
  /** Whether the recorded value still matches the file, as the tool itself compares them. */
  matches(recorded: unknown, file: MigrationFile): boolean;
  /** What the tool does about a mismatch, and its way out. */
  complaint: string;
  hint: string;
}

/** How the tool keeps its repeatable migrations in its history table (Flyway's R__ files). */
export interface ToolRepeatables {
  /** The checksum the tool recorded when it last applied each repeatable, by description (its identity). The table exists. */
  lastApplied(db: Connection, table: string): Map<string, unknown>;
  /** Whether the recorded checksum is the file's, as the tool compares them (a mismatch: applied again). */
  matches(recorded: unknown, file: RepeatableFile): boolean;
  /** Writes an applied repeatable into the tool's table as the tool itself would. The table exists. */
  record(db: Connection, table: string, applied: { file: RepeatableFile; executionMs: number | null }): void;
}

export interface ToolFormat {
  tool: ToolName;
  versionNames: VersionNames;
  /** Whether the folder's entries are this tool's migrations (a folder given as it is, without schema.json). */
  recognises(dir: string, entries: string[]): boolean;
  readFolder(dir: string): ToolFolder;
  history: ToolHistoryTable;
  /** The history table's name as the tool's own configuration beside the folder gives it (flyway.conf, drizzle.config); null: none does. */
  configuredTable?(dir: string): ConfiguredTable | null;
  /** Absent where the tool keeps no checksum it checks (dbmate, golang-migrate; drizzle-orm records a hash but never compares it). */
  checksum?: ToolChecksum;
  /** What the tool's own table says was left unfinished (null: nothing). The table exists. */
  unfinished(db: Connection, table: string): UnfinishedMigration | null;
  /** Writes an applied migration into the tool's table as the tool itself would. The table exists. */
  record(db: Connection, table: string, migration: RecordedMigration): void;
  /** Absent where the tool has no repeatable migrations. */
  repeatables?: ToolRepeatables;
}
