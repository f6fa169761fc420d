import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initialize } from '../../../actions/initialize';
import { migrate } from '../../../actions/migrate';
import { loadSchema } from '../../schema/schema-folder';
import { schemaReference } from '../../schema/schema-reference';
import { status } from '../../../actions/status';
import { contextFor, REPO_ROOT, sqlite3 } from '../../../test-support/fixtures';
import { toolApp, type ToolApp } from '../../../test-support/tool-app';

// An app whose tool was told another name for its history table: dbmate --migrations-table, and
// drizzle.config's migrations.table (drizzle-orm's migrationsTable). The real tools apply the first
// migrations under that name, Schema Warden adopts and migrates the rest in that same table, and the
// tools then find nothing to do; nothing is written under the tools' default names.

const DBMATE = join(REPO_ROOT, 'node_modules/.bin/dbmate');
const DRIZZLE_KIT = join(REPO_ROOT, 'node_modules/.bin/drizzle-kit');

const tables = (path: string) => sqlite3(path, "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name)");

describe('dbmate with --migrations-table', () => {
  const FILES: [string, string][] = [
    [
      '20240101120000_create_notes.sql',
      '-- migrate:up\nCREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);\n\n-- migrate:down\nDROP TABLE notes;\n',
    ],
    ['20240215093000_note_tags.sql', '-- migrate:up\nALTER TABLE notes ADD COLUMN tags TEXT;\n\n-- migrate:down\nALTER TABLE notes DROP COLUMN tags;\n'],
    [
      '20240320080000_note_pins.sql',
      '-- migrate:up\nALTER TABLE notes ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;\n\n-- migrate:down\nALTER TABLE notes DROP COLUMN pinned;\n',
    ],
  ];
  const dbmate = (app: ToolApp, ...args: string[]) =>
    spawnSync(
      DBMATE,
      ['--url', `sqlite:${app.dbPath}`, '--migrations-dir', app.migrationsDir, '--migrations-table', 'app_versions', '--no-dump-schema', ...args],
      { encoding: 'utf8' },
    );

  it('is adopted from the table schema.json "migrations.table" names, migrated there, and dbmate --migrations-table status then says all applied', async () => {
    const app = toolApp('dbmate', FILES, 2);
    writeFileSync(
      join(app.schemaDir, 'schema.json'),
      JSON.stringify({
        name: 'notes_app',
        title: 'Notes app',
        applicationId: 0x4e415050,
        migrations: { dir: '../db/migrations', format: 'dbmate', table: 'app_versions' },
      }),
    );
    expect(dbmate(app, 'up').status).toBe(0);
    app.addAll();
    const ctx = contextFor(app.dbPath, loadSchema(app.schemaDir));
    expect(ctx.schema.appVersionTable).toMatchObject({ table: 'app_versions', tool: 'dbmate', namedIn: 'schema.json "migrations.table"' });
    expect(status(ctx)).toMatchObject({ legacy: { table: 'app_versions', legacyVersion: '20240215093000' }, adoptable: true, pending: ['20240320080000'] });

    expect(await migrate(ctx)).toMatchObject({
      adopted: { version: '20240215093000' },
      applied: [expect.objectContaining({ version: '20240320080000' })],
      backup: { verified: { ok: true } },
    });
    expect(sqlite3(app.dbPath, 'SELECT group_concat(version) FROM (SELECT version FROM app_versions ORDER BY rowid)')).toBe(
      '20240101120000,20240215093000,20240320080000',
    );
    expect(tables(app.dbPath)).toBe('app_versions notes schema_events schema_version sqlite_sequence');
    const after = dbmate(app, 'status');
    expect(after.status, after.stderr).toBe(0);
    expect(after.stdout).toMatch(/Applied: 3\s+Pending: 0/);
  });

  it("created by warden init from the folder given as it is with the table named after it: dbmate's own table under that name, and dbmate finds nothing to do", async () => {
    const app = toolApp('dbmate', FILES);
    await initialize(contextFor(app.dbPath, loadSchema(schemaReference(app.migrationsDir, 'app_versions'))));
    const byDbmate = toolApp('dbmate', FILES);
    expect(dbmate(byDbmate, 'up').status).toBe(0);
    const tableSql = (path: string) => sqlite3(path, "SELECT sql FROM sqlite_master WHERE name = 'app_versions'");
    expect(tableSql(app.dbPath)).toBe(tableSql(byDbmate.dbPath));
    expect(tables(app.dbPath)).not.toContain('schema_migrations');
    const again = dbmate(app, 'migrate');
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).not.toContain('Applying');
  });
});

