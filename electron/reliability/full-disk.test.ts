import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultOf, runCli } from '../engine/test-support/cli';
import { sha256File, sqlite3 } from '../engine/test-support/fixtures';

// A disk that is really full: a small tmpfs mounted for the test (root only; skipped, saying why,
// elsewhere). Each failure must be its own code (NO_SPACE), name the file and say what it left,
// never INTERNAL "a bug in Schema Warden", never a hot journal for the next opener.

// Not tempDir(): its clean-up would try to remove the mount point while it is mounted.
const dir = mkdtempSync(join(tmpdir(), 'warden-full-disk-'));
const tiny = join(dir, 'tiny');
mkdirSync(tiny);
const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=700k', 'tmpfs', tiny]).status === 0;

afterAll(() => {
  if (mounted) execFileSync('umount', [tiny]);
  rmSync(dir, { recursive: true, force: true });
});

/** Inserts rows until SQLite answers SQLITE_FULL, then deletes one row in 40 so a little room is left. */
function fillUp(path: string): void {
  const db = new Database(path);
  const insert = db.prepare(
    "INSERT INTO conversation_files (file_id, session_id, original_filename, stored_filename, file_path, file_size, file_hash, mime_type) VALUES (?, 's', 'a.txt', ?, '/f', 1, ?, 'text/plain')",
  );
  try {
    for (let i = 0; ; i++) insert.run(`f${i}`, `stored-${i}`, `${'h'.repeat(100)}${i}`);
  } catch (err) {
    expect((err as { code: string }).code).toBe('SQLITE_FULL');
  } finally {
    db.close();
  }
}

