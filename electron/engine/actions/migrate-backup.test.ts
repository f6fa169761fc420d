import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backupFolderOf } from '../core/backups/backup-folder';
import { initialize } from './initialize';
import { listBackups } from '../core/backups/list-backups';
import { migrate } from './migrate';
import { restore } from './restore';
import { status } from './status';
import { schemaFolder } from '../test-support/backup-fixtures';
import { contextFor, countRows, seedFiles, sha256File, sqlite3, tempDir } from '../test-support/fixtures';

// The safety net: migrate (and initialize, when it migrates) takes a verified backup first.

/** Its 1.1.0 is valid SQL that fails on data (every file has the same uploader) after two statements ran. */
function failingSchema() {
  return schemaFolder('half_way', 777, {
    '1.1.0__add_tags_then_fail.sql':
      "ALTER TABLE conversation_files ADD COLUMN tags TEXT;\nUPDATE conversation_files SET tags = 'x';\nCREATE UNIQUE INDEX idx_one_uploader ON conversation_files (uploaded_by);\n",
  });
}

describe('migrate with its pre-migrate backup', () => {
  it('a migration that fails half-way leaves the old version, with the pre-migrate backup listed and named in the error', async () => {
    const ctx = contextFor(join(tempDir(), 'db.sqlite'), failingSchema());
    await initialize(ctx, { to: '1.0.0' });
    seedFiles(ctx.dbPath, 20);
    const failure = migrate(ctx);
    await expect(failure).rejects.toMatchObject({ code: 'MIGRATION_FAILED', message: expect.stringContaining('line 3') });

    expect(status(ctx).version).toBe('1.0.0');
    expect(sqlite3(ctx.dbPath, "SELECT count(*) FROM pragma_table_info('conversation_files') WHERE name = 'tags'")).toBe('0');
    const [taken, ...others] = listBackups(ctx);
    expect(others).toEqual([]);
    expect(taken).toMatchObject({ reason: 'pre-migrate', version: '1.0.0', verified: { ok: true } });
    const err = await failure.catch((e: unknown) => e);
    expect(err).toMatchObject({
      hint: expect.stringContaining(`restore the backup taken first, ${taken.path}.`),
      details: { backup: taken.path, version: '1.1.0' },
      next: [{ action: 'restore', backup: taken.path }],
    });
    expect(countRows(taken.path, 'conversation_files')).toBe(20);
    await restore(ctx, { backup: taken.name });
    expect(status(ctx).version).toBe('1.0.0');
  });

  it('returns the verified backup it took before migrating', async () => {
    const ctx = contextFor(join(tempDir(), 'db.sqlite'));
    await initialize(ctx, { to: '1.0.0' });
    const result = await migrate(ctx);
    expect(result).toMatchObject({ from: '1.0.0', to: '1.2.0', backup: { reason: 'pre-migrate', version: '1.0.0', verified: { ok: true } } });
    expect(listBackups(ctx).map((b) => b.path)).toEqual([result.backup!.path]);
  });

  it('takes none when the caller opts out, when nothing is pending, or when the database is fresh', async () => {
    const ctx = contextFor(join(tempDir(), 'db.sqlite'));
    expect((await initialize(ctx, { to: '1.0.0' })).backup).toBeNull();
    expect((await migrate(ctx, { backup: false })).backup).toBeNull();
    expect((await migrate(ctx)).backup).toBeNull();
    expect(existsSync(backupFolderOf(ctx))).toBe(false);
  });

  it('initialize takes one when it migrates an existing database', async () => {
    const ctx = contextFor(join(tempDir(), 'db.sqlite'), undefined, { backupDir: join(tempDir(), 'safe') });
    await initialize(ctx, { to: '1.1.0' });
    const result = await initialize(ctx);
    expect(result.backup).toMatchObject({ reason: 'pre-migrate', version: '1.1.0' });
    expect(result.backup!.path.startsWith(ctx.backupDir!)).toBe(true);
  });

  it('checks what it can before the backup: a refused migrate takes none and changes nothing', async () => {
    const ctx = contextFor(join(tempDir(), 'db.sqlite'));
    await initialize(ctx);
    const before = sha256File(ctx.dbPath);
    await expect(migrate(ctx, { to: '1.0.0' })).rejects.toMatchObject({ code: 'DOWNGRADE_NOT_SUPPORTED' });
    await expect(migrate(contextFor(join(tempDir(), 'missing.db')))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(existsSync(backupFolderOf(ctx))).toBe(false);
    expect(sha256File(ctx.dbPath)).toBe(before);
  });
});