describe('Drizzle Kit with migrations.table in drizzle.config', () => {
  const MIGRATIONS = [
    { tag: '0000_create_notes', when: 1704103200000, sql: 'CREATE TABLE `notes` (\n\t`id` integer PRIMARY KEY NOT NULL,\n\t`body` text NOT NULL\n);' },
    { tag: '0001_note_tags', when: 1707989400000, sql: 'ALTER TABLE `notes` ADD `tags` text;' },
    { tag: '0002_note_pins', when: 1710921600000, sql: 'ALTER TABLE `notes` ADD `pinned` integer DEFAULT false NOT NULL;' },
  ];
  const journal = (count: number) =>
    `${JSON.stringify({ version: '7', dialect: 'sqlite', entries: MIGRATIONS.slice(0, count).map((m, idx) => ({ idx, version: '6', when: m.when, tag: m.tag, breakpoints: true })) }, null, 2)}\n`;
  const FILES: [string, string][] = [
    ['meta/_journal.json', journal(2)],
    ...MIGRATIONS.map((m): [string, string] => [`${m.tag}.sql`, m.sql]),
    ['meta/_journal.json', journal(3)],
  ];

  /** drizzle.config.mjs at the app's root, as drizzle-kit reads it, naming the history table. */
  function drizzleKitMigrate(app: ToolApp) {
    const config = join(app.root, 'drizzle.config.mjs');
    writeFileSync(
      config,
      `export default {\n  dialect: 'sqlite',\n  out: ${JSON.stringify(app.migrationsDir)},\n  dbCredentials: { url: ${JSON.stringify(app.dbPath)} },\n  migrations: { table: 'app_migrations' },\n};\n`,
    );
    const run = spawnSync(DRIZZLE_KIT, ['migrate', '--config', config], { cwd: app.root, encoding: 'utf8', timeout: 50_000 });
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
  }
  const historyRows = (path: string) => sqlite3(path, 'SELECT id IS NULL, hash, created_at, typeof(created_at) FROM app_migrations ORDER BY rowid');

  it("reads the table's name from drizzle.config beside the folder, migrates in it, and drizzle-kit migrate then finds nothing to do", async () => {
    const app = toolApp('drizzle', FILES, 3);
    drizzleKitMigrate(app);
    expect(tables(app.dbPath)).toBe('app_migrations notes');
    app.addAll();
    const schema = loadSchema(app.migrationsDir);
    expect(schema.appVersionTable).toMatchObject({
      table: 'app_migrations',
      tool: 'drizzle',
      namedIn: `${join(app.root, 'drizzle.config.mjs')} (migrations.table)`,
    });
    const ctx = contextFor(app.dbPath, schema);
    expect(await migrate(ctx)).toMatchObject({ adopted: { version: '0001' }, applied: [expect.objectContaining({ version: '0002' })] });

    const byDrizzle = toolApp('drizzle', FILES);
    drizzleKitMigrate(byDrizzle);
    expect(historyRows(app.dbPath)).toBe(historyRows(byDrizzle.dbPath));
    expect(tables(app.dbPath)).not.toContain('__drizzle_migrations');
    const rows = historyRows(app.dbPath);
    drizzleKitMigrate(app);
    expect(historyRows(app.dbPath)).toBe(rows);
    expect(sqlite3(app.dbPath, "SELECT count(*) FROM pragma_table_info('notes') WHERE name = 'pinned'")).toBe('1');
  });
});
