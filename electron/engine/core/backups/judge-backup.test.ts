import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { BackupInfo } from '../../../../shared/types/backups';
import { backup } from '../../actions/backup';
import { manifestPathOf } from './backup-manifest';
import { listBackups } from './list-backups';
import { recoverRows } from '../../actions/recover-rows';
import { previewRestore, restore } from '../../actions/restore';
import { verifyBackup } from '../../actions/verify-backup';
import { databaseWithFiles } from '../../test-support/backup-fixtures';
import { sha256File, sqlite3 } from '../../test-support/fixtures';

// One judgement of a backup (judge-backup.ts): verify-backup, restore and recover-rows never
// disagree about whether a backup may be put in front of the service or read from.

/** Edits a backup with the sqlite3 shell, then rewrites its manifest to match: the hash alone can no longer tell. */
function craft(taken: BackupInfo, sql: string): void {
  sqlite3(taken.path, sql);
  const manifest = JSON.parse(readFileSync(manifestPathOf(taken.path), 'utf8'));
  writeFileSync(manifestPathOf(taken.path), JSON.stringify({ ...manifest, sha256: sha256File(taken.path), bytes: statSync(taken.path).size }));
}

/** conversation_files replaced by a view of the same columns that makes up `rows` rows of `bytes`-long strings. */
function viewInPlaceOfTable(taken: BackupInfo, rows: number, bytes: number): void {
  const columns = sqlite3(taken.path, "SELECT name FROM pragma_table_info('conversation_files') ORDER BY cid").split('\n');
  const select = columns.map((c) => (c === 'file_id' ? `'made-up-' || i AS file_id` : `printf('%.*c', ${bytes}, 'x') AS ${c}`)).join(', ');
  craft(
    taken,
    `DROP TABLE conversation_files; CREATE VIEW conversation_files AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${rows}) SELECT ${select} FROM n;`,
  );
}

describe('one judgement of a backup for verify-backup, restore and recover-rows', () => {
  it('a backup with a valid manifest whose conversation_files is a view: all three refuse it for the same reason, and nothing changes', async () => {
    const ctx = await databaseWithFiles(5);
    const taken = await backup(ctx);
    viewInPlaceOfTable(taken, 3, 1_000_000);
    expect(sqlite3(taken.path, "SELECT type FROM sqlite_master WHERE name = 'conversation_files'")).toBe('view');
    expect(sqlite3(taken.path, 'PRAGMA quick_check')).toBe('ok'); // the bytes are sound: only the content can tell
    const before = sha256File(ctx.dbPath);

    const verification = await verifyBackup(ctx, { backup: taken.name });
    expect(verification).toMatchObject({ ok: false, hashMatches: true, integrity: { ok: true } });
    const why =
      /it does not hold the schema of version 1\.2\.0: conversation_files is a view where version 1\.2\.0 has a table; Table conversation_files is missing/;
    expect(verification.problems.join(' ')).toMatch(new RegExp(`It cannot be restored: ${why.source}`));

    await expect(restore(ctx, { backup: taken.name })).rejects.toMatchObject({ code: 'BACKUP_INVALID', message: expect.stringMatching(why) });
    await expect(previewRestore(ctx, { backup: taken.name })).rejects.toMatchObject({ code: 'BACKUP_INVALID', message: expect.stringMatching(why) });
    await expect(recoverRows(ctx, { table: 'conversation_files', backup: taken.name, dryRun: true })).rejects.toMatchObject({
      code: 'BACKUP_INVALID',
      message: expect.stringMatching(new RegExp(`^Refusing to copy rows from .*: ${why.source}.* Nothing was changed\\.$`)),
    });
    expect(sha256File(ctx.dbPath)).toBe(before);
    // What the check found is kept: no listing calls it verified any more.
    expect(listBackups(ctx).find((b) => b.name === taken.name)?.verified?.ok).toBe(false);
  });

  it('a backup verify-backup passes is one restore and recover-rows accept', async () => {
    const ctx = await databaseWithFiles(5);
    const taken = await backup(ctx);
    expect(await verifyBackup(ctx, { backup: taken.name })).toMatchObject({ ok: true, problems: [] });
    await expect(recoverRows(ctx, { table: 'conversation_files', backup: taken.name, dryRun: true })).resolves.toMatchObject({ dryRun: true });
    await expect(restore(ctx, { backup: taken.name })).resolves.toMatchObject({ version: '1.2.0' });
  });
});
