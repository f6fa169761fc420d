import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { history } from '../../../actions/history';
import { initialize } from '../../../actions/initialize';
import { migrate } from '../../../actions/migrate';
import { plan } from '../../../actions/plan';
import { loadSchema } from '../../schema/schema-folder';
import { status } from '../../../actions/status';
import { verify } from '../../../actions/verify';
import { contextFor, REPO_ROOT, sqlite3 } from '../../../test-support/fixtures';
import { folderDigest, toolApp, type ToolApp } from '../../../test-support/tool-app';

// A Drizzle Kit app brought as it is: NNNN_name.sql files listed by meta/_journal.json, statements
// split by `--> statement-breakpoint`, and __drizzle_migrations. The real drizzle-kit (npm, with
// better-sqlite3 as its driver) applies the first migrations, and afterwards must find nothing to do.

const DRIZZLE_KIT = join(REPO_ROOT, 'node_modules/.bin/drizzle-kit');

const MIGRATIONS: { tag: string; when: number; sql: string }[] = [
  {
    tag: '0000_create_notes',
    when: 1704103200000,
    sql: 'CREATE TABLE `notes` (\n\t`id` integer PRIMARY KEY NOT NULL,\n\t`body` text NOT NULL\n);\n--> statement-breakpoint\nCREATE INDEX `notes_body_idx` ON `notes` (`body`);',
  },
  { tag: '0001_note_tags', when: 1707989400000, sql: 'ALTER TABLE `notes` ADD `tags` text;' },
  {
    tag: '0002_note_pins',
    when: 1710921600000,
    sql: 'ALTER TABLE `notes` ADD `pinned` integer DEFAULT false NOT NULL;--> statement-breakpoint\nCREATE INDEX `notes_pinned_idx` ON `notes` (`pinned`);',
  },
  { tag: '0003_note_colour', when: 1711962000000, sql: 'ALTER TABLE `notes` ADD `colour` text;' },
];

const journal = (count: number) =>
  `${JSON.stringify({ version: '7', dialect: 'sqlite', entries: MIGRATIONS.slice(0, count).map((m, idx) => ({ idx, version: '6', when: m.when, tag: m.tag, breakpoints: true })) }, null, 2)}\n`;

/** The first two migrations with their journal; addAll brings the other two and the journal listing all four. */
const FILES: [string, string][] = [
  ['meta/_journal.json', journal(2)],
  ...MIGRATIONS.map((m): [string, string] => [`${m.tag}.sql`, m.sql]),
  ['meta/_journal.json', journal(4)],
];

/** drizzle-kit migrate with a config naming the app's folder and database. */
function drizzleKitMigrate(app: ToolApp) {
  const config = join(app.root, 'drizzle.config.mjs');
  writeFileSync(config, `export default ${JSON.stringify({ dialect: 'sqlite', out: app.migrationsDir, dbCredentials: { url: app.dbPath } })};\n`);
  const run = spawnSync(DRIZZLE_KIT, ['migrate', '--config', config], { cwd: app.root, encoding: 'utf8', timeout: 50_000 });
  expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
  return run;
}

const historyRows = (path: string) => sqlite3(path, 'SELECT id IS NULL, hash, created_at, typeof(created_at) FROM __drizzle_migrations ORDER BY rowid');
const historyTable = (path: string) => sqlite3(path, "SELECT sql FROM sqlite_master WHERE tbl_name = '__drizzle_migrations'");
/** The file's schema but Schema Warden's own tables (and the sqlite_sequence its events table brings). */
const appSchema = (path: string) =>
  sqlite3(path, "SELECT type, name, sql FROM sqlite_master WHERE tbl_name NOT IN ('schema_version', 'schema_events', 'sqlite_sequence') ORDER BY name");

