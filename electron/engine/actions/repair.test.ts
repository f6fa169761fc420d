import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { history } from './history';
import { initialize } from './initialize';
import { backup } from './backup';
import { listBackups } from '../core/backups/list-backups';
import { repair } from './repair';
import { verify } from './verify';
import { inWriteTransaction } from '../core/sqlite/write-transaction';
import { openDatabase } from '../core/sqlite/open-database';
import { contextFor, countRows, seedFiles, sha256File, shippedSchema, sqlite3, tempDir } from '../test-support/fixtures';
import { buildUnversioned, schemaVariant, tableCounts, tableDigest } from '../test-support/schema-variants';

const TABLES = ['conversation_files', 'file_metadata', 'session_file_associations', 'file_access_log', 'file_cleanup_queue'];

async function seeded(version = '1.2.0', schema = shippedSchema()): Promise<string> {
  const dbPath = join(tempDir(), 'db.sqlite');
  await initialize(contextFor(dbPath, schema), { to: '1.0.0' });
  seedFiles(dbPath, 300);
  await initialize(contextFor(dbPath, schema), { to: version, backup: false });
  return dbPath;
}

const digests = (dbPath: string, tables: string[]) => Object.fromEntries(tables.map((t) => [t, tableDigest(dbPath, t)]));
const names = (problems: { kind: string; name: string }[]) => problems.map((p) => `${p.kind} ${p.name}`);

describe('repair recreates what is missing, leaving every other row as it was', () => {
  it('a dropped file_metadata: verify names it, repair recreates it with its index, in one audited transaction', async () => {
    const dbPath = await seeded();
    const others = TABLES.filter((t) => t !== 'file_metadata');
    const before = digests(dbPath, others);
    sqlite3(dbPath, 'DROP TABLE file_metadata');
    const ctx = contextFor(dbPath);
    const report = await verify(ctx);
    expect(report.status).toBe('unhealthy');
    expect(names(report.problems.filter((p) => p.change === 'missing'))).toEqual(['table file_metadata', 'index idx_file_metadata_file_id']);

    const result = await repair(ctx);
    expect(result).toMatchObject({ path: dbPath, version: '1.2.0', refused: [], backup: { reason: 'pre-repair' } });
    expect(names(result.recreated)).toEqual(['table file_metadata', 'index idx_file_metadata_file_id']);
    expect(await verify(ctx, 'full')).toMatchObject({ status: 'healthy', problems: [] });
    expect(digests(dbPath, others)).toEqual(before);
    expect(tableCounts(dbPath).file_metadata).toBe(0);
    expect(sqlite3(dbPath, 'PRAGMA integrity_check')).toBe('ok');
    const event = history(ctx).events[0];
    expect(event).toMatchObject({ action: 'repair', version: '1.2.0', outcome: 'ok' });
    expect(event.detail.recreated).toEqual([
      { kind: 'table', name: 'file_metadata', table: 'file_metadata' },
      { kind: 'index', name: 'idx_file_metadata_file_id', table: 'file_metadata' },
    ]);
  });

  it('a dropped index', async () => {
    const dbPath = await seeded();
    const before = digests(dbPath, TABLES);
    sqlite3(dbPath, 'DROP INDEX idx_conversation_files_hash');
    const ctx = contextFor(dbPath);
    expect((await verify(ctx)).problems).toEqual([expect.objectContaining({ kind: 'index', name: 'idx_conversation_files_hash', change: 'missing' })]);
    expect(names((await repair(ctx)).recreated)).toEqual(['index idx_conversation_files_hash']);
    expect((await verify(ctx)).status).toBe('healthy');
    expect(digests(dbPath, TABLES)).toEqual(before);
  });

  it('a dropped trigger, recreated so that it works again', async () => {
    const dbPath = await seeded();
    const before = digests(dbPath, TABLES);
    sqlite3(dbPath, 'DROP TRIGGER trg_session_association_cleanup_schedule');
    const ctx = contextFor(dbPath);
    expect((await verify(ctx)).problems).toEqual([
      expect.objectContaining({ kind: 'trigger', name: 'trg_session_association_cleanup_schedule', change: 'missing' }),
    ]);
    expect(names((await repair(ctx)).recreated)).toEqual(['trigger trg_session_association_cleanup_schedule']);
    expect(digests(dbPath, TABLES)).toEqual(before);
    sqlite3(dbPath, "INSERT INTO session_file_associations (session_id, file_id, message_id) VALUES ('s-new', 'file-1', 'm-new')");
    expect(sqlite3(dbPath, "SELECT count(*) FROM file_cleanup_queue WHERE session_id = 's-new'")).toBe('1');
  });

  it('takes a verified backup first, only when there is something to do, and reports it', async () => {
    const dbPath = await seeded();
    sqlite3(dbPath, 'DROP VIEW v_pending_cleanups');
    const result = await repair(contextFor(dbPath));
    expect(result.backup).toMatchObject({ reason: 'pre-repair', verified: { ok: true } });
    // The backup holds the database as it was before the repair: without the view.
    expect(sqlite3(result.backup!.path, "SELECT count(*) FROM sqlite_master WHERE name = 'v_pending_cleanups'")).toBe('0');
    expect(names(result.recreated)).toEqual(['view v_pending_cleanups']);
    expect(history(contextFor(dbPath)).events[0].detail.backup).toBe(result.backup!.path);
    expect(listBackups(contextFor(dbPath))).toHaveLength(1);

    const again = await repair(contextFor(dbPath));
    expect(again).toMatchObject({ recreated: [], refused: [], backup: null });
    expect(listBackups(contextFor(dbPath))).toHaveLength(1);
  });

  it('repairs without a backup when asked to', async () => {
    const dbPath = await seeded();
    sqlite3(dbPath, 'DROP INDEX idx_file_metadata_file_id');
    expect(await repair(contextFor(dbPath), { backup: false })).toMatchObject({
      backup: null,
      recreated: [expect.objectContaining({ name: 'idx_file_metadata_file_id' })],
    });
    expect(listBackups(contextFor(dbPath))).toHaveLength(0);
  });
});

