import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { history } from '../../../actions/history';
import { initialize } from '../../../actions/initialize';
import { migrate } from '../../../actions/migrate';
import { rehearse } from '../../../actions/rehearse';
import { loadSchema } from '../../schema/schema-folder';
import { status } from '../../../actions/status';
import { verify } from '../../../actions/verify';
import { contextFor, REPO_ROOT, sqlite3, tempDir } from '../../../test-support/fixtures';

// A dbmate app brought as it is: its migrations folder (-- migrate:up / -- migrate:down files
// named by timestamp) and its history table, schema_migrations(version). The real dbmate binary
// (the one bench/race runs) applies the first migrations and is the referee afterwards.

const DBMATE = join(REPO_ROOT, 'node_modules/.bin/dbmate');

const MIGRATIONS: [string, string][] = [
  [
    '20240101120000_create_notes.sql',
    '-- migrate:up\nCREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);\nCREATE INDEX notes_body ON notes (body);\n\n-- migrate:down\nDROP TABLE notes;\n',
  ],
  ['20240215093000_note_tags.sql', '-- migrate:up\nALTER TABLE notes ADD COLUMN tags TEXT;\n\n-- migrate:down\nALTER TABLE notes DROP COLUMN tags;\n'],
  [
    '20240320080000_note_pins.sql',
    '-- migrate:up\nALTER TABLE notes ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;\nCREATE INDEX notes_pinned ON notes (pinned);\n\n-- migrate:down\nDROP INDEX notes_pinned;\nALTER TABLE notes DROP COLUMN pinned;\n',
  ],
];

/** The app's checkout: db/migrations holding the first `count` migrations, and a schema folder beside it pointing at them. */
function dbmateApp(count: number) {
  const root = tempDir();
  const migrationsDir = join(root, 'db/migrations');
  mkdirSync(migrationsDir, { recursive: true });
  const add = (upTo: number) => MIGRATIONS.slice(0, upTo).forEach(([file, sql]) => writeFileSync(join(migrationsDir, file), sql));
  add(count);
  mkdirSync(join(root, 'warden'));
  writeFileSync(
    join(root, 'warden/schema.json'),
    JSON.stringify({ name: 'notes_app', title: 'Notes app', applicationId: 0x4e415050, migrations: { dir: '../db/migrations', format: 'dbmate' } }),
  );
  return { root, migrationsDir, dbPath: join(root, 'notes.db'), schemaDir: join(root, 'warden'), addAll: () => add(MIGRATIONS.length) };
}

function dbmate(app: { migrationsDir: string; dbPath: string }, command: string) {
  return spawnSync(DBMATE, ['--url', `sqlite:${app.dbPath}`, '--migrations-dir', app.migrationsDir, '--no-dump-schema', command], { encoding: 'utf8' });
}

