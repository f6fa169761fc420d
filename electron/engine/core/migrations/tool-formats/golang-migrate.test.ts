import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { baseline } from '../../../actions/baseline';
import { history } from '../../../actions/history';
import { initialize } from '../../../actions/initialize';
import { migrate } from '../../../actions/migrate';
import { plan } from '../../../actions/plan';
import { loadSchema } from '../../schema/schema-folder';
import { status } from '../../../actions/status';
import { verify } from '../../../actions/verify';
import { contextFor, sha256File, sqlite3, tempDir } from '../../../test-support/fixtures';
import { folderDigest, toolApp, type ToolApp } from '../../../test-support/tool-app';

// A golang-migrate app brought as it is: N_name.up.sql / N_name.down.sql (MIGRATIONS.md) and its
// one-row history schema_migrations(version, dirty). golang-migrate is a Go binary that no registry
// reachable here ships, so the sqlite3 shell plays it, running the statements its sqlite3 driver
// runs (database/sqlite3: ensureVersionTable, SetVersion(V, dirty) = DELETE + INSERT, the up file).

const FILES: [string, string][] = [
  ['000001_create_notes.up.sql', 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);\nCREATE INDEX notes_body ON notes (body);\n'],
  ['000001_create_notes.down.sql', 'DROP TABLE notes;\n'],
  ['000002_note_tags.up.sql', 'ALTER TABLE notes ADD COLUMN tags TEXT;\n'],
  ['000002_note_tags.down.sql', 'ALTER TABLE notes DROP COLUMN tags;\n'],
  ['000003_note_pins.up.sql', 'ALTER TABLE notes ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;\nCREATE INDEX notes_pinned ON notes (pinned);\n'],
  ['000003_note_pins.down.sql', 'DROP INDEX notes_pinned;\nALTER TABLE notes DROP COLUMN pinned;\n'],
];

const ENSURE_VERSION_TABLE =
  'CREATE TABLE IF NOT EXISTS schema_migrations (version uint64,dirty bool);\nCREATE UNIQUE INDEX IF NOT EXISTS version_unique ON schema_migrations (version);';
const setVersion = (version: number, dirty: boolean) =>
  `DELETE FROM schema_migrations; INSERT INTO schema_migrations (version, dirty) VALUES (${version}, ${dirty ? 1 : 0});`;

/** `migrate up N` as golang-migrate's sqlite3 driver runs it: each up file between SetVersion(V, true) and SetVersion(V, false). */
function golangMigrateUp(app: ToolApp, versions: number[]): void {
  const steps = versions.map((v) => {
    const [, sql] = FILES.find(([file]) => file.startsWith(`00000${v}_`) && file.endsWith('.up.sql'))!;
    return `${setVersion(v, true)}\nBEGIN;\n${sql}COMMIT;\n${setVersion(v, false)}`;
  });
  sqlite3(app.dbPath, `${ENSURE_VERSION_TABLE}\n${steps.join('\n')}`);
}

const historyRows = (path: string) => sqlite3(path, 'SELECT rowid, version, dirty, typeof(version), typeof(dirty) FROM schema_migrations');
const historyObjects = (path: string) => sqlite3(path, "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'schema_migrations' ORDER BY name");

