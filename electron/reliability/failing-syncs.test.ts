import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, sha256File, sqlite3, tempDir } from '../engine/test-support/fixtures';
import { resultOf, runCli, SOURCE_CLI } from '../engine/test-support/cli';
import { fillWithFiles } from '../server/test-support/big-database';
import { buildFailingReads, canBuildFailingReads, failingSyncEnv } from './test-support/failing-reads';

// A disk that takes the restore's writes but fails to make them durable (fsync EIO): the restore
// had begun writing the live file, whose original pages are in its rollback journal. It used to
// stop with that journal left hot for the service to find, saying the step "was rolled back". Now
// the journal is played back at once where the disk allows it, and the error says exactly which
// state the file is in. The referee is the file's bytes before the restore, and the sqlite3 shell.

function restoreWith(env: Record<string, string>, db: string, backup: string) {
  const run = spawnSync(process.execPath, [...SOURCE_CLI, 'restore', '--db', db, '--backup', backup, '--yes'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, INIT_CWD: '', ...env },
  });
  return { code: run.status, stderr: run.stderr };
}

/** A database that differs from its backup: the restore has pages to write. */
function databaseAndBackup(): { db: string; backup: string; before: string } {
  const db = join(tempDir(), 'live.db');
  expect(runCli(['init', '--db', db]).code).toBe(0);
  fillWithFiles(db, 2000);
  const backup = (resultOf(runCli(['backup', '--db', db, '--json'])) as { path: string }).path;
  sqlite3(db, 'DELETE FROM file_access_log WHERE rowid % 2 = 0');
  return { db, backup, before: sha256File(db) };
}

describe.skipIf(!canBuildFailingReads)('a restore whose writes the disk cannot make durable (fsync EIO; skipped without a C compiler)', () => {
  it('a passing fault: the partial restore is rolled back at once, no journal is left, the file byte for byte as it was', () => {
    const library = buildFailingReads()!;
    const { db, backup, before } = databaseAndBackup();
    const run = restoreWith(failingSyncEnv(library, db, 1), db, backup);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(
      /error \[IO_ERROR\]: .*live\.db.* The restore had begun writing the database and was rolled back: the database is as it was before the restore\. What the database held before the restore is also kept in .*pre-restore\.sqlite\./,
    );
    expect(existsSync(`${db}-journal`)).toBe(false);
    expect(sha256File(db)).toBe(before);
    expect(sqlite3(db, 'PRAGMA integrity_check')).toBe('ok');
  });

  it('a failing disk: the journal that holds the original pages is said to be there and to stay, and SQLite puts the file back from it', () => {
    const library = buildFailingReads()!;
    const { db, backup, before } = databaseAndBackup();
    const run = restoreWith(failingSyncEnv(library, db), db, backup);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain(`its original pages are in ${db}-journal, which SQLite plays back`);
    expect(run.stderr).toContain('Do not delete or move that file.');
    expect(run.stderr).not.toContain('The step that was running was rolled back');
    expect(existsSync(`${db}-journal`)).toBe(true);
    // What the sentence promises: the next opener (here the sqlite3 shell, on a sound disk) puts the file back exactly.
    expect(sqlite3(db, 'PRAGMA integrity_check')).toBe('ok');
    expect(existsSync(`${db}-journal`)).toBe(false);
    expect(sha256File(db)).toBe(before);
  });
});
