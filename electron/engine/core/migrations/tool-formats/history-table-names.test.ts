import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initialize } from '../../../actions/initialize';
import { migrate } from '../../../actions/migrate';
import { detectedFormatNote, loadSchema } from '../../schema/schema-folder';
import { schemaReference } from '../../schema/schema-reference';
import { status } from '../../../actions/status';
import { verify } from '../../../actions/verify';
import { resultOf, runCli } from '../../../test-support/cli';
import { contextFor, sqlite3 } from '../../../test-support/fixtures';
import { flywayCreateScript, flywayInsert, javaChecksums } from '../../../test-support/flyway-referee';
import { toolApp } from '../../../test-support/tool-app';

// History tables under the names an app gave them, for the tools that cannot run here (Flyway on
// the JVM, golang-migrate in Go): fixtures written as their documentation and sources say they write
// them, refereed by the sqlite3 shell and, for Flyway's checksum, by the JDK.

const FLYWAY_FILES: [string, string][] = [
  ['V1__create_notes.sql', 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);\n'],
  ['V2__note_tags.sql', 'ALTER TABLE notes ADD COLUMN tags TEXT;\n'],
  ['V3__note_pins.sql', 'ALTER TABLE notes ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;\n'],
];

const tables = (path: string) =>
  sqlite3(path, "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name)");

describe('Flyway with flyway.table', () => {
  /** flyway migrate of V1 and V2 into `table`, as Flyway writes it (its create script, one transaction per script). */
  function flywayMigratedApp(table: string) {
    const app = toolApp('flyway', FLYWAY_FILES, 2);
    const checksums = javaChecksums(FLYWAY_FILES.slice(0, 2).map(([file]) => join(app.migrationsDir, file)));
    const steps = FLYWAY_FILES.slice(0, 2).map(
      ([file, sql], k) =>
        `BEGIN;\n${sql}${flywayInsert({ rank: k + 1, version: String(k + 1), description: file.slice(4, -4).replace(/_/g, ' '), script: file, checksum: checksums[k] }, table)}\nCOMMIT;`,
    );
    sqlite3(app.dbPath, `${flywayCreateScript(table)}\n${steps.join('\n')}`);
    app.addAll();
    return app;
  }

  it("reads flyway.table from flyway.conf at the project's root, migrates in that table, and writes the row and index Flyway would", async () => {
    const app = flywayMigratedApp('app_history');
    writeFileSync(join(app.root, 'flyway.conf'), '# Flyway settings\nflyway.locations=filesystem:db/migrations\nflyway.table = app_history\n');
    const schema = loadSchema(app.migrationsDir);
    expect(schema.appVersionTable).toMatchObject({ table: 'app_history', tool: 'flyway', namedIn: `${join(app.root, 'flyway.conf')} (flyway.table)` });
    expect(detectedFormatNote(schema)).toContain(`Its history table is app_history (named in ${join(app.root, 'flyway.conf')} (flyway.table)).`);
    const ctx = contextFor(app.dbPath, schema);
    expect(status(ctx)).toMatchObject({ legacy: { table: 'app_history', legacyVersion: '2' }, adoptable: true, pending: ['3'] });
    await migrate(ctx);

    const [checksum] = javaChecksums([join(app.migrationsDir, 'V3__note_pins.sql')]);
    expect(sqlite3(app.dbPath, 'SELECT installed_rank, version, description, type, script, checksum, success FROM app_history ORDER BY installed_rank')).toBe(
      `1|1|create notes|SQL|V1__create_notes.sql|${javaChecksums([join(app.migrationsDir, 'V1__create_notes.sql')])[0]}|1\n2|2|note tags|SQL|V2__note_tags.sql|${javaChecksums([join(app.migrationsDir, 'V2__note_tags.sql')])[0]}|1\n3|3|note pins|SQL|V3__note_pins.sql|${checksum}|1`,
    );
    expect(tables(app.dbPath)).toBe('app_history app_history_s_idx notes schema_events schema_version');
    expect(await verify(ctx, 'full')).toMatchObject({ status: 'healthy', problems: [] });
  });

  it("reads table under [flyway] in flyway.toml, and a fresh database made by warden init gets Flyway's create script under that name", async () => {
    const app = toolApp('flyway', FLYWAY_FILES);
    writeFileSync(
      join(app.root, 'flyway.toml'),
      '[environments.default]\nurl = "jdbc:sqlite:notes.db"\n\n[flyway]\nlocations = ["filesystem:db/migrations"]\ntable = "app_history" # ours\n',
    );
    await initialize(contextFor(app.dbPath, loadSchema(app.migrationsDir)));
    const byFlyway = flywayMigratedApp('app_history');
    const objects = (path: string) => sqlite3(path, "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'app_history' ORDER BY name");
    expect(objects(app.dbPath)).toBe(objects(byFlyway.dbPath));
    expect(tables(app.dbPath)).not.toContain('flyway_schema_history');
  });

  it('records a repeatable migration in the table flyway.conf names, as Flyway does', async () => {
    const app = toolApp('flyway', [
      ...FLYWAY_FILES,
      ['R__pinned_notes.sql', 'DROP VIEW IF EXISTS pinned_notes;\nCREATE VIEW pinned_notes AS SELECT id FROM notes WHERE pinned = 1;\n'],
    ]);
    writeFileSync(join(app.root, 'flyway.conf'), 'flyway.table=app_history\n');
    await initialize(contextFor(app.dbPath, loadSchema(app.migrationsDir)));
    const [checksum] = javaChecksums([join(app.migrationsDir, 'R__pinned_notes.sql')]);
    expect(sqlite3(app.dbPath, 'SELECT installed_rank, quote(version), description, script, checksum FROM app_history WHERE installed_rank = 4')).toBe(
      `4|NULL|pinned notes|R__pinned_notes.sql|${checksum}`,
    );
    expect(tables(app.dbPath)).not.toContain('flyway_schema_history');
  });

  it('refuses a schema.json "migrations.table" that flyway.conf contradicts, naming both', () => {
    const app = toolApp('flyway', FLYWAY_FILES);
    writeFileSync(join(app.root, 'flyway.conf'), 'flyway.table=app_history\n');
    writeFileSync(
      join(app.schemaDir, 'schema.json'),
      JSON.stringify({
        name: 'notes_app',
        title: 'Notes app',
        applicationId: 1,
        migrations: { dir: '../db/migrations', format: 'flyway', table: 'other_history' },
      }),
    );
    expect(() => loadSchema(app.schemaDir)).toThrow(
      expect.objectContaining({
        code: 'SCHEMA_INVALID',
        message: expect.stringContaining(
          `schema.json "migrations.table" says "other_history" but ${join(app.root, 'flyway.conf')} (flyway.table) says "app_history"`,
        ),
      }),
    );
  });
});