describe('a golang-migrate app', () => {
  it('reads the folder as it is: the .up.sql files in number order, versions as golang-migrate parses them (000003 is 3), the down files left alone', () => {
    const app = toolApp('golang-migrate', FILES);
    const before = folderDigest(app.migrationsDir);
    const schema = loadSchema(app.schemaDir);
    expect(schema.migrations.map((m) => [m.version, m.description, m.file])).toEqual([
      ['1', 'create notes', '000001_create_notes.up.sql'],
      ['2', 'note tags', '000002_note_tags.up.sql'],
      ['3', 'note pins', '000003_note_pins.up.sql'],
    ]);
    expect(schema).toMatchObject({
      latest: '3',
      versionNames: 'ordered',
      migrationFormat: 'golang-migrate',
      detected: false,
      appVersionTable: { table: 'schema_migrations', tool: 'golang-migrate' },
    });
    expect(folderDigest(app.migrationsDir)).toEqual(before);
  });

  it('is detected from the folder alone, named in the schema, and a .sql file of another shape is refused by name', () => {
    const app = toolApp('golang-migrate', FILES);
    const schema = loadSchema(app.migrationsDir);
    expect(schema).toMatchObject({ name: 'db', migrationFormat: 'golang-migrate', detected: true, applicationId: 0, latest: '3' });
    expect(schema.title).toContain('golang-migrate');
    const stray = toolApp('golang-migrate', [...FILES, ['seed.sql', 'SELECT 1;\n']]);
    expect(() => loadSchema(stray.schemaDir)).toThrow(
      expect.objectContaining({ code: 'SCHEMA_INVALID', message: expect.stringContaining('"seed.sql" is not <version>_<name>.up.sql or .down.sql') }),
    );
  });

  it('is adopted where golang-migrate left it, migrated the rest with a verified backup first, and its table then holds the one row golang-migrate would write', async () => {
    const app = toolApp('golang-migrate', FILES, 4);
    golangMigrateUp(app, [1, 2]);
    sqlite3(app.dbPath, "INSERT INTO notes (body, tags) VALUES ('kept', 'a'), ('also kept', NULL)");
    app.addAll();
    const folder = folderDigest(app.migrationsDir);
    const ctx = contextFor(app.dbPath, loadSchema(app.schemaDir));

    expect(status(ctx)).toMatchObject({
      version: null,
      legacy: { table: 'schema_migrations', legacyVersion: '2', version: '2' },
      adoptable: true,
      pending: ['3'],
    });
    expect(plan(ctx)).toMatchObject({ from: null, adopt: { legacyVersion: '2' }, steps: [expect.objectContaining({ version: '3' })], blockers: [] });
    const result = await migrate(ctx);
    expect(result).toMatchObject({ adopted: { version: '2' }, applied: [expect.objectContaining({ version: '3' })], backup: { verified: { ok: true } } });
    expect(sqlite3(result.backup!.path, 'SELECT version, dirty FROM schema_migrations')).toBe('2|0'); // taken before anything changed
    expect(history(ctx).versions.map((v) => [v.version, v.kind])).toEqual([
      ['3', 'migrate'],
      ['2', 'baseline'],
    ]);
    expect(await verify(ctx, 'full')).toMatchObject({ status: 'healthy', problems: [] });
    expect(sqlite3(app.dbPath, 'SELECT count(*) FROM notes WHERE pinned = 0')).toBe('2');

    const byTool = toolApp('golang-migrate', FILES);
    golangMigrateUp(byTool, [1, 2, 3]);
    expect(historyRows(app.dbPath)).toBe(historyRows(byTool.dbPath));
    expect(historyRows(app.dbPath)).toBe('1|3|0|integer|integer');
    expect(historyObjects(app.dbPath)).toBe(historyObjects(byTool.dbPath));
    expect(folderDigest(app.migrationsDir)).toEqual(folder);
  });

  it("created by warden init from the folder given as it is gets golang-migrate's own table and row, and keeps application_id 0", async () => {
    const app = toolApp('golang-migrate', FILES);
    const result = await initialize(contextFor(app.dbPath, loadSchema(app.migrationsDir)));
    expect(result.applied.map((s) => s.version)).toEqual(['1', '2', '3']);
    const byTool = toolApp('golang-migrate', FILES);
    golangMigrateUp(byTool, [1, 2, 3]);
    expect(historyObjects(app.dbPath)).toBe(historyObjects(byTool.dbPath));
    expect(historyRows(app.dbPath)).toBe(historyRows(byTool.dbPath));
    expect(sqlite3(app.dbPath, 'PRAGMA application_id')).toBe('0');
  });

  it("left dirty by a failed migration is shown as dirty with golang-migrate's fix, and warden refuses to migrate it, changing nothing", async () => {
    const app = toolApp('golang-migrate', FILES);
    golangMigrateUp(app, [1]);
    // migrate up: SetVersion(2, true), then the up file fails and the driver rolls it back; the row stays dirty.
    sqlite3(app.dbPath, setVersion(2, true));
    const ctx = contextFor(app.dbPath, loadSchema(app.schemaDir));
    const before = sha256File(app.dbPath);

    const report = status(ctx);
    expect(report.status).toBe('unhealthy');
    expect(report.reason).toContain('golang-migrate left schema_migrations dirty at version 2');
    expect(report.problems).toContainEqual(expect.objectContaining({ kind: 'version', name: '2', change: 'failed', hint: expect.stringContaining('force 2') }));
    expect(plan(ctx).blockers).toContainEqual(expect.objectContaining({ code: 'UNFINISHED_MIGRATION' }));
    await expect(migrate(ctx)).rejects.toMatchObject({ code: 'UNFINISHED_MIGRATION', message: expect.stringContaining('dirty at version 2') });
    expect(() => baseline(ctx, { version: '1' })).toThrow(expect.objectContaining({ code: 'UNFINISHED_MIGRATION' }));
    await expect(initialize(ctx)).rejects.toMatchObject({ code: 'UNFINISHED_MIGRATION' });
    expect(sha256File(app.dbPath)).toBe(before);
    expect(readFileSync(join(app.migrationsDir, '000002_note_tags.up.sql'), 'utf8')).toBe(FILES[2][1]);
  });

  it("refuses a schema_migrations that is not golang-migrate's (dbmate's, of the same name), naming the columns it lacks, and changes nothing", async () => {
    const app = toolApp('golang-migrate', FILES);
    sqlite3(
      app.dbPath,
      `${FILES[0][1]}CREATE TABLE IF NOT EXISTS "schema_migrations" (version varchar(128) primary key);\nINSERT INTO schema_migrations (version) VALUES ('1');`,
    );
    const ctx = contextFor(app.dbPath, loadSchema(app.schemaDir));
    const before = sha256File(app.dbPath);
    const refusal = expect.objectContaining({
      code: 'FOREIGN_APPLICATION',
      message: expect.stringContaining("The table schema_migrations in this database is not golang-migrate's history: it has no dirty column (it has version)"),
    });
    expect(() => status(ctx)).toThrow(refusal);
    await expect(migrate(ctx)).rejects.toEqual(refusal);
    expect(sha256File(app.dbPath)).toBe(before);
  });

  it('keeps a golang-migrate database written by warden dirty-free for the next migrate: a new migration is applied and the row moves on', async () => {
    const app = toolApp('golang-migrate', FILES, 4);
    await initialize(contextFor(app.dbPath, loadSchema(app.schemaDir)));
    app.addAll();
    await migrate(contextFor(app.dbPath, loadSchema(app.schemaDir), { backupDir: join(tempDir(), 'backups') }));
    expect(historyRows(app.dbPath)).toBe('1|3|0|integer|integer');
  });
});
