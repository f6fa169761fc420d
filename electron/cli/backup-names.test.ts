import { spawnSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resultOf, runCli } from '../engine/test-support/cli';
import { REPO_ROOT, SHIPPED_SCHEMA_DIR, countRows, seedFiles, sqlite3, tempDir } from '../engine/test-support/fixtures';

// Backups named as `warden backups` lists them (in --backup-dir too) and `latest`, from any
// folder; and the commands a message suggests work when pasted, on the database and schema given.

/** The CLI run from `cwd`, as an operator who has moved to another folder runs it. */
function wardenIn(cwd: string, args: string[]) {
  const result = spawnSync(join(REPO_ROOT, 'node_modules/.bin/tsx'), [join(REPO_ROOT, 'electron/cli/main.ts'), ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, INIT_CWD: '' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A database of the shipped schema with `files` files, at the latest version. */
function seededDatabase(files: number): string {
  const db = join(tempDir(), 'cf.db');
  expect(runCli(['init', '--db', db, '--to', '1.1.0']).code).toBe(0);
  seedFiles(db, files);
  expect(runCli(['migrate', '--db', db, '--no-backup']).code).toBe(0);
  return db;
}

describe('backups named as warden backups lists them', () => {
  it('verify-backup, restore and recover-rows take a name in --backup-dir, and latest, run from another folder', () => {
    const db = seededDatabase(5);
    const folder = join(tempDir(), 'kept');
    const elsewhere = tempDir();
    const first = resultOf(runCli(['backup', '--db', db, '--backup-dir', folder, '--json']));
    sqlite3(db, "UPDATE conversation_files SET original_filename = 'renamed' WHERE file_id = 'file-0'");
    const second = resultOf(runCli(['backup', '--db', db, '--backup-dir', folder, '--json']));
    const listed = runCli(['backups', '--db', db, '--backup-dir', folder]).stdout;
    expect(listed).toContain(first.name);

    const verified = wardenIn(elsewhere, ['verify-backup', first.name, '--db', db, '--backup-dir', folder]);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toContain('OK: the backup can be restored.');

    const latest = wardenIn(elsewhere, ['verify-backup', 'latest', '--db', db, '--backup-dir', folder, '--json']);
    expect(latest.code, latest.stderr).toBe(0);
    expect(resultOf(latest)).toMatchObject({ name: second.name, ok: true });

    const restored = wardenIn(elsewhere, ['restore', '--backup', first.name, '--db', db, '--backup-dir', folder, '--yes', '--json']);
    expect(restored.code, restored.stderr).toBe(0);
    expect(resultOf(restored)).toMatchObject({ restoredFrom: { path: first.path } });
    expect(sqlite3(db, "SELECT original_filename FROM conversation_files WHERE file_id = 'file-0'")).not.toBe('renamed');

    const recovered = wardenIn(elsewhere, [
      'recover-rows',
      '--table',
      'conversation_files',
      '--backup',
      'latest',
      '--db',
      db,
      '--backup-dir',
      folder,
      '--dry-run',
    ]);
    expect(recovered.code, recovered.stderr).toBe(0);
    expect(recovered.stderr).toContain('latest: ');
  });

  it('latest in a folder without backups says so and how to take one', () => {
    const db = seededDatabase(1);
    const none = runCli(['restore', '--backup', 'latest', '--db', db, '--yes']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(`error [NOT_FOUND]: There is no backup of ${db} in ${db}.backups to take as "latest".`);
    expect(none.stderr).toContain(`warden backup --db ${db}`);
  });
});

describe('commands the CLI suggests', () => {
  it('the recover-rows command repair prints works when pasted in another folder, with the --schema that was given', () => {
    const schema = join(tempDir(), 'my-schema');
    cpSync(SHIPPED_SCHEMA_DIR, schema, { recursive: true });
    const db = join(tempDir(), 'cf.db');
    expect(runCli(['init', '--db', db, '--schema', schema, '--to', '1.1.0']).code).toBe(0);
    seedFiles(db, 4);
    expect(runCli(['migrate', '--db', db, '--schema', schema, '--no-backup']).code).toBe(0);
    expect(runCli(['backup', '--db', db, '--schema', schema]).code).toBe(0);
    sqlite3(db, 'PRAGMA foreign_keys = OFF; DROP TABLE conversation_files');

    const repaired = runCli(['repair', '--db', db, '--schema', schema]);
    const suggested = /Copy them back with: (warden recover-rows .*)$/m.exec(repaired.stdout)?.[1];
    expect(suggested, repaired.stdout).toBeDefined();
    expect(suggested).toContain(`--schema ${schema}`);
    expect(suggested).toContain(`--db ${db}`);

    const pasted = wardenIn(
      tempDir(),
      suggested!
        .split(' ')
        .slice(1)
        .filter((word) => word !== '--dry-run'),
    );
    expect(pasted.code, pasted.stderr).toBe(0);
    expect(countRows(db, 'conversation_files')).toBe(4);
  });

  it('an error hint names the --db and --schema given', () => {
    const schema = join(tempDir(), 'my-schema');
    cpSync(SHIPPED_SCHEMA_DIR, schema, { recursive: true });
    const db = join(tempDir(), 'cf.db');
    expect(runCli(['init', '--db', db, '--schema', schema]).code).toBe(0);
    const missing = runCli(['restore', '--backup', 'no-such-backup.sqlite', '--db', db, '--schema', schema, '--yes']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`\n  next: warden backups --db ${db} --schema ${schema}\n`);
  });
});