describe.skipIf(!mounted)('on a full disk (a 700 kB tmpfs; skipped where mount is refused: it needs root)', () => {
  beforeAll(() => {
    expect(runCli(['init', '--db', join(dir, 'big.db')]).code).toBe(0);
    const db = new Database(join(dir, 'big.db'));
    db.exec(
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 4000) INSERT INTO conversation_files (file_id, session_id, original_filename, stored_filename, file_path, file_size, file_hash, mime_type) SELECT 'f' || i, 's', 'a', 'st' || i, '/f', 1, printf('%.100c', 'h') || i, 'text/plain' FROM n",
    );
    db.close();
  });

  it('backup into it: NO_SPACE saying how much is needed and free, no backup listed, nothing left behind', () => {
    const folder = join(tiny, 'backups');
    const run = runCli(['backup', '--db', join(dir, 'big.db'), '--backup-dir', folder]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/error \[NO_SPACE\]: The disk holding .*backups is full: the copy needs about \d+\.\d MB and \d+\.\d MB is free there/);
    expect(run.stderr).not.toContain('bug in Schema Warden');
    expect(readdirSync(folder)).toEqual([]);
    expect(runCli(['backups', '--db', join(dir, 'big.db'), '--backup-dir', folder]).stdout).toContain('No backups');
  });

  it('migrate --no-backup of a database on it: NO_SPACE naming the version it was left at, no hot journal', () => {
    const path = join(tiny, 'full.db');
    expect(runCli(['init', '--db', path, '--to', '1.0.0']).code).toBe(0);
    fillUp(path);
    const run = runCli(['migrate', '--db', path, '--no-backup']);
    expect(run.code).toBe(2);
    const left = /was left at (\d+\.\d+\.\d+)/.exec(run.stderr)?.[1];
    expect(run.stderr).toContain('error [NO_SPACE]');
    expect(run.stderr).not.toContain('bug in Schema Warden');
    // The referee: what the file records is what the error said, and no journal is waiting for the next opener.
    expect(left).toBe(sqlite3(path, 'SELECT max(version) FROM schema_version'));
    expect(existsSync(`${path}-journal`)).toBe(false);
    expect(sqlite3(path, 'PRAGMA integrity_check')).toBe('ok');
  });
  it('restore whose pre-restore copy does not fit: NO_SPACE, the restore not begun, the live file byte for byte as it was', () => {
    rmSync(join(tiny, 'full.db'), { force: true }); // the test before filled the disk with it
    const live = join(dir, 'small.db');
    const folder = join(tiny, 'small-backups');
    expect(runCli(['init', '--db', live]).code).toBe(0);
    const taken = resultOf(runCli(['backup', '--db', live, '--backup-dir', folder, '--json'])) as { path: string };
    // Fill what is left of the disk, but for a few pages: the copy of the live file cannot fit.
    const free = Number(execFileSync('df', ['-k', '--output=avail', tiny], { encoding: 'utf8' }).trim().split('\n')[1]) * 1024;
    writeFileSync(join(tiny, 'filler'), Buffer.alloc(Math.max(0, free - 16 * 1024)));
    const before = sha256File(live);
    const run = runCli(['restore', '--db', live, '--backup', taken.path, '--backup-dir', folder, '--yes']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/error \[NO_SPACE\]: .* the disk is full \(ENOSPC\).*The restore had not begun: the database is as it was/);
    expect(sha256File(live)).toBe(before);
    expect(readdirSync(folder).filter((f) => f.endsWith('.partial'))).toEqual([]);
    rmSync(join(tiny, 'filler'));
  });

  it('backup whose copy fits but whose record in the history does not: NO_SPACE saying the backup was taken, verified and kept, and where', () => {
    rmSync(join(tiny, 'small-backups'), { recursive: true, force: true });
    const path = join(tiny, 'nearly.db');
    expect(runCli(['init', '--db', path]).code).toBe(0);
    expect(runCli(['backup', '--db', path]).code).toBe(0); // its folder exists
    // Room for the copy and its manifest, and not a page more: the history's journal cannot be written.
    const free = Number(execFileSync('df', ['-k', '--output=avail', tiny], { encoding: 'utf8' }).trim().split('\n')[1]) * 1024;
    writeFileSync(join(tiny, 'filler'), Buffer.alloc(Math.max(0, free - statSync(path).size - 4096)));
    const events = sqlite3(path, 'SELECT count(*) FROM schema_events');
    const run = runCli(['backup', '--db', path]);
    expect(run.code).toBe(2);
    const kept = /The backup itself was taken, passed quick_check and is kept: (\S+)\. Only its record in the history of .*nearly\.db is missing\./.exec(
      run.stderr,
    )?.[1];
    expect(run.stderr).toContain('error [NO_SPACE]');
    // The referees: the backup named is there and sqlite3 finds it sound; the history has no new event and no journal waits.
    expect(kept && sqlite3(kept, 'PRAGMA integrity_check')).toBe('ok');
    expect(resultOf(runCli(['backups', '--db', path, '--json'])).map((b: { path: string }) => b.path)).toContain(kept);
    expect(sqlite3(path, 'SELECT count(*) FROM schema_events')).toBe(events);
    expect(existsSync(`${path}-journal`)).toBe(false);
    rmSync(join(tiny, 'filler'));
  });

  it('migrate --no-backup whose first step fits and second does not: NO_SPACE, the first step committed and said, no hot journal', () => {
    for (const entry of readdirSync(tiny)) rmSync(join(tiny, entry), { recursive: true, force: true });
    // 600 files at 1.0.0 with an empty access log: 1.1.0 rebuilds that log (small), 1.2.0 rebuilds conversation_files (its size again).
    const source = join(dir, 'two-steps.db');
    expect(runCli(['init', '--db', source, '--to', '1.0.0']).code).toBe(0);
    sqlite3(
      source,
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 600) INSERT INTO conversation_files (file_id, session_id, original_filename, stored_filename, file_path, file_size, file_hash, mime_type) SELECT 'f' || i, 's', 'a', 'st' || i, '/f', 1, printf('%.100c', 'h') || i, 'text/plain' FROM n; DELETE FROM file_access_log; VACUUM;",
    );
    const path = join(tiny, 'two-steps.db');
    writeFileSync(path, readFileSync(source));
    const free = Number(execFileSync('df', ['-k', '--output=avail', tiny], { encoding: 'utf8' }).trim().split('\n')[1]) * 1024;
    writeFileSync(join(tiny, 'filler'), Buffer.alloc(Math.max(0, free - 80 * 1024)));
    const run = runCli(['migrate', '--db', path, '--no-backup']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /error \[NO_SPACE\]: Migration 1\.2\.0__storage_backend_and_required_mime_type\.sql stopped at line \d+\. The disk holding .* is full/,
    );
    expect(run.stderr).toContain(`${path} was left at 1.1.0: every version before the failed step is committed, none after it.`);
    // The referee: sqlite3 finds 1.1.0 committed (its rebuilt access log accepts 'reference'), 1.2.0 not, the file whole, no journal waiting.
    expect(sqlite3(path, 'SELECT group_concat(version) FROM schema_version')).toBe('1.0.0,1.1.0');
    expect(sqlite3(path, "SELECT sql LIKE '%reference%' FROM sqlite_master WHERE name = 'file_access_log'")).toBe('1');
    expect(existsSync(`${path}-journal`)).toBe(false);
    expect(sqlite3(path, 'PRAGMA integrity_check')).toBe('ok');
    rmSync(join(tiny, 'filler'));
  });
});
