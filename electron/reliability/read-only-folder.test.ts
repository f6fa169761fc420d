import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, SOURCE_CLI, type CliRun } from '../engine/test-support/cli';
import { REPO_ROOT, sha256File, sqlite3 } from '../engine/test-support/fixtures';

// A WAL database SQLite cannot open because it must create its -wal and -shm files beside it and
// the folder will not have them: a really read-only filesystem (a tmpfs remounted read-only; root
// only, skipped saying why elsewhere), and a folder this account may not write (the CLI run as
// nobody). It was NOT_FOUND "check that the path exists" (and, for a query, INVALID_INPUT "fix
// the SQL"); it is READ_ONLY or PERMISSION_DENIED naming the folder and what to do.

// Not tempDir(): its clean-up would try to remove the mount point while it is mounted.
const dir = mkdtempSync(join(tmpdir(), 'warden-read-only-folder-'));
const media = join(dir, 'media');
mkdirSync(media);
const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', media]).status === 0;

afterAll(() => {
  if (mounted) execFileSync('umount', [media]);
  rmSync(dir, { recursive: true, force: true });
});

/** A new database at `path`, in WAL mode or not, with the sqlite3 shell saying which. */
function database(path: string, wal: boolean): void {
  expect(runCli(['init', '--db', path]).code).toBe(0);
  expect(sqlite3(path, `PRAGMA journal_mode=${wal ? 'WAL' : 'DELETE'}`)).toBe(wal ? 'wal' : 'delete');
}

/** The commands a person would try first on a database they were handed, each reading it. */
const READS = (path: string) => [
  ['status', '--db', path],
  ['verify', '--db', path],
  ['tables', '--db', path],
  ['query', '--db', path, '--sql', 'SELECT count(*) FROM conversation_files'],
  ['rows', '--db', path, '--table', 'conversation_files'],
  ['backup', '--db', path, '--backup-dir', join(dir, 'backups')],
  ['init', '--db', path],
];

function expectRefused(run: CliRun, args: string[], error: string): void {
  expect(run.code, args.join(' ')).toBe(2);
  expect(run.stderr, args.join(' ')).toContain(error);
  expect(run.stderr, args.join(' ')).not.toMatch(/NOT_FOUND|INVALID_INPUT|INTERNAL|bug in Schema Warden/);
}

describe.skipIf(!mounted)('a WAL database on a read-only filesystem (a tmpfs remounted read-only; skipped where mount is refused: it needs root)', () => {
  const wal = join(media, 'wal.db');
  const rollback = join(media, 'rollback.db');
  let before: string;

  beforeAll(() => {
    database(wal, true);
    database(rollback, false);
    before = sha256File(wal);
    execFileSync('mount', ['-o', 'remount,ro', media]);
  });

  it('is READ_ONLY naming the folder, the files SQLite must create there and what to do, for every command; nothing is written', () => {
    for (const args of READS(wal)) {
      const run = runCli(args);
      expectRefused(
        run,
        args,
        `error [READ_ONLY]: The database ${wal} cannot be opened: it is in WAL mode, and SQLite must create wal.db-wal and wal.db-shm beside it, in ${media}, which is on a read-only filesystem (EROFS). Nothing was changed.`,
      );
      expect(run.stderr).toContain(
        `what to do: Remount ${media} read-write, or copy the database (with its -wal file, if any) to a writable folder and open the copy.`,
      );
    }
    expect(sha256File(wal)).toBe(before);
    expect(existsSync(`${wal}-wal`) || existsSync(`${wal}-shm`)).toBe(false);
  });

  it('the advice works: a copy in a writable folder opens, and a rollback-journal database beside it reads where it is', () => {
    const copy = join(dir, 'copy.db');
    execFileSync('cp', [wal, copy]);
    expect(runCli(['tables', '--db', copy]).code).toBe(0);
    const status = runCli(['status', '--db', rollback]);
    expect(status.stderr).not.toContain('error [');
    expect(status.stdout).toContain('Version    1.2.0');
  });
});

const asNobody = process.getuid?.() === 0 && spawnSync('setpriv', ['--version']).status === 0;

describe.skipIf(!asNobody)('a WAL database in a folder this account may not write (the CLI run as nobody; skipped without root and setpriv)', () => {
  const folder = join(dir, 'theirs');
  const wal = join(folder, 'wal.db');

  beforeAll(() => {
    mkdirSync(folder);
    database(wal, true);
    chmodSync(dir, 0o755);
    chmodSync(folder, 0o755); // root's: nobody may not create files in it
    chmodSync(wal, 0o666); // the file itself nobody may read and write
  });

  it('is PERMISSION_DENIED naming the folder and the account, not NOT_FOUND, "cannot be written" or the SQL', () => {
    for (const args of [
      ['status', '--db', wal],
      ['query', '--db', wal, '--sql', 'SELECT 1'],
    ]) {
      const run = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, ...SOURCE_CLI, ...args], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        env: { ...process.env, HOME: dir, INIT_CWD: '' },
      });
      expectRefused(
        { code: run.status, stdout: run.stdout, stderr: run.stderr },
        args,
        `error [PERMISSION_DENIED]: The database ${wal} cannot be opened: it is in WAL mode, and SQLite must create wal.db-wal and wal.db-shm beside it, in ${folder}, where this account (uid 65534) may not create files (EACCES). Nothing was changed.`,
      );
      expect(run.stderr).not.toContain('cannot be written');
      expect(run.stderr).toContain(`what to do: Give this account write access to ${folder} (ls -ld ${folder} shows who may)`);
    }
  });
});