describe('repair refuses what it cannot fix safely, and says why', () => {
  it('an extra NOT NULL and a changed CHECK (a rebuild) are refused, and an extra index left alone; the file is byte-identical', async () => {
    const dbPath = await seeded();
    sqlite3(
      dbPath,
      `
      PRAGMA foreign_keys = OFF;
      CREATE TABLE new_file_metadata (
        metadata_id INTEGER PRIMARY KEY AUTOINCREMENT,
        file_id TEXT NOT NULL,
        metadata_key TEXT NOT NULL CHECK (length(metadata_key) > 0),
        metadata_value TEXT NOT NULL DEFAULT '',
        created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
        FOREIGN KEY (file_id) REFERENCES conversation_files(file_id) ON DELETE CASCADE,
        UNIQUE (file_id, metadata_key));
      INSERT INTO new_file_metadata SELECT * FROM file_metadata;
      DROP TABLE file_metadata;
      ALTER TABLE new_file_metadata RENAME TO file_metadata;
      CREATE INDEX idx_file_metadata_file_id ON file_metadata (file_id);
      CREATE INDEX idx_extra ON file_metadata (metadata_key);`,
    );
    const before = sha256File(dbPath);
    const result = await repair(contextFor(dbPath));
    expect(result.recreated).toEqual([]);
    expect(names(result.refused)).toEqual(['column metadata_value', 'check length (metadata_key) > 0', 'index idx_extra']);
    const [column, check, index] = result.refused;
    expect(column.message).toBe(
      'Column file_metadata.metadata_value differs from the expected schema. Fixing it means rebuilding table file_metadata (copying every row), which repair does not do.',
    );
    expect(column.hint).toContain('Restore a backup taken before the change');
    expect(check.message).toContain('rebuilding table file_metadata');
    expect(index.message).toContain('Repair never drops anything.');
    expect(index.hint).toBe('Drop it yourself if nothing uses it: it is not part of version 1.2.0.');
    expect(sha256File(dbPath)).toBe(before);
  });

  it('recreates the missing index and refuses the changed one, in the same run', async () => {
    const dbPath = await seeded();
    sqlite3(
      dbPath,
      'DROP INDEX idx_file_metadata_file_id; DROP INDEX idx_session_associations_file; CREATE INDEX idx_session_associations_file ON session_file_associations (file_id, session_id);',
    );
    const result = await repair(contextFor(dbPath));
    expect(names(result.recreated)).toEqual(['index idx_file_metadata_file_id']);
    expect(names(result.refused)).toEqual(['index idx_session_associations_file']);
    expect(result.refused[0].hint).toBe('Drop it (DROP INDEX idx_session_associations_file) and run repair again to recreate it as version 1.2.0 defines it.');
  });

  it('reports an object SQLite will not recreate (a UNIQUE index over duplicates) and recreates the rest', async () => {
    const schema = schemaVariant({ '1.3.0__unique_file_hash.sql': 'CREATE UNIQUE INDEX idx_unique_stored_path ON conversation_files (file_path);\n' });
    const dbPath = await seeded('1.3.0', schema);
    sqlite3(
      dbPath,
      "DROP INDEX idx_unique_stored_path; DROP INDEX idx_file_metadata_file_id; UPDATE conversation_files SET file_path = '/same' WHERE file_id IN ('file-1', 'file-2');",
    );
    const result = await repair(contextFor(dbPath, schema));
    expect(names(result.recreated)).toEqual(['index idx_file_metadata_file_id']);
    expect(names(result.refused)).toEqual(['index idx_unique_stored_path']);
    expect(result.refused[0].message).toContain('UNIQUE constraint failed: conversation_files.file_path');
  });

  it('refuses databases it cannot reason about: unversioned, without a schema', async () => {
    const unversioned = join(tempDir(), 'u.db');
    buildUnversioned(unversioned, '1.0.0');
    await expect(repair(contextFor(unversioned))).rejects.toMatchObject({ code: 'NOT_VERSIONED' });
    const empty = join(tempDir(), 'e.db');
    sqlite3(empty, 'PRAGMA user_version = 0');
    await expect(repair(contextFor(empty))).rejects.toMatchObject({ code: 'NOT_INITIALIZED' });
  });
});

