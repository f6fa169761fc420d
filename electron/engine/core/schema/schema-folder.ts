import { parseDuration } from '../../../../shared/duration';
import type { NextAction } from '../../../../shared/next-action';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import * as z from 'zod/mini';
import '../../../../shared/zod-messages';
import type { RowFilter } from '../../../../shared/types/data';
import { WardenError } from '../../errors';
import { readMigrationFiles } from '../migrations/migration-files';
import { MIGRATION_FORMATS, type MigrationFormat, type ToolName } from '../migrations/migration-file';
import { detectToolFormat, TOOL_FORMATS } from '../migrations/tool-formats/tool-formats';
import { readServiceStatements, type ServiceStatementList } from '../migrations/service-statements';
import { versionOrder, type VersionNames } from './version-order';
import { DEFAULT_FOOTPRINT, type Footprint } from './footprint';
import { parseSchemaReference, schemaReference } from './schema-reference';
import { historyTableOf } from '../migrations/tool-formats/history-table-name';
import { PLAIN_TABLE_NAME } from '../migrations/tool-formats/tool-config-files';

export interface Migration {
  version: string;
  /** The file name's words: `1.1.0__access_log_reference_type.sql` → "access log reference type". */
  description: string;
  file: string;
  sql: string;
  /** The file's text exactly as read: what another tool's checksum is taken of. */
  raw: string;
  checksum: string;
}

/** A repeatable migration (Flyway's R__<description>.sql): no version; applied after the versions, and again whenever its file changes. */
export type RepeatableMigration = Omit<Migration, 'version'>;

/**
 * The app's own version table (schema.json `appVersionTable`; `legacy` in older folders): its name,
 * the column that holds its version names, which row is its current version, its version names
 * for ours, and how a fresh database gets it.
 */
export interface AppVersionTable {
  table: string;
  /** The column holding the app's version name ('version'). */
  versionColumn: string;
  /** Which row is the app's current version: the last one written (rowid order), or the highest version name. */
  current: 'last-written' | 'highest';
  /** The app's version name → Schema Warden's version ('001' → '1.0.0'); a name that is one of the schema's versions needs no entry. */
  versions: Record<string, string>;
  /** The app's CREATE TABLE IF NOT EXISTS for it, run when init creates a database (null: never created by the tool). */
  definition: string | null;
  /** The migration tool whose history table it is (tool-formats/), read and written as that tool does; absent: a table the schema describes. */
  tool?: ToolName;
  /** Where a tool's table got a name other than the tool's default (flyway.conf, schema.json, --migrations-table); absent: the default. */
  namedIn?: string;
}

/**
 * The rows a migration step changes, declared beside it in schema.json ("dataChanges", by version):
 * which table, what happens to them in words, and the filters that select them (as the Data view
 * filters rows), so a plan can count them and the console can browse them before anything runs.
 */
export interface DataChangeDeclaration {
  table: string;
  /** What the step does to those rows, as a verb phrase: "fill in mime_type". */
  change: string;
  filters: RowFilter[];
}

export interface SchemaDefinition {
  dir: string;
  name: string;
  title: string;
  description: string;
  applicationId: number;
  /** How the schema's app records versions itself (see DESIGN.md, adoption, and service-history.ts). */
  appVersionTable: AppVersionTable | null;
  /** What the tool writes in the app's file besides its schema: see Footprint. */
  footprint: Footprint;
  /** How versions are named: semantic versions, or ordered numbers (timestamps) as other migration tools name them. */
  versionNames: VersionNames;
  /** How the migration files are written (schema.json migrations.format, or detected). */
  migrationFormat: MigrationFormat;
  /** Read from a tool's migrations folder given as it is, without a schema.json: the format was detected from its files. */
  detected: boolean;
  migrations: Migration[];
  /** Repeatable migrations in the order the tool applies them (only Flyway has them; empty otherwise). */
  repeatables: RepeatableMigration[];
  latest: string;
  /** The statements the schema's service runs (service-statements.json); null when the folder lists none. */
  serviceStatements: ServiceStatementList | null;
  /** The rows each version's step changes, by version (see DataChangeDeclaration). */
  dataChanges: Record<string, DataChangeDeclaration[]>;
  /** schema.json `backupMaxAge` ("7d", "12h"): a database whose newest verified backup is older needs attention. Absent: DEFAULT_BACKUP_MAX_AGE_MS. */
  backupMaxAgeMs?: number;
}

