import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { manifestPathOf } from '../engine/core/backups/backup-manifest';
import { resultOf, runCli, SOURCE_CLI } from '../engine/test-support/cli';
import { REPO_ROOT, sha256File, sqlite3, tempDir } from '../engine/test-support/fixtures';
import { scaled } from './test-support/soak';

// A backup or restore costs the same memory whatever the database's size: nothing holds a whole
// file in memory. It did: verify-backup of a WAL-mode backup read the file twice over (2.1 GB for
// 1 GB), restore of a WAL database serialized it (1.1 GB for 1 GB; INTERNAL past 2 GiB). The
// referee is the kernel's count of the process's peak resident memory (GNU time's %M).

const ROWS = scaled(24_000, 240_000); // 8 kB each: about 200 MB (2 GB under WARDEN_SOAK)

/** The CLI's exit code and peak resident memory in bytes. */
function peakOf(args: string[]): { code: number | null; peakBytes: number; stderr: string } {
  const run = spawnSync('/usr/bin/time', ['-f', 'peak %M', process.execPath, ...SOURCE_CLI, ...args], { cwd: REPO_ROOT, encoding: 'utf8' });
  const peak = /peak (\d+)\s*$/.exec(run.stderr);
  return { code: run.status, peakBytes: Number(peak?.[1]) * 1024, stderr: run.stderr };
}

describe.skipIf(!existsSync('/usr/bin/time'))('large WAL databases and backups (GNU time measures the peak; skipped without /usr/bin/time)', () => {
  it(`verify-backup of a WAL-mode backup and restore into a WAL database stay below the file's size in memory (${ROWS} rows of 8 kB)`, () => {
    const dir = tempDir();
    const db = join(dir, 'big.db');
    expect(runCli(['init', '--db', db]).code).toBe(0);
    sqlite3(
      db,
      `PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF;
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100) INSERT INTO conversation_files (file_id, session_id, original_filename, stored_filename, file_path, file_size, file_hash, mime_type) SELECT 'f' || i, 's', 'a.bin', 'st' || i, '/f', 1, 'h' || i, 'application/octet-stream' FROM n;
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${ROWS}) INSERT INTO file_metadata (file_id, metadata_key, metadata_value) SELECT 'f' || (i % 100 + 1), 'k' || i, hex(randomblob(4096)) FROM n;`,
    );
    const size = statSync(db).size;
    const taken = resultOf(runCli(['backup', '--db', db, '--json'])) as { path: string };

    // A WAL-mode backup with an honest manifest, as another tool or an older copy could leave it.
    const walMode = join(dir, 'big.db.backups', 'wal-mode.sqlite');
    copyFileSync(taken.path, walMode);
    sqlite3(walMode, 'PRAGMA journal_mode = WAL');
    const manifest = JSON.parse(readFileSync(manifestPathOf(taken.path), 'utf8'));
    delete manifest.fileMtimeMs;
    writeFileSync(manifestPathOf(walMode), JSON.stringify({ ...manifest, sha256: sha256File(walMode), bytes: statSync(walMode).size }));

    const verified = peakOf(['verify-backup', walMode, '--db', db]);
    expect(verified.code, verified.stderr).toBe(0);
    const restored = peakOf(['restore', '--db', db, '--backup', taken.path, '--yes']);
    expect(restored.code, restored.stderr).toBe(0);
    console.log(
      `database ${(size / 2 ** 20).toFixed(0)} MB: verify-backup (WAL-mode) peak ${(verified.peakBytes / 2 ** 20).toFixed(0)} MB, restore (WAL) peak ${(restored.peakBytes / 2 ** 20).toFixed(0)} MB`,
    );
    expect(verified.peakBytes).toBeLessThan(size);
    expect(restored.peakBytes).toBeLessThan(size);
    expect(sqlite3(db, 'PRAGMA integrity_check')).toBe('ok');
  });
});