/** PRAGMA foreign_key_check as the sqlite3 shell reports it: orphaned rows per child table. */
function refereeOrphans(dbPath: string): Record<string, number> {
  const out = sqlite3(dbPath, 'SELECT "table", count(*) FROM pragma_foreign_key_check GROUP BY "table" ORDER BY 1');
  return Object.fromEntries(
    out
      .split('\n')
      .filter(Boolean)
      .map((line) => [line.split('|')[0], Number(line.split('|')[1])]),
  );
}

describe('a dropped parent: recreated empty, its orphans reported, and where the lost rows still are', () => {
  it('recreates conversation_files with its indexes and triggers, adds no violation, and names the backup holding its 300 rows', async () => {
    const dbPath = await seeded();
    const ctx = contextFor(dbPath);
    const earlier = await backup(ctx);
    const children = TABLES.filter((t) => t !== 'conversation_files');
    sqlite3(dbPath, 'PRAGMA foreign_keys = OFF; DROP TABLE conversation_files;');
    const orphansBefore = refereeOrphans(dbPath);
    const childrenBefore = digests(dbPath, children);
    expect(Object.values(orphansBefore).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);

    const result = await repair(ctx);
    // Everything the drop took with it, as sqlite3 lists it in the backup taken before.
    const dropped = sqlite3(
      earlier.path,
      "SELECT type || ' ' || name FROM sqlite_master WHERE tbl_name = 'conversation_files' AND name NOT LIKE 'sqlite_%'",
    ).split('\n');
    expect([...names(result.recreated)].sort()).toEqual(dropped.sort());
    expect(result.recreated[0]).toMatchObject({ kind: 'table', name: 'conversation_files' });
    expect(result.refused).toEqual([]);
    // The repair orphans nothing that was not orphaned before: the referee's counts are the same.
    expect(refereeOrphans(dbPath)).toEqual(orphansBefore);
    expect(Object.fromEntries(result.orphanedRows.map((o) => [o.table, o.rows]))).toEqual(orphansBefore);
    expect(result.orphanedRows.every((o) => o.parent === 'conversation_files')).toBe(true);
    expect(digests(dbPath, children)).toEqual(childrenBefore);
    expect(countRows(dbPath, 'conversation_files')).toBe(0);
    expect(sqlite3(dbPath, 'PRAGMA integrity_check')).toBe('ok');
    expect((await verify(ctx)).problems).toEqual([]);
    // The manual backup taken before the drop holds the 300 lost rows; the pre-repair one holds no such table.
    expect(Number(sqlite3(earlier.path, 'SELECT count(*) FROM conversation_files'))).toBe(300);
    expect(result.rowsInBackups).toEqual([{ table: 'conversation_files', backup: earlier.name, path: earlier.path, createdAt: earlier.createdAt, rows: 300 }]);
  });

  it('a change that would add a violation to those already there still rolls back, leaving the file byte-identical', async () => {
    const dbPath = await seeded();
    sqlite3(dbPath, "PRAGMA foreign_keys = OFF; DELETE FROM conversation_files WHERE file_id = 'file-1';");
    const before = sha256File(dbPath);
    const db = openDatabase(dbPath, { mode: 'write', busyTimeoutMs: 2_000 });
    try {
      const orphanMore = () => db.exec("DELETE FROM conversation_files WHERE file_id = 'file-2'");
      expect(() => inWriteTransaction(db, dbPath, orphanMore, { keepPreexistingViolations: true })).toThrow(/pointing at missing parents/);
      // The violations already there are kept only when asked for.
      expect(() => inWriteTransaction(db, dbPath, () => db.exec("UPDATE conversation_files SET file_size = file_size WHERE file_id = 'file-3'"))).toThrow(
        /pointing at missing parents/,
      );
      expect(sha256File(dbPath)).toBe(before);
      inWriteTransaction(db, dbPath, () => db.exec("UPDATE conversation_files SET file_size = file_size WHERE file_id = 'file-3'"), {
        keepPreexistingViolations: true,
      });
    } finally {
      db.close();
    }
    expect(sqlite3(dbPath, "SELECT count(*) FROM conversation_files WHERE file_id = 'file-2'")).toBe('1');
  });
});