describe('golang-migrate with x-migrations-table', () => {
  const FILES: [string, string][] = [
    ['000001_create_notes.up.sql', 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);\n'],
    ['000001_create_notes.down.sql', 'DROP TABLE notes;\n'],
    ['000002_note_tags.up.sql', 'ALTER TABLE notes ADD COLUMN tags TEXT;\n'],
  ];

  it("takes the table from ?x-migrations-table= after the folder, as golang-migrate's database URL names it, and keeps its one row there", async () => {
    const app = toolApp('golang-migrate', FILES, 2);
    // migrate -database 'sqlite3://notes.db?x-migrations-table=app_versions' up: ensureVersionTable, the script, SetVersion(1, false).
    sqlite3(
      app.dbPath,
      `CREATE TABLE IF NOT EXISTS app_versions (version uint64,dirty bool);\nCREATE UNIQUE INDEX IF NOT EXISTS version_unique ON app_versions (version);\n${FILES[0][1]}INSERT INTO app_versions (version, dirty) VALUES (1, 0);`,
    );
    app.addAll();
    const schema = loadSchema(schemaReference(app.migrationsDir, 'app_versions'));
    expect(schema).toMatchObject({
      dir: `${app.migrationsDir}?x-migrations-table=app_versions`,
      appVersionTable: { table: 'app_versions', namedIn: 'the history table option given with the folder' },
    });
    // The reference is the schema's whole name: an engine worker loads the same schema from it.
    expect(loadSchema(schema.dir).appVersionTable?.table).toBe('app_versions');
    const ctx = contextFor(app.dbPath, schema);
    await migrate(ctx);
    expect(sqlite3(app.dbPath, 'SELECT rowid, version, dirty, typeof(version) FROM app_versions')).toBe('1|2|0|integer');
    expect(tables(app.dbPath)).not.toContain('schema_migrations');
    expect(await verify(ctx, 'full')).toMatchObject({ status: 'healthy', problems: [] });
  });

  it('refuses another setting after the folder, and a table name that is not plain', () => {
    const app = toolApp('golang-migrate', FILES);
    expect(() => loadSchema(`${app.migrationsDir}?x-multi-statement=true`)).toThrow(
      expect.objectContaining({
        code: 'SCHEMA_NOT_FOUND',
        message: expect.stringContaining('"x-multi-statement" after "?" is not a setting Schema Warden knows'),
      }),
    );
    expect(() => loadSchema(schemaReference(app.migrationsDir, 'app versions; DROP'))).toThrow(
      expect.objectContaining({ code: 'SCHEMA_INVALID', message: expect.stringContaining('is not a plain table name') }),
    );
  });
});

describe('Prisma Migrate, whose table cannot be renamed', () => {
  it('refuses a history table named for it, saying Prisma always keeps _prisma_migrations', () => {
    const app = toolApp('prisma', [['20240101120000_init/migration.sql', 'CREATE TABLE notes (id INTEGER PRIMARY KEY);\n']]);
    expect(() => loadSchema(schemaReference(app.migrationsDir, 'app_migrations'))).toThrow(
      expect.objectContaining({ code: 'SCHEMA_INVALID', message: expect.stringContaining('prisma always keeps its history in _prisma_migrations') }),
    );
  });
});

describe('warden --migrations-table', () => {
  it('names the table of a dbmate folder given as it is: init writes there and says so, and status reads it', () => {
    const app = toolApp('dbmate', [
      ['20240101120000_create_notes.sql', '-- migrate:up\nCREATE TABLE notes (id INTEGER PRIMARY KEY);\n-- migrate:down\nDROP TABLE notes;\n'],
    ]);
    const init = runCli(['init', '--db', app.dbPath, '--schema', app.migrationsDir, '--migrations-table', 'app_versions']);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stderr).toContain('Its history table is app_versions (named in the history table option given with the folder).');
    expect(sqlite3(app.dbPath, 'SELECT version FROM app_versions')).toBe('20240101120000');
    const report = runCli(['status', '--db', app.dbPath, '--schema', app.migrationsDir, '--migrations-table', 'app_versions', '--json']);
    expect(resultOf(report)).toMatchObject({ version: '20240101120000', pending: [], problems: [expect.objectContaining({ kind: 'backup' })] });
  });
});
