import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, sha256File, sqlite3, tempDir } from '../engine/test-support/fixtures';
import { resultOf, runCli, SOURCE_CLI } from '../engine/test-support/cli';
import { fillWithFiles } from '../server/test-support/big-database';
import { buildFailingReads, canBuildFailingReads, failingReadsEnv } from './test-support/failing-reads';

// A disk that fails reads (EIO) under a restore. The restore must stop before it begins, say the
// disk failed (IO_ERROR, not CORRUPT: SQLite reports EIO as a malformed image), and leave no
// pre-restore backup it could not take whole: it exited 0 with its undo backup listed FAILED.

function cliWith(env: Record<string, string>, args: string[]) {
  const run = spawnSync(process.execPath, [...SOURCE_CLI, ...args], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, INIT_CWD: '', ...env } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe.skipIf(!canBuildFailingReads)('reads that fail with EIO (a preloaded library; skipped without a C compiler)', () => {
  it('restore of a WAL database whose pages cannot be read past the schema: IO_ERROR, the restore not begun, no pre-restore backup, the file as it was', () => {
    const library = buildFailingReads()!;
    const db = join(tempDir(), 'live.db');
    expect(runCli(['init', '--db', db]).code).toBe(0);
    fillWithFiles(db, 20_000);
    sqlite3(db, 'PRAGMA journal_mode = WAL');
    const taken = resultOf(runCli(['backup', '--db', db, '--json'])) as { path: string };
    const before = sha256File(db);
    // The schema and the version-keeping pages sit at the start (init wrote them first); the files' pages after them fail.
    const run = cliWith(failingReadsEnv(library, db, Math.floor(statSync(db).size / 2)), ['restore', '--db', db, '--backup', taken.path, '--yes']);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(
      /error \[IO_ERROR\]: Reading .*live\.db failed: the disk failed the read or write \(an I\/O error\) \(EIO\)\..*The file is not known to be damaged: the disk failed to read it\. The restore had not begun: the database is as it was\./,
    );
    // The referees: the file is byte for byte as it was and sqlite3 reads it whole; no backup was added, none is failed, nothing is left half-written.
    expect(sha256File(db)).toBe(before);
    expect(sqlite3(db, 'PRAGMA integrity_check')).toBe('ok');
    const listed = resultOf(runCli(['backups', '--db', db, '--json'])) as { reason: string; verified: { ok: boolean } | null }[];
    expect(listed.map((b) => [b.reason, b.verified?.ok])).toEqual([['manual', true]]);
    expect(readdirSync(`${db}.backups`).filter((f) => f.includes('.partial'))).toEqual([]);
  });

  it('restore of a rollback-journal database whose pages cannot be read: IO_ERROR naming the database, the restore not begun, the file as it was', () => {
    const library = buildFailingReads()!;
    const db = join(tempDir(), 'live.db');
    expect(runCli(['init', '--db', db]).code).toBe(0);
    fillWithFiles(db, 20_000);
    const taken = resultOf(runCli(['backup', '--db', db, '--json'])) as { path: string };
    const before = sha256File(db);
    const run = cliWith(failingReadsEnv(library, db, Math.floor(statSync(db).size / 2)), ['restore', '--db', db, '--backup', taken.path, '--yes']);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(
      /error \[IO_ERROR\]: Reading .*live\.db failed: the disk failed the read or write \(an I\/O error\) \(EIO\)\..* The restore had not begun: the database is as it was\./,
    );
    expect(sha256File(db)).toBe(before);
    const listed = resultOf(runCli(['backups', '--db', db, '--json'])) as { reason: string; verified: { ok: boolean } | null }[];
    expect(listed.map((b) => [b.reason, b.verified?.ok])).toEqual([['manual', true]]);
    expect(readdirSync(`${db}.backups`).filter((f) => f.includes('.partial'))).toEqual([]);
  });

  it("restore whose pre-restore copy cannot be read back (the backup folder's disk fails): IO_ERROR, not a copy kept as damaged and a restore that went on", () => {
    const library = buildFailingReads()!;
    const db = join(tempDir(), 'live.db');
    expect(runCli(['init', '--db', db]).code).toBe(0);
    // The backup is taken small; the database then grows: only the pre-restore copy reaches past the failing byte.
    const taken = resultOf(runCli(['backup', '--db', db, '--json'])) as { path: string };
    fillWithFiles(db, 20_000);
    const from = statSync(taken.path).size * 2;
    expect(statSync(db).size).toBeGreaterThan(from);
    const before = sha256File(db);
    const run = cliWith(failingReadsEnv(library, { suffix: '.partial' }, from), ['restore', '--db', db, '--backup', taken.path, '--yes']);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(
      /error \[IO_ERROR\]: Reading .*\.partial failed: the disk failed the read or write \(an I\/O error\) \(EIO\)\..* The pre-restore backup could not be read back\. The restore had not begun: the database is as it was\./,
    );
    expect(sha256File(db)).toBe(before);
    const listed = resultOf(runCli(['backups', '--db', db, '--json'])) as { reason: string; verified: { ok: boolean } | null }[];
    expect(listed.map((b) => [b.reason, b.verified?.ok])).toEqual([['manual', true]]);
    expect(readdirSync(`${db}.backups`).filter((f) => f.includes('.partial'))).toEqual([]);
  });
});