describe('a dbmate app', () => {
  it('reads the folder as it is: timestamp versions in number order, the up section as the step', () => {
    const app = dbmateApp(3);
    const schema = loadSchema(app.schemaDir);
    expect(schema.migrations.map((m) => [m.version, m.description])).toEqual([
      ['20240101120000', 'create notes'],
      ['20240215093000', 'note tags'],
      ['20240320080000', 'note pins'],
    ]);
    expect(schema.migrations[1].sql).not.toContain('DROP COLUMN');
    expect(schema).toMatchObject({ latest: '20240320080000', versionNames: 'ordered', appVersionTable: { table: 'schema_migrations', current: 'highest' } });
  });

  it("is detected from the folder given as it is (no schema.json), the schema named after the folder's parent", () => {
    const app = dbmateApp(3);
    expect(loadSchema(app.migrationsDir)).toMatchObject({
      name: 'db',
      detected: true,
      migrationFormat: 'dbmate',
      applicationId: 0,
      latest: '20240320080000',
      appVersionTable: { table: 'schema_migrations', tool: 'dbmate' },
    });
  });

  it("takes a service statement's since as one of its timestamp versions, and refuses one past the latest as invalid", async () => {
    const app = dbmateApp(3);
    const statement = (since: string) =>
      JSON.stringify({ setup: [], statements: [{ name: 'Pin a note', sql: 'UPDATE notes SET pinned = 1 WHERE id = ?', params: [1], since }] });
    writeFileSync(join(app.schemaDir, 'service-statements.json'), statement('20240320080000'));
    const schema = loadSchema(app.schemaDir);
    expect(schema.serviceStatements?.statements[0]).toMatchObject({ since: '20240320080000' });
    const ctx = contextFor(app.dbPath, schema);
    await initialize(ctx, { to: '20240215093000' });
    expect((await rehearse(ctx)).serviceStatements).toMatchObject({ results: [expect.objectContaining({ name: 'Pin a note', outcome: 'ok' })] });
    writeFileSync(join(app.schemaDir, 'service-statements.json'), statement('20990101000000'));
    expect(() => loadSchema(app.schemaDir)).toThrow(
      expect.objectContaining({ code: 'SCHEMA_INVALID', message: expect.stringContaining('"20990101000000" is not a version up to this schema\'s latest') }),
    );
  });

  it('is adopted where dbmate left it, migrated the rest with a verified backup first, and dbmate status then says everything is applied', async () => {
    const app = dbmateApp(2);
    const up = dbmate(app, 'up');
    expect(up.status, up.stderr).toBe(0);
    sqlite3(app.dbPath, "INSERT INTO notes (body, tags) VALUES ('kept', 'a'), ('also kept', NULL)");
    app.addAll();
    const ctx = contextFor(app.dbPath, loadSchema(app.schemaDir));

    const before = status(ctx);
    expect(before).toMatchObject({
      version: null,
      legacy: { table: 'schema_migrations', legacyVersion: '20240215093000', version: '20240215093000' },
      adoptable: true,
      pending: ['20240320080000'],
    });
    expect(before.reason).toBe(
      'Made by the service (schema_migrations records 20240215093000) and exactly 20240215093000: init adopts it as 20240215093000, then applies 1 migration (20240320080000).',
    );
    const result = await migrate(ctx);
    expect(result).toMatchObject({
      adopted: { version: '20240215093000' },
      applied: [expect.objectContaining({ version: '20240320080000' })],
      backup: { verified: { ok: true } },
    });
    expect(history(ctx).versions.map((v) => [v.version, v.kind])).toEqual([
      ['20240320080000', 'migrate'],
      ['20240215093000', 'baseline'],
    ]);
    expect(await verify(ctx, 'full')).toMatchObject({ status: 'healthy', problems: [] });

    expect(sqlite3(app.dbPath, 'SELECT group_concat(version) FROM (SELECT version FROM schema_migrations ORDER BY rowid)')).toBe(
      '20240101120000,20240215093000,20240320080000',
    );
    expect(sqlite3(app.dbPath, 'SELECT group_concat(DISTINCT typeof(version)) FROM schema_migrations')).toBe('text'); // as dbmate binds it
    expect(sqlite3(app.dbPath, 'SELECT count(*) FROM notes WHERE pinned = 0')).toBe('2');
    const after = dbmate(app, 'status');
    expect(after.status, after.stderr).toBe(0);
    expect(after.stdout).toContain('[X] 20240320080000_note_pins.sql');
    expect(after.stdout).toMatch(/Applied: 3\s+Pending: 0/);
  });

  it("created by warden init gets dbmate's own table, byte for byte, with every version: dbmate finds nothing to do", async () => {
    const app = dbmateApp(3);
    await initialize(contextFor(app.dbPath, loadSchema(app.schemaDir)));
    const byDbmate = dbmateApp(3);
    expect(dbmate(byDbmate, 'up').status).toBe(0);
    const tableSql = (path: string) => execFileSync('sqlite3', [path, "SELECT sql FROM sqlite_master WHERE name = 'schema_migrations'"], { encoding: 'utf8' });
    expect(tableSql(app.dbPath)).toBe(tableSql(byDbmate.dbPath));
    const after = dbmate(app, 'status');
    expect(after.stdout).toMatch(/Applied: 3\s+Pending: 0/);
    const again = dbmate(app, 'migrate');
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).not.toContain('Applying');
  });
});
