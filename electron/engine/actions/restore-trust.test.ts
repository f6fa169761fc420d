import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BackupInfo } from '../../../shared/types/backups';
import { acceptChecksum } from './accept-checksum';
import { backup } from './backup';
import { manifestPathOf } from '../core/backups/backup-manifest';
import { history } from './history';
import { initialize } from './initialize';
import { listBackups } from '../core/backups/list-backups';
import { migrate } from './migrate';
import { previewRestore, restore } from './restore';
import { status } from './status';
import { schemaVariant } from '../test-support/schema-variants';
import { databaseWithFiles, holdWriteLock } from '../test-support/backup-fixtures';
import { contextFor, sha256File, shippedSchema, sqlite3, tempDir } from '../test-support/fixtures';

// What a restore promises besides losing no write (reliability/restore-writers.test.ts): the
// audit trail survives it, a backup is trusted for its content and not only its hash, and a
// refused or failed restore leaves the live file byte for byte as it was. The referees: the
// sqlite3 shell reads the files, sha256 compares them.

/** Edits a backup with the sqlite3 shell, then rewrites its manifest to match: the hash alone can no longer tell. */
function craft(taken: BackupInfo, sql: string, manifestChanges: Record<string, unknown> = {}): void {
  sqlite3(taken.path, sql);
  const manifest = JSON.parse(readFileSync(manifestPathOf(taken.path), 'utf8'));
  writeFileSync(
    manifestPathOf(taken.path),
    JSON.stringify({ ...manifest, sha256: sha256File(taken.path), bytes: statSync(taken.path).size, ...manifestChanges }),
  );
}

/** Every event as the sqlite3 shell reads it: time, action, outcome. */
function eventsBySqlite3(path: string): string[] {
  return sqlite3(path, "SELECT at || ' ' || action || ' ' || outcome FROM schema_events ORDER BY event_id").split('\n');
}

describe('restore keeps the audit trail', () => {
  it('carries every event of the replaced database into the restored one, marked as carried, then records the restore', async () => {
    const ctx = await databaseWithFiles(20);
    const taken = await backup(ctx);
    await backup(ctx);
    await backup(ctx);
    const before = eventsBySqlite3(ctx.dbPath);
    const inBackup = eventsBySqlite3(taken.path);

    const result = await restore(ctx, { backup: taken.name });

    const after = eventsBySqlite3(ctx.dbPath);
    for (const event of before) expect(after).toContain(event);
    // Nothing twice: the backup's own past, what happened since (3 backup events), the pre-restore backup, the restore.
    expect(after).toHaveLength(inBackup.length + 3 + 2);
    expect(result.carriedEvents).toBe(3);
    const carried = sqlite3(ctx.dbPath, "SELECT count(*) FROM schema_events WHERE json_extract(detail, '$.carriedFrom.database') = " + `'${ctx.dbPath}'`);
    expect(carried).toBe('3');
    const events = history(ctx).events;
    expect(events[0]).toMatchObject({
      action: 'restore',
      outcome: 'ok',
      detail: { from: taken.path, carriedEvents: 3, preRestoreBackup: result.preRestoreBackup!.path },
    });
    expect(events[1]).toMatchObject({ action: 'backup', detail: { reason: 'pre-restore', path: result.preRestoreBackup!.path } });
    expect(sqlite3(ctx.dbPath, 'PRAGMA integrity_check')).toBe('ok');
  });

  it('undone with its pre-restore backup, still shows everything once: the first restore included', async () => {
    const ctx = await databaseWithFiles(5);
    const taken = await backup(ctx);
    const first = await restore(ctx, { backup: taken.name });
    const afterFirst = eventsBySqlite3(ctx.dbPath);

    await restore(ctx, { backup: first.preRestoreBackup!.name });

    const afterUndo = eventsBySqlite3(ctx.dbPath);
    for (const event of afterFirst) expect(afterUndo).toContain(event);
    expect(new Set(afterUndo).size).toBe(afterUndo.length);
    expect(afterUndo.filter((e) => e.endsWith(' restore ok'))).toHaveLength(2);
  });

  it('shows a carried checksum acceptance without applying it: it was a decision about the database it replaced', async () => {
    const dbPath = join(tempDir(), 'conversation_files.db');
    await initialize(contextFor(dbPath), { to: '1.1.0' });
    const taken = await backup(contextFor(dbPath));
    const file = '1.1.0__access_log_reference_type.sql';
    const original = shippedSchema().migrations.find((m) => m.file === file)!.sql;
    const ctx = contextFor(dbPath, schemaVariant({ [file]: `${original}\n-- comment only\n` }));
    acceptChecksum(ctx, { version: '1.1.0', reason: 'comment only' });
    expect(status(ctx).checksumMismatches).toEqual([]);

    await restore(ctx, { backup: taken.path });

    expect(history(ctx).events.find((e) => e.action === 'accept-checksum')).toMatchObject({
      detail: { reason: 'comment only', carriedFrom: { database: dbPath } },
    });
    expect(status(ctx).checksumMismatches).toMatchObject([{ version: '1.1.0', file }]);
  });
});

