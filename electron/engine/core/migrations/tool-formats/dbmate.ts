import { invalidMigrationsFolder, type MigrationFile } from '../migration-file';
import { readMigrationText, sqlFilesOf, withoutBom, wordsOf } from './folder-files';
import type { ToolFormat } from './tool-format';

// dbmate (github.com/amacneil/dbmate, "Creating Migrations"): <version>_<name>.sql files with
// `-- migrate:up` and `-- migrate:down` sections, the version a timestamp; the step is the up
// section. Its history in SQLite is schema_migrations(version), one row per applied version.

const FILE = /^(\d+)_?(.*)\.sql$/;
const UP = /^--\s*migrate:up\b.*$/m;
const DOWN = /^--\s*migrate:down\b.*$/m;

/** dbmate's up section, with the lines before it kept blank so a failing statement's line is the file's. */
function upSection(text: string, file: string, dir: string): string {
  const up = UP.exec(text);
  if (!up) throw invalidMigrationsFolder(dir, `${file} has no "-- migrate:up" line`, 'Start the forward step with a line "-- migrate:up", as dbmate requires.');
  const start = up.index + up[0].length;
  const down = DOWN.exec(text.slice(start));
  const body = down ? text.slice(start, start + down.index) : text.slice(start);
  const before = text.slice(0, start).split('\n').length - 1;
  return '\n'.repeat(before) + body;
}

function readFolder(dir: string): { migrations: MigrationFile[]; names: Record<string, string> } {
  const migrations = sqlFilesOf(dir).map((file) => {
    const match = FILE.exec(file);
    if (!match)
      throw invalidMigrationsFolder(
        dir,
        `the dbmate migration file name "${file}" does not start with its version`,
        'Name it as dbmate new does: 20240101120000_create_notes.sql.',
      );
    const raw = readMigrationText(dir, file);
    return { version: match[1], description: wordsOf(match[2]), file, sql: upSection(withoutBom(raw), file, dir), raw };
  });
  return { migrations, names: {} };
}

export const DBMATE: ToolFormat = {
  tool: 'dbmate',
  versionNames: 'ordered',
  recognises: (dir, entries) => entries.some((file) => FILE.test(file) && UP.test(readMigrationText(dir, file))),
  readFolder,
  history: {
    table: 'schema_migrations',
    namedBy: 'dbmate --migrations-table (or DBMATE_MIGRATIONS_TABLE)',
    versionColumn: 'version',
    // As its SQLite driver runs it, the name quoted (a custom name too: dbmate 2.24 with --migrations-table).
    definition: (table) => `CREATE TABLE IF NOT EXISTS "${table}" (version varchar(128) primary key)`,
    columns: ['version'],
    indexes: () => [],
    appliedRows: null,
  },
  unfinished: () => null,
  // dbmate binds the version as text.
  record: (db, table, migration) => void db.prepare(`INSERT INTO "${table}" (version) VALUES (?)`).run(migration.name),
};
