import Database from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, sql, type Migration } from 'kysely';
import { loadSchema, splitStatements } from '../../electron/engine';

// Kysely's Migrator on better-sqlite3, set up as its documentation shows, running our
// migrations: `node kysely-migrator.mjs <db> <schema-dir>`. Exit 0 when migrateToLatest succeeds.

const [dbPath, schemaDir] = process.argv.slice(2);

// better-sqlite3 prepares one statement at a time: each migration runs statement by statement.
const migrations: Record<string, Migration> = Object.fromEntries(
  loadSchema(schemaDir).migrations.map((m) => [
    m.file,
    {
      async up(db: Kysely<any>) {
        for (const statement of splitStatements(m.sql)) await sql.raw(statement.sql).execute(db);
      },
    },
  ]),
);

const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new Database(dbPath) }) });
const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
const { error, results } = await migrator.migrateToLatest();
await db.destroy();
process.stdout.write(`${JSON.stringify({ applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) })}\n`);
if (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
}
