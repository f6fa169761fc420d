import type { NextAction } from '../../../../shared/next-action';
import { WardenError } from '../../errors';

// A migration file as read from an app's folder, whoever's format it follows: a module of its own,
// so the readers of each tool's folder and the schema folder share it without importing each other.

/** How a schema's migration files are written (schema.json migrations.format): Schema Warden's own, or a tool's. */
export const MIGRATION_FORMATS = ['warden', 'dbmate', 'golang-migrate', 'flyway', 'prisma', 'drizzle'] as const;

export type MigrationFormat = (typeof MIGRATION_FORMATS)[number];

/** The tools whose migration folders and history tables are read as they are. */
export type ToolName = Exclude<MigrationFormat, 'warden'>;

/** A migration file as read: its version, its name's words, and the SQL of its forward step. */
export interface MigrationFile {
  version: string;
  description: string;
  /** Its path inside the migrations folder ('V1__x.sql', '20240101120000_init/migration.sql'). */
  file: string;
  /** The forward step's SQL (a dbmate file's up section, a Drizzle file's statements). */
  sql: string;
  /** The file's text exactly as read (a BOM kept): what the tools' own checksums are taken of. */
  raw: string;
}

export function invalidMigrationsFolder(dir: string, what: string, hint: string, next?: NextAction[]): WardenError {
  return new WardenError('SCHEMA_INVALID', `The migrations folder ${dir} is not valid: ${what}.`, hint, undefined, next);
}
