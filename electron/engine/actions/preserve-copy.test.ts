import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backup } from './backup';
import { initialize } from './initialize';
import { listBackups } from '../core/backups/list-backups';
import { preserveCopy } from './preserve-copy';
import { restore } from './restore';
import { applyRetention } from '../core/backups/retention';
import { resultOf, runCli } from '../test-support/cli';
import { fileWriter } from '../test-support/file-writer';
import { damageLeafOf } from '../test-support/damage';
import { contextFor, seedFiles, sha256File, tempDir } from '../test-support/fixtures';

async function damagedDatabase(): Promise<string> {
  const dbPath = join(tempDir(), 'chat.db');
  await initialize(contextFor(dbPath));
  seedFiles(dbPath, 800);
  damageLeafOf(dbPath, 'conversation_files', 2);
  return dbPath;
}

describe('preserveCopy keeps a damaged file as it is', () => {
  it("byte for byte, marked damaged and unverified, listed as such; the database untouched; permissions no wider than the database's", async () => {
    const dbPath = await damagedDatabase();
    chmodSync(dbPath, 0o640);
    const before = sha256File(dbPath);
    const info = preserveCopy(contextFor(dbPath));
    expect(sha256File(dbPath)).toBe(before);
    expect(readFileSync(info.path).equals(readFileSync(dbPath))).toBe(true);
    expect(info).toMatchObject({ reason: 'preserved-damaged', damaged: true, preservedFor: 'manual', verified: null, sha256: before, companions: [] });
    expect(statSync(info.path).mode & 0o777).toBe(0o440);
    expect(listBackups(contextFor(dbPath))).toEqual([expect.objectContaining({ name: info.name, reason: 'preserved-damaged', damaged: true })]);
    // Restore refuses it, whatever its name or path, and changes nothing.
    await expect(restore(contextFor(dbPath), { backup: info.name })).rejects.toMatchObject({ code: 'BACKUP_INVALID', hint: expect.stringMatching(/salvage/) });
    await expect(restore(contextFor(dbPath), { backup: info.path })).rejects.toMatchObject({ code: 'BACKUP_INVALID' });
    expect(sha256File(dbPath)).toBe(before);
  });

  it('a WAL database with committed frames not yet in the file: the -wal is copied beside it, and the copy set reads as the database did', async () => {
    const dbPath = join(tempDir(), 'wal.db');
    await initialize(contextFor(dbPath));
    const writer = new Database(dbPath);
    writer.pragma('journal_mode = WAL');
    writer.pragma('wal_autocheckpoint = 0');
    const store = fileWriter(writer);
    writer.transaction(() => {
      for (let k = 0; k < 50; k++) store({ id: `file-${k}`, session: 's', n: k, uploader: 'alice', downloader: 'bob' });
    })();
    try {
      expect(statSync(`${dbPath}-wal`).size).toBeGreaterThan(0);
      const wal = readFileSync(`${dbPath}-wal`);
      const info = preserveCopy(contextFor(dbPath));
      expect(info.companions).toEqual([{ suffix: '-wal', sha256: expect.any(String), bytes: wal.length }]);
      expect(readFileSync(`${info.path}-wal`).equals(wal)).toBe(true);
      // The referee: the sqlite3 shell reads the copy with its WAL as the database (on a writable copy of the set).
      const probe = join(tempDir(), 'probe.db');
      writeFileSync(probe, readFileSync(info.path));
      writeFileSync(`${probe}-wal`, readFileSync(`${info.path}-wal`));
      expect(spawnSync('sqlite3', [probe, 'SELECT count(*) FROM conversation_files'], { encoding: 'utf8' }).stdout.trim()).toBe('50');
    } finally {
      writer.close();
    }
  });

  it('retention never removes a preserved copy', async () => {
    const dbPath = join(tempDir(), 'chat.db');
    await initialize(contextFor(dbPath));
    const info = preserveCopy(contextFor(dbPath));
    await backup(contextFor(dbPath), { reason: 'manual' });
    await backup(contextFor(dbPath), { reason: 'manual' });
    applyRetention(contextFor(dbPath), 1);
    expect(existsSync(info.path)).toBe(true);
  });

  it('the CLI: warden preserve [--backup-dir DIR], then backup refused on the damaged file points at it; no file: NOT_FOUND, nothing written', async () => {
    const dbPath = await damagedDatabase();
    const dir = join(tempDir(), 'kept');
    const cli = runCli(['preserve', '--db', dbPath, '--backup-dir', dir, '--json']);
    expect(cli.code, cli.stderr).toBe(0);
    const info = resultOf(cli);
    expect(info.path.startsWith(dir)).toBe(true);
    expect(runCli(['backups', '--db', dbPath, '--backup-dir', dir]).stdout).toMatch(/damaged copy/i);
    const refused = runCli(['backup', '--db', dbPath, '--backup-dir', dir]);
    expect(refused.code).toBe(2);
    // The command it suggests carries the --backup-dir given, so pasted it keeps the copy where the backups are.
    expect(refused.stderr).toContain(`next: warden preserve --db ${dbPath} --backup-dir ${dir}\n`);
    const missing = runCli(['preserve', '--db', join(dir, 'none.db'), '--backup-dir', join(dir, 'other')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/NOT_FOUND/);
    expect(existsSync(join(dir, 'other'))).toBe(false);
  });
});
