import type { PlanBlocker } from '../../../../shared/types/migrations';
import { WardenError } from '../../errors';
import type { Migration } from '../schema/schema-folder';
import { splitStatements, type Statement } from '../schema/sql-text';
import { shapeOf } from '../schema/statement-shape';

// A migration changes the schema and rows of its own database, nothing else: a statement that
// reaches another file (ATTACH, VACUUM INTO), the file's own settings (VACUUM, file-level
// PRAGMAs) or the process (load_extension) is refused before anything runs.

/** PRAGMAs that change the file rather than its schema or rows (sqlite.org/pragma.html). */
const FILE_LEVEL_PRAGMAS = new Set([
  'application_id',
  'user_version',
  'schema_version',
  'journal_mode',
  'page_size',
  'auto_vacuum',
  'encoding',
  'locking_mode',
  'max_page_count',
  'journal_size_limit',
  'temp_store_directory',
  'data_store_directory',
  'writable_schema',
]);
/** PRAGMAs Schema Warden sets itself. */
const STAMPED_PRAGMAS = new Set(['application_id', 'user_version', 'schema_version']);

export interface OutsideStatement {
  line: number;
  /** What the statement does outside the database. */
  what: string;
  /** What to do instead. */
  instead: string;
}

function callsLoadExtension(statement: Statement): boolean {
  return statement.tokens.some(
    (token, k) => token.text.replace(/^["`[]|["`\]]$/g, '').toLowerCase() === 'load_extension' && statement.tokens[k + 1]?.text === '(',
  );
}

function reachOf(statement: Statement): Omit<OutsideStatement, 'line'> | null {
  const shape = shapeOf(statement);
  if (shape.kind === 'attach') {
    return {
      what: `${shape.verb} works on another database file than the one being migrated`,
      instead: 'move data between databases outside migrations (a script of your own, after the migrate)',
    };
  }
  if (shape.kind === 'vacuum') {
    return shape.into
      ? { what: 'VACUUM INTO writes a copy of the database to another file', instead: 'take copies with a backup' }
      : { what: 'VACUUM rewrites the whole file outside any transaction', instead: 'run VACUUM on its own, outside migrations, while the service is stopped' };
  }
  if (shape.kind === 'set-pragma' && FILE_LEVEL_PRAGMAS.has(shape.pragma)) {
    return {
      what: `PRAGMA ${shape.pragma} changes a setting of the database file`,
      instead: STAMPED_PRAGMAS.has(shape.pragma)
        ? `Schema Warden sets ${shape.pragma} itself (from schema.json and the versions it applies)`
        : shape.pragma === 'writable_schema'
          ? 'change the schema with CREATE, ALTER and DROP statements (or the table rebuild of sqlite.org/lang_altertable.html)'
          : 'set it outside migrations (the service at start-up, or the sqlite3 shell on the file)',
    };
  }
  if (callsLoadExtension(statement))
    return { what: 'load_extension loads native code into the process running the migration', instead: 'load extensions in the service, not in a migration' };
  return null;
}

/** The statements of a migration that reach outside its database, in script order. */
export function statementsOutsideDatabase(migration: Migration): OutsideStatement[] {
  return splitStatements(migration.sql).flatMap((statement) => {
    const reach = reachOf(statement);
    return reach ? [{ line: statement.line, ...reach }] : [];
  });
}

function describe(migration: Migration, found: OutsideStatement): { message: string; hint: string } {
  return {
    message: `${migration.file} line ${found.line}: ${found.what}; a migration may only change the schema and rows of its own database.`,
    hint: `Remove it from ${migration.file}: ${found.instead}.`,
  };
}

/** A blocker for each statement of the migrations that reaches outside the database. */
export function outsideDatabaseBlockers(migrations: Migration[]): PlanBlocker[] {
  return migrations.flatMap((migration) =>
    statementsOutsideDatabase(migration).map((found) => ({ code: 'SCHEMA_INVALID' as const, ...describe(migration, found) })),
  );
}

/** Refuses a migration with a statement that reaches outside the database, before anything runs it. */
export function assertStaysInDatabase(migration: Migration): void {
  const [found] = statementsOutsideDatabase(migration);
  if (!found) return;
  const { message, hint } = describe(migration, found);
  throw new WardenError('SCHEMA_INVALID', message, hint, { file: migration.file, line: found.line });
}
