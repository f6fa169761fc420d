import { describe, expect, it } from 'vitest';
import { backup } from './actions/backup';
import { baseline } from './actions/baseline';
import { expectedSchemaAt } from './core/schema/expected-schema';
import { history } from './actions/history';
import { migrate } from './actions/migrate';
import { status } from './actions/status';
import { verify } from './actions/verify';
import { notesAppDatabase, notesSchema, NOTES_MIGRATIONS } from './test-support/app-schema';
import { contextFor, sha256File, sqlite3 } from './test-support/fixtures';

// An app whose own schema has a table called schema_version (a common name for an app's own
// version record): the tool's history goes into the tables the footprint names, and the app's
// table is left byte for byte as the app wrote it (the sqlite3 shell's .dump is the referee).

const APP_OWN_SCHEMA_VERSION = 'CREATE TABLE schema_version (version INTEGER NOT NULL, note TEXT);\n';
const migrations = { ...NOTES_MIGRATIONS, '1.0.0__notes.sql': NOTES_MIGRATIONS['1.0.0__notes.sql'] + APP_OWN_SCHEMA_VERSION };
const renamed = { footprint: { versionsTable: 'warden_versions', eventsTable: 'warden_events' } };

function appDatabase(): string {
  return notesAppDatabase(`PRAGMA user_version = 3;\n${APP_OWN_SCHEMA_VERSION}INSERT INTO schema_version VALUES (3, 'the app''s own record');`);
}

const dumpOf = (path: string) => sqlite3(path, '.dump schema_version');

describe('a database with its own schema_version table', () => {
  it("is served with the tool's tables named by the footprint, and its schema_version is byte-identical afterwards", async () => {
    const dbPath = appDatabase();
    const before = dumpOf(dbPath);
    const ctx = contextFor(dbPath, notesSchema(renamed, migrations));

    baseline(ctx, { version: '1.0.0' });
    expect((await migrate(ctx)).applied.map((s) => s.version)).toEqual(['1.1.0']);
    await backup(ctx);
    expect(await verify(ctx, 'full')).toMatchObject({ status: 'healthy', problems: [] });
    expect(status(ctx)).toMatchObject({ version: '1.1.0', pending: [], problems: [] });
    expect(history(ctx).versions.map((v) => [v.version, v.kind])).toEqual([
      ['1.1.0', 'migrate'],
      ['1.0.0', 'baseline'],
    ]);

    expect(dumpOf(dbPath)).toBe(before);
    expect(sqlite3(dbPath, 'SELECT group_concat(version) FROM (SELECT version FROM warden_versions ORDER BY version)')).toBe('1.0.0,1.1.0');
    expect(sqlite3(dbPath, 'SELECT group_concat(action) FROM (SELECT action FROM warden_events ORDER BY event_id)')).toBe('baseline,backup,migrate,backup');
    expect(sqlite3(dbPath, 'PRAGMA user_version')).toBe('3');
    expect(sqlite3(dbPath, 'PRAGMA integrity_check')).toBe('ok');
  });

  it("is refused, unchanged, while the footprint would put the tool's history in the app's table, with the footprint to write as the fix", () => {
    const dbPath = appDatabase();
    const before = sha256File(dbPath);
    expect(() => baseline(contextFor(dbPath, notesSchema({}, migrations)), { version: '1.0.0' })).toThrow(
      expect.objectContaining({ code: 'SCHEMA_DRIFT', hint: expect.stringContaining('footprint.versionsTable') }),
    );
    expect(sha256File(dbPath)).toBe(before);
  });

  it("makes a schema folder whose migrations create a table under the tool's names invalid, naming the footprint that fixes it", () => {
    expect(() => expectedSchemaAt(notesSchema({}, migrations), '1.0.0')).toThrow(
      expect.objectContaining({
        code: 'SCHEMA_INVALID',
        message: expect.stringContaining('creates the table schema_version'),
        hint: expect.stringContaining('"versionsTable": "warden_versions"'),
      }),
    );
    expect(expectedSchemaAt(notesSchema(renamed, migrations), '1.0.0').tables.has('schema_version')).toBe(true);
  });
});