describe('restore trusts a backup for its content, not only its hash', () => {
  it('refuses a backup whose trigger deletes rows on insert, saying what it holds, and changes nothing', async () => {
    const ctx = await databaseWithFiles(10);
    const taken = await backup(ctx);
    craft(taken, 'CREATE TRIGGER tidy_up AFTER INSERT ON conversation_files BEGIN DELETE FROM conversation_files; END;');
    const before = sha256File(ctx.dbPath);

    await expect(restore(ctx, { backup: taken.name })).rejects.toMatchObject({
      code: 'BACKUP_INVALID',
      message: expect.stringMatching(
        /Trigger tidy_up exists but is not part of the expected schema: CREATE TRIGGER tidy_up AFTER INSERT ON conversation_files BEGIN DELETE FROM conversation_files; END.*Nothing was changed\.$/,
      ),
    });
    expect(sha256File(ctx.dbPath)).toBe(before);
    expect(listBackups(ctx).map((b) => b.reason)).toEqual(['manual']);
  });

  it('refuses a trigger on schema_events, an extra table, a missing view', async () => {
    const ctx = await databaseWithFiles(3);
    const cases: [string, RegExp][] = [
      [
        "CREATE TRIGGER hide AFTER INSERT ON schema_events BEGIN DELETE FROM schema_events WHERE action = 'restore'; END;",
        /Trigger hide on schema_events, a version-keeping table where no trigger belongs: CREATE TRIGGER hide/,
      ],
      ['CREATE TABLE stash (payload BLOB);', /Table stash exists but is not part of the expected schema: CREATE TABLE stash/],
      ['DROP VIEW v_pending_cleanups;', /View v_pending_cleanups is missing/],
    ];
    for (const [sql, message] of cases) {
      const taken = await backup(ctx);
      craft(taken, sql);
      const before = sha256File(ctx.dbPath);
      await expect(restore(ctx, { backup: taken.name }), sql).rejects.toMatchObject({ code: 'BACKUP_INVALID', message: expect.stringMatching(message) });
      expect(sha256File(ctx.dbPath)).toBe(before);
    }
  });

  it('refuses application_id 0 and a manifest of another application, like any foreign database', async () => {
    const ctx = await databaseWithFiles(3);
    const unstamped = await backup(ctx);
    craft(unstamped, 'PRAGMA application_id = 0;');
    await expect(restore(ctx, { backup: unstamped.name })).rejects.toMatchObject({
      code: 'FOREIGN_APPLICATION',
      message: expect.stringContaining('the file says application_id 0'),
    });
    const relabelled = await backup(ctx);
    craft(relabelled, 'SELECT 1;', { applicationId: 4242 });
    await expect(restore(ctx, { backup: relabelled.name })).rejects.toMatchObject({
      code: 'FOREIGN_APPLICATION',
      message: expect.stringContaining('its manifest says application_id 4242'),
    });
  });

  it('refuses a version the schema does not know, and one newer than it knows', async () => {
    const ctx = await databaseWithFiles(3);
    const unknown = await backup(ctx);
    craft(unknown, "UPDATE schema_version SET version = '1.1.5' WHERE version = '1.2.0';", { version: '1.1.5' });
    await expect(restore(ctx, { backup: unknown.name })).rejects.toMatchObject({ code: 'UNKNOWN_VERSION', message: expect.stringContaining('1.1.5') });
    const newer = await backup(ctx);
    craft(newer, "UPDATE schema_version SET version = '9.0.0' WHERE version = '1.2.0';", { version: '9.0.0' });
    await expect(restore(ctx, { backup: newer.name })).rejects.toMatchObject({ code: 'NEWER_THAN_KNOWN', message: expect.stringContaining('9.0.0') });
  });

  it('says a downgrade plainly: before (preview) and after (result, history)', async () => {
    const ctx = contextFor(join(tempDir(), 'conversation_files.db'));
    await initialize(ctx, { to: '1.0.0' });
    const old = await backup(ctx);
    await migrate(ctx, { backup: false });

    expect(await previewRestore(ctx, { backup: old.name })).toEqual({
      from: old.path,
      version: '1.0.0',
      liveVersion: '1.2.0',
      downgrade: true,
      tables: expect.any(Array),
    });
    const result = await restore(ctx, { backup: old.name });

    expect(result).toMatchObject({ version: '1.0.0', downgradedFrom: '1.2.0' });
    expect(history(ctx).events[0]).toMatchObject({ action: 'restore', version: '1.0.0', detail: { downgradedFrom: '1.2.0' } });
    expect(sqlite3(ctx.dbPath, 'SELECT max(version) FROM schema_version')).toBe('1.0.0');
  });
});

