import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { readAppliedVersions } from '../core/history/bookkeeping';
import { backup } from './backup';
import { history } from './history';
import { initialize } from './initialize';
import { migrate } from './migrate';
import { loadSchema } from '../core/schema/schema-folder';
import { status } from './status';
import { CHILD_TABLES, contextFor, countRows, seedFiles, sha256File, SHIPPED_SCHEMA_DIR, sqlite3, tempDir } from '../test-support/fixtures';

function copyOfShippedSchema(): string {
  const dir = join(tempDir(), 'schema');
  cpSync(SHIPPED_SCHEMA_DIR, dir, { recursive: true });
  return dir;
}

describe('migrate', () => {
  it('takes 1.0.0 → 1.2.0 with thousands of rows and loses no child row (parent table rebuild)', async () => {
    const dbPath = join(tempDir(), 'db.sqlite');
    const ctx = contextFor(dbPath);
    await initialize(ctx, { to: '1.0.0' });
    seedFiles(dbPath, 3000);
    const before = Object.fromEntries(['conversation_files', ...CHILD_TABLES].map((t) => [t, countRows(dbPath, t)]));
    expect(before.file_access_log).toBe(6000); // one upload (trigger) + one download per file
    expect(before.file_cleanup_queue).toBe(3000);

    const result = await migrate(ctx);
    expect(result.applied.map((s) => s.version)).toEqual(['1.1.0', '1.2.0']);
    for (const [table, n] of Object.entries(before)) expect(countRows(dbPath, table)).toBe(n);
    expect(sqlite3(dbPath, 'PRAGMA foreign_key_check')).toBe('');
    expect(sqlite3(dbPath, 'PRAGMA integrity_check')).toBe('ok');
    expect(sqlite3(dbPath, "SELECT count(*) FROM conversation_files WHERE mime_type = 'application/octet-stream' AND storage_backend = 'local'")).toBe('1000');
    expect(status(ctx)).toMatchObject({ status: 'healthy', version: '1.2.0', problems: [] });

    // The rebuilt parent still cascades and its triggers still fire.
    sqlite3(dbPath, "PRAGMA foreign_keys = ON; DELETE FROM conversation_files WHERE file_id = 'file-1'");
    expect(sqlite3(dbPath, "SELECT count(*) FROM file_metadata WHERE file_id = 'file-1'")).toBe('0');
    sqlite3(
      dbPath,
      "INSERT INTO conversation_files (file_id, session_id, original_filename, stored_filename, file_path, file_size, file_hash) VALUES ('n', 's', 'o', 'st', 'p', 1, 'h')",
    );
    expect(sqlite3(dbPath, "SELECT access_type FROM file_access_log WHERE file_id = 'n'")).toBe('upload');
    sqlite3(dbPath, "INSERT INTO file_access_log (file_id, access_type) VALUES ('n', 'reference')");
  });

  it('refuses a file that does not exist instead of creating it', async () => {
    const dbPath = join(tempDir(), 'typo.sqlite');
    await expect(migrate(contextFor(dbPath))).rejects.toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  it('compares versions as semantic versions: 1.10.0 comes after 1.9.0', async () => {
    const dir = copyOfShippedSchema();
    writeFileSync(join(dir, 'migrations/1.9.0__nine.sql'), 'CREATE TABLE nine (id INTEGER PRIMARY KEY);');
    writeFileSync(join(dir, 'migrations/1.10.0__ten.sql'), 'CREATE TABLE ten (id INTEGER PRIMARY KEY, nine_id INTEGER REFERENCES nine(id));');
    const schema = loadSchema(dir);
    expect(schema.migrations.map((m) => m.version)).toEqual(['1.0.0', '1.1.0', '1.2.0', '1.9.0', '1.10.0']);
    expect(schema.latest).toBe('1.10.0');
    const dbPath = join(tempDir(), 'db.sqlite');
    const ctx = contextFor(dbPath, schema);
    await initialize(ctx, { to: '1.9.0' });
    expect((await migrate(ctx)).applied.map((s) => s.version)).toEqual(['1.10.0']);
    expect(status(ctx)).toMatchObject({ status: 'healthy', version: '1.10.0' });
  });

  it('finds the current version by semantic version even when rows share a millisecond', async () => {
    const dbPath = join(tempDir(), 'db.sqlite');
    const ctx = contextFor(dbPath);
    await initialize(ctx);
    sqlite3(dbPath, "UPDATE schema_version SET applied_at = '2026-01-01T00:00:00.000Z'");
    const db = new Database(dbPath, { readonly: true });
    try {
      expect(readAppliedVersions(db, ctx.schema).map((v) => v.version)).toEqual(['1.0.0', '1.1.0', '1.2.0']);
    } finally {
      db.close();
    }
    expect(history(ctx).version).toBe('1.2.0');
    expect(status(ctx).version).toBe('1.2.0');
  });

  it('reports an edited migration by name and refuses to migrate past it', async () => {
    const dir = copyOfShippedSchema();
    const dbPath = join(tempDir(), 'db.sqlite');
    await initialize(contextFor(dbPath, loadSchema(dir)), { to: '1.1.0' });
    const file = join(dir, 'migrations/1.0.0__initial_file_store.sql');
    writeFileSync(file, `${readFileSync(file, 'utf8')}\nCREATE INDEX idx_added_later ON file_metadata (metadata_key);\n`);
    const ctx = contextFor(dbPath, loadSchema(dir));
    const report = status(ctx);
    expect(report.status).toBe('degraded');
    expect(report.checksumMismatches).toEqual([expect.objectContaining({ version: '1.0.0', file: '1.0.0__initial_file_store.sql' })]);
    expect(report.reason).toContain('1.0.0__initial_file_store.sql');
    const before = sha256File(dbPath);
    await expect(migrate(ctx)).rejects.toThrow(
      expect.objectContaining({ code: 'CHECKSUM_MISMATCH', message: expect.stringContaining('1.0.0__initial_file_store.sql') }),
    );
    expect(sha256File(dbPath)).toBe(before);
  });

  it('ignores line endings and a BOM when checksumming', async () => {
    const dir = copyOfShippedSchema();
    const dbPath = join(tempDir(), 'db.sqlite');
    await initialize(contextFor(dbPath, loadSchema(dir)));
    await backup(contextFor(dbPath, loadSchema(dir))); // backed up: healthy, not 'not backed up'
    const file = join(dir, 'migrations/1.1.0__access_log_reference_type.sql');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, `\uFEFF${text.replace(/\n/g, '\r\n')}`);
    expect(status(contextFor(dbPath, loadSchema(dir)))).toMatchObject({ status: 'healthy', checksumMismatches: [] });
  });

  it('leaves the database at its old version when a migration fails, names the statement and records the failure', async () => {
    const dir = copyOfShippedSchema();
    // Valid SQL that fails only on this data: file hashes repeat, so a UNIQUE index cannot be built.
    writeFileSync(
      join(dir, 'migrations/1.3.0__broken.sql'),
      'CREATE TABLE fine (id INTEGER);\nCREATE UNIQUE INDEX idx_unique_hash ON conversation_files (file_hash);\n',
    );
    const dbPath = join(tempDir(), 'db.sqlite');
    const ctx = contextFor(dbPath, loadSchema(dir));
    await initialize(ctx, { to: '1.2.0' });
    seedFiles(dbPath, 200);
    await expect(migrate(ctx)).rejects.toThrow(
      expect.objectContaining({
        code: 'MIGRATION_FAILED',
        message: expect.stringMatching(/1\.3\.0__broken\.sql failed at line 2: UNIQUE constraint failed: conversation_files\.file_hash/),
      }),
    );
    expect(status(ctx).version).toBe('1.2.0');
    expect(sqlite3(dbPath, "SELECT count(*) FROM sqlite_master WHERE name = 'fine'")).toBe('0');
    expect(history(ctx).events[0]).toMatchObject({ action: 'migrate', outcome: 'failed', version: '1.3.0', detail: expect.objectContaining({ line: 2 }) });
  });

  it('rolls back a step whose result would violate a foreign key', async () => {
    const dir = copyOfShippedSchema();
    writeFileSync(join(dir, 'migrations/1.3.0__orphan.sql'), "INSERT INTO file_metadata (file_id, metadata_key) VALUES ('no-such-file', 'k');");
    const dbPath = join(tempDir(), 'db.sqlite');
    const ctx = contextFor(dbPath, loadSchema(dir));
    await initialize(ctx, { to: '1.2.0' });
    await expect(migrate(ctx)).rejects.toThrow(expect.objectContaining({ code: 'FOREIGN_KEY_VIOLATION' }));
    expect(status(ctx).version).toBe('1.2.0');
    expect(countRows(dbPath, 'file_metadata')).toBe(0);
  });

  it('stops between steps when cancelled', async () => {
    const dbPath = join(tempDir(), 'db.sqlite');
    const controller = new AbortController();
    await initialize(contextFor(dbPath), { to: '1.0.0' });
    controller.abort();
    await expect(migrate(contextFor(dbPath, undefined, { signal: controller.signal }))).rejects.toThrow(expect.objectContaining({ code: 'CANCELLED' }));
    expect(status(contextFor(dbPath)).version).toBe('1.0.0');
  });

  it('upgrades a schema_version table made by the original plan (version, applied_at) in place', async () => {
    const dbPath = join(tempDir(), 'db.sqlite');
    const ctx = contextFor(dbPath);
    await initialize(ctx, { to: '1.0.0' });
    sqlite3(
      dbPath,
      "DROP TABLE schema_version; CREATE TABLE schema_version (version TEXT PRIMARY KEY, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP); INSERT INTO schema_version (version) VALUES ('1.0.0');",
    );
    expect(status(ctx)).toMatchObject({ version: '1.0.0', pending: ['1.1.0', '1.2.0'] });
    await migrate(ctx);
    expect(history(ctx).versions.map((v) => [v.version, v.kind])).toEqual([
      ['1.2.0', 'migrate'],
      ['1.1.0', 'migrate'],
      ['1.0.0', null],
    ]);
  });
});
