import { describe, expect, it } from 'vitest';
import { initialize } from './actions/initialize';
import { status } from './actions/status';
import { loadSchema } from './core/schema/schema-folder';
import { notesAppDatabase, notesSchema } from './test-support/app-schema';
import { contextFor, SHIPPED_SCHEMA_DIR, sqlite3 } from './test-support/fixtures';

// The app's own version table (schema.json appVersionTable, formerly `legacy`): read in the shape
// the app gave it, adopted from, and kept in step with what the tool applies.

describe('appVersionTable in schema.json', () => {
  it('is what an older folder calls legacy: the same table read from either key', () => {
    const table = { table: 'schema_migrations', versions: { '001': '1.0.0' } };
    expect(notesSchema({ legacy: table }).appVersionTable).toEqual(notesSchema({ appVersionTable: table }).appVersionTable);
    expect(notesSchema({ legacy: table }).appVersionTable).toEqual({ ...table, versionColumn: 'version', current: 'last-written', definition: null });
    expect(loadSchema(SHIPPED_SCHEMA_DIR).appVersionTable).toMatchObject({ table: 'schema_migrations', versions: { '001': '1.0.0' } });
  });

  it('refuses a folder that names it under both keys', () => {
    const table = { table: 'schema_migrations', versions: {} };
    expect(() => notesSchema({ legacy: table, appVersionTable: table })).toThrow(
      expect.objectContaining({ code: 'SCHEMA_INVALID', message: expect.stringContaining('both appVersionTable and legacy') }),
    );
  });

  it('refuses a folder whose footprint and app table name one table twice', () => {
    expect(() => notesSchema({ appVersionTable: { table: 'schema_version' } })).toThrow(
      expect.objectContaining({ code: 'SCHEMA_INVALID', message: expect.stringContaining('the table schema_version is named twice') }),
    );
  });

  it("reads another shape: the version in its own column, the current one the highest (not the last written); init adopts from it and writes the app's name for each version applied", async () => {
    const appVersionTable = { table: 'app_migrations', versionColumn: 'migration', current: 'highest', versions: { '20240301': '1.0.0', '20240415': '1.1.0' } };
    // The app ran its migrations out of order: the last row written is not its current version.
    const dbPath = notesAppDatabase(
      "CREATE TABLE app_migrations (migration TEXT PRIMARY KEY, run_on TEXT DEFAULT CURRENT_TIMESTAMP);\nINSERT INTO app_migrations (migration) VALUES ('20240301'), ('20240101');",
    );
    const ctx = contextFor(dbPath, notesSchema({ appVersionTable }));

    expect(status(ctx)).toMatchObject({ version: null, legacy: { table: 'app_migrations', legacyVersion: '20240301', version: '1.0.0' }, adoptable: true });
    const result = await initialize(ctx);
    expect(result).toMatchObject({ adopted: { legacyVersion: '20240301', version: '1.0.0' }, applied: [expect.objectContaining({ version: '1.1.0' })] });
    expect(sqlite3(dbPath, 'SELECT group_concat(migration) FROM (SELECT migration FROM app_migrations ORDER BY rowid)')).toBe('20240301,20240101,20240415');
    expect(status(ctx)).toMatchObject({ version: '1.1.0', pending: [] });
  });
});
