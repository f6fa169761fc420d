import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contextFor, REPO_ROOT, sha256File, tempDir } from '../engine/test-support/fixtures';
import { databaseWithFiles } from '../engine/test-support/backup-fixtures';
import { initialize } from '../engine/actions/initialize';
import { migrate } from '../engine/actions/migrate';
import { resultOf } from '../engine/test-support/cli';

// The backup commands as a script runs them: real processes, stdin not a terminal.

function warden(...args: string[]) {
  const result = spawnSync(join(REPO_ROOT, 'node_modules/.bin/tsx'), [join(REPO_ROOT, 'electron/cli/main.ts'), ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('warden backup commands', () => {
  it('backup --json prints path, sha256, version and bytes; backups lists it; verify-backup passes it', async () => {
    const { dbPath } = await databaseWithFiles(10);
    const taken = warden('backup', '--db', dbPath, '--json');
    expect(taken.code).toBe(0);
    const info = resultOf(taken);
    expect(info).toMatchObject({ version: '1.2.0', sha256: sha256File(info.path), reason: 'manual' });
    expect(info.bytes).toBeGreaterThan(0);

    const listed = warden('backups', '--db', dbPath, '--json');
    expect(resultOf(listed).map((b: { path: string }) => b.path)).toEqual([info.path]);
    expect(warden('backups', '--db', dbPath).stdout).toContain(info.name);

    const verified = warden('verify-backup', info.path, '--full');
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain('OK: the backup can be restored.');
  });

  it('restore refuses to run without --yes when stdin is not a terminal (usage error), and restores with it', async () => {
    const { dbPath } = await databaseWithFiles(10);
    const info = resultOf(warden('backup', '--db', dbPath, '--json'));
    const before = sha256File(dbPath);

    const refused = warden('restore', '--db', dbPath, '--backup', info.path);
    expect(refused.code).toBe(64);
    expect(refused.stderr).toContain('confirm with --yes');
    expect(sha256File(dbPath)).toBe(before);

    const restored = warden('restore', '--db', dbPath, '--backup', info.path, '--yes', '--json');
    expect(restored.code).toBe(0);
    expect(resultOf(restored)).toMatchObject({ path: dbPath, restoredFrom: { path: info.path }, preRestoreBackup: { reason: 'pre-restore' } });
  });

  it('restore says a downgrade plainly in its confirmation on a terminal, and after it', async () => {
    const ctx = contextFor(join(tempDir(), 'conversation_files.db'));
    await initialize(ctx, { to: '1.0.0' });
    const old = resultOf(warden('backup', '--db', ctx.dbPath, '--json'));
    await migrate(ctx, { backup: false });
    const before = sha256File(ctx.dbPath);

    // script(1) gives the command a terminal 60 columns wide; "no" is typed at the question.
    const command = [join(REPO_ROOT, 'node_modules/.bin/tsx'), join(REPO_ROOT, 'electron/cli/main.ts'), 'restore', '--db', ctx.dbPath, '--backup', old.path]
      .map((a) => `'${a}'`)
      .join(' ');
    const asked = spawnSync('script', ['-qec', `stty cols 60; ${command}`, '/dev/null'], { cwd: REPO_ROOT, encoding: 'utf8', input: 'no\n' });
    // The question, from its first line to the answer: the progress bar (its blocks, its phase) was cleared before it and never drawn again over it.
    const question = asked.stdout.slice(asked.stdout.indexOf('Every table holds'), asked.stdout.indexOf('not confirmed'));
    expect(question).toContain('Type yes to restore:');
    expect(question).not.toMatch(/[░█]|restore-preview/);
    // Wrapped at spaces to the terminal's width (a path longer than a line has one of its own).
    const lines = question.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').split(/\r?\n/);
    expect(lines.filter((line) => line.length > 60 && !/^\S+$/.test(line))).toEqual([]);
    expect(lines.join(' ')).toContain(`DOWNGRADE: ${ctx.dbPath} is at version 1.2.0; the backup is at 1.0.0, older.`);
    expect(asked.stdout).toContain('not confirmed');
    expect(sha256File(ctx.dbPath)).toBe(before);

    const restored = warden('restore', '--db', ctx.dbPath, '--backup', old.path, '--yes');
    expect(restored.code).toBe(0);
    expect(restored.stdout).toMatch(/Downgrade\s+it was at 1\.2\.0: the service must be one that runs 1\.0\.0/);
  });

  it('verify-backup of a PNG renamed .sqlite exits 2 and says why', () => {
    const png = join(tempDir(), 'photo.sqlite');
    writeFileSync(png, Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), Buffer.alloc(500)]));
    const result = warden('verify-backup', png);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('not a SQLite database');
    expect(result.stdout).toContain('NOT OK');
  });

  it('migrate --no-backup migrates without a backup; migrate alone reports the backup it took', async () => {
    const first = contextFor(join(tempDir(), 'first.db'));
    const second = contextFor(join(tempDir(), 'second.db'));
    for (const { dbPath } of [first, second]) expect(warden('init', '--db', dbPath, '--to', '1.0.0').code).toBe(0);

    expect(warden('migrate', '--db', first.dbPath, '--no-backup').code).toBe(0);
    expect(existsSync(`${first.dbPath}.backups`)).toBe(false);

    const backupDir = join(tempDir(), 'chosen');
    const migrated = warden('migrate', '--db', second.dbPath, '--backup-dir', backupDir);
    expect(migrated.code).toBe(0);
    expect(migrated.stdout).toMatch(new RegExp(`Backed up first to ${backupDir}/second-\\d{8}T\\d{9}Z-pre-migrate\\.sqlite`));
  });
});