describe('a refused or failed restore leaves the live file byte-identical', () => {
  it('of a WAL database whose page size the backup does not share, saying what to do', async () => {
    const ctx = await databaseWithFiles(5);
    const taken = await backup(ctx);
    craft(taken, 'PRAGMA page_size = 8192; VACUUM;');
    sqlite3(ctx.dbPath, 'PRAGMA journal_mode = WAL;');
    const before = sha256File(ctx.dbPath);

    await expect(restore(ctx, { backup: taken.name })).rejects.toMatchObject({
      code: 'NOT_SUPPORTED',
      message: expect.stringContaining('pages are 8192 bytes'),
      hint: expect.stringContaining('move the database aside'),
    });

    expect(sha256File(ctx.dbPath)).toBe(before);
  });

  for (const mode of ['delete', 'wal'] as const) {
    it(`while another process holds BEGIN EXCLUSIVE (${mode})`, async () => {
      const ctx = await databaseWithFiles(10);
      const taken = await backup(ctx);
      sqlite3(ctx.dbPath, `PRAGMA journal_mode = ${mode}; DELETE FROM file_metadata;`);
      const before = sha256File(ctx.dbPath);
      const eventsBefore = eventsBySqlite3(ctx.dbPath);
      const holder = await holdWriteLock(ctx.dbPath, 60_000, 'EXCLUSIVE');

      await expect(restore({ ...ctx, busyTimeoutMs: 300 }, { backup: taken.name })).rejects.toMatchObject({ code: 'LOCKED' });

      expect(sha256File(ctx.dbPath)).toBe(before);
      holder.kill('SIGKILL');
      expect(existsSync(`${ctx.dbPath}-journal`)).toBe(false);
      expect(eventsBySqlite3(ctx.dbPath)).toEqual(eventsBefore);
      expect(listBackups(ctx).map((b) => b.reason)).toEqual(['manual']);
    });
  }

  it('of a read-only file', async () => {
    const ctx = await databaseWithFiles(10);
    const taken = await backup(ctx);
    chmodSync(ctx.dbPath, 0o444);
    const before = sha256File(ctx.dbPath);

    await expect(restore(ctx, { backup: taken.name })).rejects.toMatchObject({ code: 'READ_ONLY', message: expect.stringContaining('Nothing was changed') });

    expect(sha256File(ctx.dbPath)).toBe(before);
    expect(listBackups(ctx).map((b) => b.reason)).toEqual(['manual']);
    chmodSync(ctx.dbPath, 0o644);
  });
});