describe('a Drizzle Kit app', () => {
  it("reads the folder as it is: the journal's files in its order, each file's statements as one step", () => {
    const app = toolApp('drizzle', FILES);
    const before = folderDigest(app.migrationsDir);
    const schema = loadSchema(app.schemaDir);
    expect(schema.migrations.map((m) => [m.version, m.description, m.file])).toEqual(
      MIGRATIONS.map((m) => [m.tag.slice(0, 4), m.tag.slice(5).replace(/_/g, ' '), `${m.tag}.sql`]),
    );
    expect(schema.migrations[2].sql).toBe(
      'ALTER TABLE `notes` ADD `pinned` integer DEFAULT false NOT NULL;--> statement-breakpoint\nCREATE INDEX `notes_pinned_idx` ON `notes` (`pinned`);',
    );
    expect(schema).toMatchObject({
      migrationFormat: 'drizzle',
      appVersionTable: { table: '__drizzle_migrations', versionColumn: 'created_at', tool: 'drizzle', versions: { 1707989400000: '0001' } },
    });
    expect(loadSchema(app.migrationsDir)).toMatchObject({ detected: true, migrationFormat: 'drizzle', latest: '0003' });
    expect(folderDigest(app.migrationsDir)).toEqual(before);
    const stray = toolApp('drizzle', [...FILES, ['0004_draft.sql', 'SELECT 1;']]);
    expect(() => loadSchema(stray.schemaDir)).toThrow(
      expect.objectContaining({ code: 'SCHEMA_INVALID', message: expect.stringContaining('0004_draft.sql is not listed in meta/_journal.json') }),
    );
  });

  it('is adopted where drizzle-kit migrate left it, migrated the rest with a verified backup first, and drizzle-kit migrate then finds nothing to do', async () => {
    const app = toolApp('drizzle', FILES, 3);
    drizzleKitMigrate(app);
    sqlite3(app.dbPath, "INSERT INTO notes (body, tags) VALUES ('kept', 'a'), ('also kept', NULL)");
    app.addAll();
    const folder = folderDigest(app.migrationsDir);
    const ctx = contextFor(app.dbPath, loadSchema(app.schemaDir));

    expect(status(ctx)).toMatchObject({
      version: null,
      legacy: { table: '__drizzle_migrations', legacyVersion: '1707989400000', version: '0001' },
      adoptable: true,
      pending: ['0002', '0003'],
    });
    expect(plan(ctx)).toMatchObject({ adopt: { version: '0001' }, blockers: [] });
    const result = await migrate(ctx);
    expect(result).toMatchObject({
      adopted: { version: '0001' },
      applied: [expect.objectContaining({ version: '0002' }), expect.objectContaining({ version: '0003' })],
      backup: { verified: { ok: true } },
    });
    expect(sqlite3(result.backup!.path, 'SELECT count(*) FROM __drizzle_migrations')).toBe('2');
    expect(history(ctx).versions.map((v) => [v.version, v.kind])).toEqual([
      ['0003', 'migrate'],
      ['0002', 'migrate'],
      ['0001', 'baseline'],
    ]);
    expect(await verify(ctx, 'full')).toMatchObject({ status: 'healthy', problems: [] });

    const byDrizzle = toolApp('drizzle', FILES);
    drizzleKitMigrate(byDrizzle);
    expect(historyRows(app.dbPath)).toBe(historyRows(byDrizzle.dbPath));
    expect(historyRows(app.dbPath).split('\n')).toHaveLength(4);
    expect(historyTable(app.dbPath)).toBe(historyTable(byDrizzle.dbPath));

    const rows = historyRows(app.dbPath);
    const schemaBefore = appSchema(app.dbPath);
    drizzleKitMigrate(app);
    expect(historyRows(app.dbPath)).toBe(rows);
    expect(appSchema(app.dbPath)).toBe(schemaBefore);
    expect(appSchema(app.dbPath)).toBe(appSchema(byDrizzle.dbPath));
    expect(sqlite3(app.dbPath, 'SELECT count(*) FROM notes WHERE pinned = 0')).toBe('2');
    expect(folderDigest(app.migrationsDir)).toEqual(folder);
  });

  it("created by warden init from the folder given as it is gets drizzle's table and rows: drizzle-kit migrate finds nothing to do", async () => {
    const app = toolApp('drizzle', FILES);
    await initialize(contextFor(app.dbPath, loadSchema(app.migrationsDir)));
    const rows = historyRows(app.dbPath);
    drizzleKitMigrate(app);
    expect(historyRows(app.dbPath)).toBe(rows);
    const byDrizzle = toolApp('drizzle', FILES);
    drizzleKitMigrate(byDrizzle);
    expect(rows).toBe(historyRows(byDrizzle.dbPath));
    expect(historyTable(app.dbPath)).toBe(historyTable(byDrizzle.dbPath));
  });
});
