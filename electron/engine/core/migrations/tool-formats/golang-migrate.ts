import { invalidMigrationsFolder, type MigrationFile } from '../migration-file';
import { readMigrationText, sqlFilesOf, withoutBom, wordsOf } from './folder-files';
import type { ToolFormat } from './tool-format';

// golang-migrate (github.com/golang-migrate/migrate, MIGRATIONS.md): N_name.up.sql and
// N_name.down.sql, N an unsigned number (a counter or a timestamp); the step is the .up.sql file.
// Its history in SQLite (database/sqlite3) is ONE row, the current version and whether it is dirty:
// before a migration runs it writes (V, dirty), after it succeeds (V, clean), each time deleting
// the row before. A dirty row means a migration failed part-way; golang-migrate refuses to go on.

const FILE = /^(\d+)_(.*)\.(up|down)\.sql$/i;

function readFolder(dir: string): { migrations: MigrationFile[]; names: Record<string, string> } {
  const migrations: MigrationFile[] = [];
  for (const file of sqlFilesOf(dir)) {
    const match = FILE.exec(file);
    if (!match)
      throw invalidMigrationsFolder(
        dir,
        `the golang-migrate migration file name "${file}" is not <version>_<name>.up.sql or .down.sql`,
        'Name it as migrate create does: 000001_create_notes.up.sql and 000001_create_notes.down.sql.',
      );
    if (match[3].toLowerCase() === 'down') continue; // the way back; Schema Warden only goes forward
    const raw = readMigrationText(dir, file);
    // golang-migrate parses the version as a number: 000003 is version 3, and its table records 3.
    migrations.push({ version: BigInt(match[1]).toString(), description: wordsOf(match[2]), file, sql: withoutBom(raw), raw });
  }
  return { migrations, names: {} };
}

export const GOLANG_MIGRATE: ToolFormat = {
  tool: 'golang-migrate',
  versionNames: 'ordered',
  recognises: (_dir, entries) => entries.some((file) => FILE.test(file) && /\.up\.sql$/i.test(file)),
  readFolder,
  history: {
    table: 'schema_migrations',
    namedBy: 'x-migrations-table in the database URL (sqlite3://app.db?x-migrations-table=NAME)',
    versionColumn: 'version',
    // As database/sqlite3 ensureVersionTable runs it: the configured name put in unquoted, the index's name fixed.
    definition: (table) =>
      `CREATE TABLE IF NOT EXISTS ${table} (version uint64,dirty bool);\nCREATE UNIQUE INDEX IF NOT EXISTS version_unique ON ${table} (version);`,
    columns: ['version', 'dirty'],
    indexes: () => ['version_unique'],
    // A dirty version is not applied: its migration stopped part-way (see unfinished).
    appliedRows: 'NOT dirty',
  },
  unfinished(db, table) {
    const row = db.prepare(`SELECT version, dirty FROM "${table}" LIMIT 1`).get() as { version: unknown; dirty: unknown } | undefined;
    if (!row || !row.dirty) return null;
    const version = String(row.version);
    return {
      name: version,
      message: `golang-migrate left ${table} dirty at version ${version}: that migration failed or was interrupted part-way, so the schema may be anywhere between the version before it and ${version}`,
      hint: `Finish or undo migration ${version}'s changes by hand, then tell golang-migrate where the schema is, as its documentation says for a dirty database: migrate -path <migrations folder> -database sqlite3://<database> force ${version} (finished), or force the version before it (undone). Schema Warden writes nothing while it is dirty.`,
    };
  },
  record(db, table, migration) {
    // SetVersion(V, false): the one row replaced, the version bound as an integer, dirty as 0.
    db.prepare(`DELETE FROM "${table}"`).run();
    db.prepare(`INSERT INTO "${table}" (version, dirty) VALUES (?, ?)`).run(BigInt(migration.name), 0);
  },
};