/** Today's names, and header marks the tool writes only where nobody else did. */

interface MigrationSource {
  dir: string;
  format: MigrationFormat;
  /** The tool's history table, where the app names it otherwise than the tool's default. */
  table?: string;
}

const DEFAULT_MIGRATIONS: MigrationSource = { dir: 'migrations', format: 'warden' };

const tableName = z.string().check(z.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a plain table name (letters, digits, underscores)'));
const markOwner = z.enum(['tool', 'app', 'unclaimed']);

const appVersionTableJson = z.object({
  table: tableName,
  versionColumn: z._default(tableName, 'version'),
  current: z._default(z.enum(['last-written', 'highest']), 'last-written'),
  versions: z._default(z.record(z.string(), z.string()), {}),
  definition: z._default(z.nullable(z.string().check(z.regex(/^\s*CREATE\s+TABLE\s+IF\s+NOT\s+EXISTS\s/i, 'a CREATE TABLE IF NOT EXISTS statement'))), null),
});

const schemaJson = z.object({
  name: z.string().check(z.regex(/^[a-z0-9_]+$/, 'lower-case letters, digits and underscores')),
  title: z.string().check(z.minLength(1)),
  description: z._default(z.string(), ''),
  applicationId: z.number().check(z.int(), z.minimum(1), z.maximum(0x7fffffff)),
  dataChanges: z._default(
    z.record(
      z.string(),
      z.array(
        z.object({
          table: z.string().check(z.minLength(1)),
          change: z.string().check(z.minLength(3)),
          filters: z.array(
            z.object({
              column: z.string().check(z.minLength(1)),
              op: z.enum(['eq', 'ne', 'contains', 'isNull', 'notNull']),
              value: z.optional(z.union([z.string(), z.number()])),
            }),
          ),
        }),
      ),
    ),
    {},
  ),
  backupMaxAge: z.optional(z.string().check(z.refine((text) => parseDuration(text) !== null, 'a duration like 7d, 12h or 30m'))),
  appVersionTable: z.optional(z.nullable(appVersionTableJson)),
  /** The key appVersionTable had before it was named for what it is; still read. */
  legacy: z.optional(z.nullable(appVersionTableJson)),
  /** Where the migration files are (relative to schema.json) and whose format they follow. */
  migrations: z._default(
    z.object({
      dir: z._default(z.string().check(z.minLength(1)), 'migrations'),
      format: z._default(z.enum(MIGRATION_FORMATS), 'warden'),
      table: z.optional(tableName),
    }),
    DEFAULT_MIGRATIONS,
  ),
  versionNames: z.optional(z.enum(['semver', 'ordered', 'dotted'])),
  footprint: z._default(
    z.object({
      versionsTable: z._default(tableName, 'schema_version'),
      eventsTable: z._default(tableName, 'schema_events'),
      userVersion: z._default(markOwner, 'unclaimed'),
      applicationId: z._default(markOwner, 'unclaimed'),
    }),
    DEFAULT_FOOTPRINT,
  ),
});

/** SHA-256 of a script with any BOM removed and line endings normalized, so a checkout on Windows matches. */
export function checksumOf(text: string): string {
  const normalized = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  return createHash('sha256').update(normalized, 'utf8').digest('hex');
}

function invalid(dir: string, what: string, hint: string, next?: NextAction[]): WardenError {
  return new WardenError('SCHEMA_INVALID', `The schema folder ${dir} is not valid: ${what}.`, hint, undefined, next);
}

type SchemaJson = z.infer<typeof schemaJson>;

function readSchemaJson(dir: string): SchemaJson {
  const file = join(dir, 'schema.json');
  if (!existsSync(file)) {
    throw new WardenError(
      'SCHEMA_NOT_FOUND',
      `No schema at ${dir}: schema.json is missing.`,
      "Name a schema folder (schema.json and migrations/<version>__<name>.sql, like the folders under schemas/), or an app's migrations folder as dbmate, golang-migrate, Flyway, Prisma Migrate or Drizzle Kit wrote it.",
      undefined,
      [{ action: 'schemaFolder' }],
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw invalid(dir, `schema.json is not JSON (${(err as Error).message})`, 'Fix the JSON syntax in schema.json.');
  }
  const parsed = schemaJson.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(dir, `schema.json field "${issue.path.join('.')}": ${issue.message}`, 'Fix schema.json: it needs name, title and applicationId.');
  }
  return parsed.data;
}

/** How each format's folder is described in a message: what to add, and how. */
function folderWords(format: MigrationFormat): { files: string; first: string } {
  if (format === 'warden')
    return { files: 'migrations/<version>__<name>.sql files, starting with 1.0.0', first: 'Add the first migration, e.g. 1.0.0__initial.sql.' };
  return { files: `${format} migration files`, first: `Add the first one as ${format} creates it.` };
}

/** The migrations folder and how its files are written (schema.json "migrations"; default: migrations/ beside schema.json, Schema Warden's own format). */
function migrationsDirOf(dir: string, source: MigrationSource): string {
  const migrationsDir = resolve(dir, source.dir);
  if (!existsSync(migrationsDir) || !statSync(migrationsDir).isDirectory()) {
    throw invalid(
      dir,
      `it has no ${source.dir}/ folder (${migrationsDir})`,
      `Add ${folderWords(source.format).files}, or point schema.json "migrations.dir" at the app's folder.`,
    );
  }
  return migrationsDir;
}

interface ReadMigrations {
  migrations: Migration[];
  repeatables: RepeatableMigration[];
  /** The tool's names for versions, where they are not the version itself. */
  names: Record<string, string>;
}

function readMigrations(dir: string, migrationsDir: string, source: MigrationSource, versionNames: VersionNames): ReadMigrations {
  const order = versionOrder({ versionNames });
  const read = readMigrationFiles(migrationsDir, source.format, versionNames);
  const migrations: Migration[] = read.migrations.map((file) => {
    if (!order.valid(file.version)) {
      throw invalid(
        dir,
        `the migration file name "${file.file}" does not start with a version`,
        'Rename it like 1.3.0__add_file_tags.sql (a semantic version, two underscores, a name).',
      );
    }
    return { ...file, checksum: checksumOf(file.sql) };
  });
  if (migrations.length === 0) throw invalid(dir, 'its migrations folder holds no migration file', folderWords(source.format).first);
  migrations.sort((a, b) => order.compare(a.version, b.version));
  for (let k = 1; k < migrations.length; k++) {
    if (order.compare(migrations[k - 1].version, migrations[k].version) === 0) {
      throw invalid(
        dir,
        `version ${migrations[k].version} appears twice (${migrations[k - 1].file}, ${migrations[k].file})`,
        'Give each migration its own version.',
      );
    }
  }
  const repeatables = (read.repeatables ?? []).map((file) => ({ ...file, checksum: checksumOf(file.sql) }));
  return { migrations, repeatables, names: read.names };
}

/** Another tool names its versions as it does (dbmate by timestamp, Flyway by dotted numbers); Schema Warden's own files by semantic version unless schema.json says otherwise. */
function versionNamesOf(dir: string, format: MigrationFormat, declared: VersionNames | undefined): VersionNames {
  if (format === 'warden') return declared ?? 'semver';
  const own = TOOL_FORMATS[format].versionNames;
  if (declared !== undefined && declared !== own) {
    throw invalid(
      dir,
      `schema.json says versionNames "${declared}" for ${format} migrations, which ${format} names as "${own}"`,
      `Remove versionNames: ${format}'s versions are named by the tool.`,
    );
  }
  return own;
}

function appVersionTableOf(dir: string, named: AppVersionTable | null | undefined, legacy: AppVersionTable | null | undefined): AppVersionTable | null {
  if (named !== undefined && legacy !== undefined) {
    throw invalid(dir, 'schema.json has both appVersionTable and legacy', 'Keep appVersionTable (legacy is its former name) and remove legacy.');
  }
  return named ?? legacy ?? null;
}

/** The history table of the tool whose folder the migrations are, under the name the app gave it, read and written as that tool does. */
function toolHistoryOf(
  dir: string,
  migrationsDir: string,
  source: MigrationSource,
  names: Record<string, string>,
  given: string | undefined,
): AppVersionTable | null {
  if (source.format === 'warden') {
    if (source.table === undefined && given === undefined) return null;
    throw invalid(
      dir,
      `a history table is named ("${given ?? source.table}") for migrations in Schema Warden's own format, which keep no tool's table`,
      'Name a history table only for another tool\'s folder (migrations.format); the tool\'s own tables are named in "footprint".',
    );
  }
  if (given !== undefined && !PLAIN_TABLE_NAME.test(given)) {
    throw invalid(
      dir,
      `the history table given with it ("${given}") is not a plain table name (letters, digits, underscores)`,
      "Give the table's name as the tool has it.",
      [{ action: 'migrationsTable' }],
    );
  }
  const { table, source: namedIn } = historyTableOf(source.format, migrationsDir, { declared: source.table, given });
  const { versionColumn, definition } = TOOL_FORMATS[source.format].history;
  return {
    table,
    versionColumn,
    current: 'highest',
    versions: names,
    definition: definition(table),
    tool: source.format,
    ...(namedIn === null ? {} : { namedIn }),
  };
}

/** The tool's two tables and the app's must be three tables: one written as another would corrupt both. */
function assertDistinctTables(dir: string, footprint: Footprint, appTable: AppVersionTable | null): void {
  const names = [footprint.versionsTable, footprint.eventsTable, ...(appTable ? [appTable.table] : [])].map((name) => name.toLowerCase());
  const repeated = names.find((name, k) => names.indexOf(name) !== k);
  if (repeated !== undefined) {
    throw invalid(
      dir,
      `the table ${repeated} is named twice among footprint.versionsTable, footprint.eventsTable and appVersionTable.table`,
      "Give the tool's versions table, its events table and the app's version table a name each.",
    );
  }
}

/**
 * What schema.json would say of a tool's migrations folder given as it is: the tool detected from
 * its files, the folder's name as the schema's, no application_id of the tool's (the app's, if it
 * has one, is kept and any is accepted).
 */
function detectedSchemaJson(dir: string): SchemaJson | null {
  if (existsSync(join(dir, 'schema.json'))) return null;
  const format = detectToolFormat(dir);
  if (format === null) return null;
  const named = basename(dir) === 'migrations' ? basename(dirname(dir)) : basename(dir);
  const name = named.toLowerCase().replace(/[^a-z0-9_]+/g, '_') || 'app';
  return {
    name,
    title: `${named} (${format} migrations)`,
    description: `The ${format} migrations folder ${dir}, read as it is (no schema.json: the format was detected from its files).`,
    applicationId: 0,
    dataChanges: {},
    migrations: { dir: '.', format },
    footprint: { ...DEFAULT_FOOTPRINT, applicationId: 'app' },
  };
}

/**
 * Reads a schema folder: schema.json, its migrations ordered by version, and its service's
 * statements if listed. A migrations folder of a tool Schema Warden knows is read as it is
 * without a schema.json: its format is detected from its files (SchemaDefinition.detected).
 */
export function loadSchema(reference: string): SchemaDefinition {
  const { folder, historyTable } = parseSchemaReference(reference);
  const absolute = resolve(folder);
  if (!existsSync(absolute) || !statSync(absolute).isDirectory()) {
    throw new WardenError(
      'SCHEMA_NOT_FOUND',
      `No schema folder at ${absolute}.`,
      'Name a schema folder (schema.json and migrations/), like the folders under schemas/.',
      undefined,
      [{ action: 'schemaFolder' }],
    );
  }
  const detected = detectedSchemaJson(absolute);
  const meta = detected ?? readSchemaJson(absolute);
  const versionNames = versionNamesOf(absolute, meta.migrations.format, meta.versionNames);
  const migrationsDir = migrationsDirOf(absolute, meta.migrations);
  const { migrations, repeatables, names } = readMigrations(absolute, migrationsDir, meta.migrations, versionNames);
  const latest = migrations[migrations.length - 1].version;
  // A declaration for a version the folder has no migration for describes no step (a copy of the folder may leave out later migrations).
  const dataChanges = Object.fromEntries(Object.entries(meta.dataChanges).filter(([version]) => migrations.some((m) => m.version === version)));
  const { backupMaxAge, legacy, appVersionTable, migrations: source, versionNames: _declared, ...rest } = meta;
  const backupMaxAgeMs = backupMaxAge === undefined ? {} : { backupMaxAgeMs: parseDuration(backupMaxAge)! };
  const declaredAppTable = appVersionTableOf(absolute, appVersionTable, legacy);
  if (declaredAppTable && historyTable !== undefined) {
    throw invalid(
      absolute,
      `a history table is given with it ("${historyTable}"), but schema.json names the app's own version table (appVersionTable: ${declaredAppTable.table})`,
      "Name the table in one place: schema.json appVersionTable.table, or the history table given with a tool's folder.",
    );
  }
  const appTable = declaredAppTable ?? toolHistoryOf(absolute, migrationsDir, source, names, historyTable);
  assertDistinctTables(absolute, rest.footprint, appTable);
  return {
    dir: schemaReference(absolute, historyTable),
    ...rest,
    appVersionTable: appTable,
    versionNames,
    migrationFormat: source.format,
    detected: detected !== null,
    dataChanges,
    migrations,
    repeatables,
    latest,
    serviceStatements: readServiceStatements(absolute, latest, versionOrder({ versionNames })),
    ...backupMaxAgeMs,
  };
}

/** What a host says of a schema read from a tool's folder given as it is (null: a schema folder with its schema.json). */
export function detectedFormatNote(schema: Pick<SchemaDefinition, 'detected' | 'dir' | 'migrationFormat' | 'appVersionTable'>): string | null {
  const app = schema.appVersionTable;
  const table = app?.namedIn ? ` Its history table is ${app.table} (named in ${app.namedIn}).` : '';
  if (!schema.detected) return table ? table.trim() : null;
  return `Read ${parseSchemaReference(schema.dir).folder} as a ${schema.migrationFormat} migrations folder (no schema.json: the format was detected from its files).${table}`;
}

/** Every schema folder under a root (each sub-folder with a schema.json), by name. */
export function listSchemas(root: string): SchemaDefinition[] {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((entry) => existsSync(join(root, entry, 'schema.json')))
    .sort()
    .map((entry) => loadSchema(join(root, entry)));
}

/** The migrations that take a database at `current` (null: fresh) to `target`, in order. */
export function pendingMigrations(schema: SchemaDefinition, current: string | null, target: string): Migration[] {
  const order = versionOrder(schema);
  return schema.migrations.filter((m) => (current === null || order.gt(m.version, current)) && order.lte(m.version, target));
}

export function migrationFor(schema: SchemaDefinition, version: string): Migration {
  const migration = schema.migrations.find((m) => m.version === version);
  if (!migration) {
    const known = schema.migrations.map((m) => m.version).join(', ');
    throw new WardenError('UNKNOWN_VERSION', `Version ${version} is not a version of the ${schema.name} schema (known: ${known}).`, `Pick one of: ${known}.`);
  }
  return migration;
}
