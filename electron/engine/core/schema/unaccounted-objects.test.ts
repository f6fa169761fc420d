import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backup } from '../../actions/backup';
import { initialize } from '../../actions/initialize';
import { migrate } from '../../actions/migrate';
import { repair } from '../../actions/repair';
import { restore } from '../../actions/restore';
import { status } from '../../actions/status';
import { verify } from '../../actions/verify';
import { contextFor, countRows, seedFiles, sha256File, sqlite3, tempDir } from '../../test-support/fixtures';
import { tableCounts } from '../../test-support/schema-variants';

// The trap from issue 12: an object the comparison never looked at, waiting for the tool's own
// write to fire it. It must be reported, and every command that would write must refuse.

const TRAP = 'CREATE TRIGGER x AFTER INSERT ON schema_events BEGIN DELETE FROM conversation_files; END';

async function seeded(version: string): Promise<string> {
  const dbPath = join(tempDir(), 'db.sqlite');
  await initialize(contextFor(dbPath), { to: '1.0.0' });
  seedFiles(dbPath, 40);
  await initialize(contextFor(dbPath), { to: version, backup: false });
  return dbPath;
}

/** Runs `command`, expects it to refuse naming `object`, and the file and every row to be as they were. */
async function expectRefusal(dbPath: string, object: string, command: () => unknown, code = 'UNTRUSTED_OBJECT'): Promise<void> {
  const sha = sha256File(dbPath);
  const counts = tableCounts(dbPath);
  await expect((async () => command())()).rejects.toMatchObject({ code, message: expect.stringContaining(object) });
  expect(sha256File(dbPath)).toBe(sha);
  expect(tableCounts(dbPath)).toEqual(counts);
}

const backupsOf = (dbPath: string) => (existsSync(`${dbPath}.backups`) ? readdirSync(`${dbPath}.backups`) : []);

describe('every object in the file is accounted for', () => {
  it('a trigger on schema_events makes verify unhealthy, and repair, backup and migrate refuse without firing it', async () => {
    const dbPath = await seeded('1.1.0');
    sqlite3(dbPath, TRAP);
    const ctx = contextFor(dbPath);
    const files = countRows(dbPath, 'conversation_files');
    expect(files).toBe(40);

    const report = await verify(ctx, 'full');
    expect(report.status).toBe('unhealthy');
    expect(report.reason).toContain('Trigger x on schema_events');
    expect(report.problems).toContainEqual(expect.objectContaining({ kind: 'trigger', name: 'x', table: 'schema_events', change: 'extra', severity: 'error' }));
    expect(status(ctx).status).toBe('unhealthy');

    await expectRefusal(dbPath, 'trigger x on schema_events', () => backup(ctx));
    await expectRefusal(dbPath, 'trigger x on schema_events', () => migrate(ctx));
    await expectRefusal(dbPath, 'trigger x on schema_events', () => migrate(ctx, { backup: false }));
    sqlite3(dbPath, 'DROP INDEX idx_file_metadata_file_id'); // something for repair to do
    await expectRefusal(dbPath, 'trigger x on schema_events', () => repair(ctx));
    await expectRefusal(dbPath, 'trigger x on schema_events', () => repair(ctx, { backup: false }));
    expect(backupsOf(dbPath)).toEqual([]); // refused before any copy was made
    expect(countRows(dbPath, 'conversation_files')).toBe(files);

    // Once someone has dropped it, the same commands work again.
    sqlite3(dbPath, 'DROP TRIGGER x');
    expect((await repair(ctx, { backup: false })).recreated.map((p) => p.name)).toEqual(['idx_file_metadata_file_id']);
    expect(countRows(dbPath, 'conversation_files')).toBe(files);
  });

  it('an index or trigger on schema_version or on the legacy schema_migrations is unhealthy too', async () => {
    const dbPath = await seeded('1.2.0');
    const ctx = contextFor(dbPath);
    sqlite3(
      dbPath,
      "CREATE TABLE IF NOT EXISTS schema_migrations (migration_id INTEGER PRIMARY KEY AUTOINCREMENT, version TEXT NOT NULL UNIQUE, description TEXT NOT NULL, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, status TEXT DEFAULT 'completed', execution_time_ms INTEGER); INSERT OR IGNORE INTO schema_migrations (version, description) VALUES ('001', 'initial')",
    );
    expect((await verify(ctx)).status).toBe('healthy'); // the service's own table and its automatic index are known
    sqlite3(dbPath, 'CREATE INDEX by_kind ON schema_version (kind); CREATE TRIGGER y BEFORE INSERT ON schema_migrations BEGIN SELECT 1; END');
    const found = (await verify(ctx)).problems.map((p) => `${p.kind} ${p.name} ${p.table} ${p.severity}`);
    expect(found).toEqual(['index by_kind schema_version error', 'trigger y schema_migrations error']);
    await expectRefusal(dbPath, 'index by_kind on schema_version, trigger y on schema_migrations', () => backup(ctx));
  });

  it('a trigger elsewhere that writes the history, or a view that reads it, is unhealthy and blocks writes', async () => {
    const dbPath = await seeded('1.2.0');
    const ctx = contextFor(dbPath);
    sqlite3(
      dbPath,
      "CREATE TRIGGER forge AFTER INSERT ON file_metadata BEGIN INSERT INTO schema_version (version, applied_at) VALUES ('9.9.9', 'now'); END; CREATE VIEW v_history AS SELECT * FROM schema_events",
    );
    const found = (await verify(ctx)).problems.map((p) => `${p.kind} ${p.name} ${p.severity}`);
    expect(found).toEqual(['trigger forge error', 'view v_history error']);
    await expectRefusal(dbPath, 'trigger forge on file_metadata, view v_history', () => backup(ctx));
  });

  it("a sqlite_… name SQLite did not make is reported, on any table, and blocks writes; SQLite's own are not", async () => {
    const dbPath = await seeded('1.2.0');
    const ctx = contextFor(dbPath);
    sqlite3(dbPath, 'ANALYZE');
    expect((await verify(ctx)).status).toBe('healthy'); // sqlite_stat1, sqlite_sequence, sqlite_autoindex_*
    // SQLite refuses sqlite_ names unless the schema is writable: how such an object gets in.
    sqlite3(dbPath, 'PRAGMA writable_schema = ON; CREATE TRIGGER sqlite_helper AFTER UPDATE ON conversation_files BEGIN SELECT 1; END');
    const report = await verify(ctx);
    expect(report.status).toBe('unhealthy');
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'trigger', name: 'sqlite_helper', table: 'conversation_files', severity: 'error' })]);
    await expectRefusal(dbPath, 'trigger sqlite_helper on conversation_files', () => backup(ctx));
  });

  it('a backup holding such an object is not restored: refused before the cut-over, the live file untouched', async () => {
    const dbPath = await seeded('1.2.0');
    const ctx = contextFor(dbPath);
    const taken = await backup(ctx);
    // A backup taken before the tool looked for such objects: planted, with its manifest's hash to match.
    sqlite3(taken.path, TRAP);
    const manifest = `${taken.path}.json`;
    writeFileSync(
      manifest,
      JSON.stringify({ ...JSON.parse(readFileSync(manifest, 'utf8')), sha256: sha256File(taken.path), bytes: readFileSync(taken.path).length }),
    );
    // The backup is what cannot be trusted: restore says so of the backup, naming the object.
    await expectRefusal(dbPath, 'Trigger x on schema_events', () => restore(ctx, { backup: taken.path }), 'BACKUP_INVALID');
  });
});