describe('a renamed table is renamed back, rows and all', () => {
  it('conversation_files renamed to cf_old: verify says so, repair renames it back and every row is where it was', async () => {
    const dbPath = await seeded();
    const before = digests(dbPath, TABLES);
    sqlite3(dbPath, 'ALTER TABLE conversation_files RENAME TO cf_old');
    const ctx = contextFor(dbPath);
    const missingTable = (await verify(ctx)).problems.find((p) => p.kind === 'table' && p.change === 'missing');
    expect(missingTable).toMatchObject({
      name: 'conversation_files',
      foundAs: 'cf_old',
      hint: expect.stringContaining('ALTER TABLE "cf_old" RENAME TO "conversation_files"'),
    });

    // The children's foreign keys, the indexes, triggers and views now name cf_old: each says the rename back fixes it.
    const followOns = (await verify(ctx)).problems.filter((p) => p.name !== 'conversation_files' && p.name !== 'cf_old');
    expect(followOns.length).toBeGreaterThanOrEqual(16);
    expect(followOns.filter((p) => p.fixedByRenaming !== 'cf_old')).toEqual([]);

    const result = await repair(ctx);
    expect(result.statements).toEqual(['ALTER TABLE "cf_old" RENAME TO "conversation_files"']);
    expect(result.refused).toEqual([]);
    expect(result.rowsInBackups).toEqual([]);
    expect(digests(dbPath, TABLES)).toEqual(before);
    expect(sqlite3(dbPath, "SELECT count(*) FROM sqlite_master WHERE name = 'cf_old'")).toBe('0');
    expect(sqlite3(dbPath, 'SELECT count(*) FROM pragma_foreign_key_check')).toBe('0');
    expect(await verify(ctx, 'full')).toMatchObject({ status: 'healthy', problems: [] });
  });

  it('an extra table of another shape is no twin: the missing table is recreated empty and the other left alone', async () => {
    const dbPath = await seeded();
    sqlite3(dbPath, 'PRAGMA foreign_keys = OFF; CREATE TABLE fm_copy AS SELECT * FROM file_metadata; DROP TABLE file_metadata;');
    const result = await repair(contextFor(dbPath));
    expect(result.recreated[0]).toMatchObject({ kind: 'table', name: 'file_metadata' });
    expect(result.recreated[0].foundAs).toBeUndefined();
    expect(countRows(dbPath, 'file_metadata')).toBe(0);
    expect(countRows(dbPath, 'fm_copy')).toBe(300);
  });
});

describe('repair --dry-run', () => {
  it('lists the exact statements and writes nothing: same sha256, no backup taken', async () => {
    const dbPath = await seeded();
    sqlite3(dbPath, 'DROP TABLE file_metadata; DROP VIEW v_pending_cleanups;');
    const ctx = contextFor(dbPath);
    const before = sha256File(dbPath);
    const planned = await repair(ctx, { dryRun: true });
    expect(planned.dryRun).toBe(true);
    expect(names(planned.recreated)).toEqual(['table file_metadata', 'index idx_file_metadata_file_id', 'view v_pending_cleanups']);
    expect(sha256File(dbPath)).toBe(before);
    expect(listBackups(ctx)).toEqual([]);
    const done = await repair(ctx, { backup: false });
    expect(done.statements).toEqual(planned.statements);
    // What ran is what the expected schema says: the referee reads the same SQL back from sqlite_master.
    expect(sqlite3(dbPath, "SELECT sql FROM sqlite_master WHERE name = 'file_metadata'")).toBe(planned.statements[0]);
  });
});
