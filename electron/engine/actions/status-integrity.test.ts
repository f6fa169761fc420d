import { spawnSync } from 'node:child_process';
import { backup } from './backup';
import { truncateSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { databaseHealth } from './health';
import { initialize } from './initialize';
import { status } from './status';
import { runCli } from '../test-support/cli';
import { contextFor, seedFiles, sha256File, tempDir } from '../test-support/fixtures';
import { damageMiddlePages, overwritePage } from '../test-support/damage';

describe('status sees a damaged file', () => {
  it('20 pages overwritten in the middle: status unhealthy with the failed quick_check and when it ran, exit 2, health unhealthy, the file unchanged', async () => {
    const dbPath = join(tempDir(), 'db.sqlite');
    await initialize(contextFor(dbPath), { to: '1.1.0' });
    seedFiles(dbPath, 1500);
    damageMiddlePages(dbPath);
    // The referee: the sqlite3 shell sees the damage too.
    const referee = spawnSync('sqlite3', [dbPath, 'PRAGMA quick_check'], { encoding: 'utf8' });
    expect(`${referee.status} ${referee.stdout.trim()}`).not.toBe('0 ok');
    const before = sha256File(dbPath);

    const report = status(contextFor(dbPath));
    expect(report.status).toBe('unhealthy');
    expect(report.reason).toMatch(/quick_check failed/);
    expect(report.integrity).toMatchObject({ level: 'quick', ok: false });
    expect(Date.now() - Date.parse(report.integrity!.checkedAt)).toBeLessThan(60_000);

    const cli = runCli(['status', '--db', dbPath]);
    expect(cli.code, cli.stderr).toBe(2);
    expect(cli.stdout).toMatch(/quick_check FAILED/);

    expect(databaseHealth(contextFor(dbPath), 'db')).toMatchObject({ status: 'unhealthy', reason: report.reason });
    expect(sha256File(dbPath)).toBe(before);
  });

  it('an intact file: status carries a passing quick_check', async () => {
    const dbPath = join(tempDir(), 'db.sqlite');
    await initialize(contextFor(dbPath));
    await backup(contextFor(dbPath)); // backed up: healthy, not 'not backed up'
    expect(status(contextFor(dbPath))).toMatchObject({ status: 'healthy', integrity: { level: 'quick', ok: true, messages: [] } });
  });

  it('a truncated file: status unhealthy, saying it was cut short, instead of an error', async () => {
    const dbPath = join(tempDir(), 'db.sqlite');
    await initialize(contextFor(dbPath));
    seedFiles(dbPath, 300);
    truncateSync(dbPath, 4096 * 3);
    const report = status(contextFor(dbPath));
    expect(report).toMatchObject({ status: 'unhealthy', integrity: { ok: false } });
    expect(runCli(['status', '--db', dbPath]).code).toBe(2);
  });

  it('the events table damaged: still unhealthy, and the version the intact versions table records is shown (fleet verify and the console read it)', async () => {
    const dbPath = join(tempDir(), 'db.sqlite');
    await initialize(contextFor(dbPath));
    const root = Number(spawnSync('sqlite3', [dbPath, "SELECT rootpage FROM sqlite_master WHERE name = 'schema_events'"], { encoding: 'utf8' }).stdout);
    overwritePage(dbPath, root);
    // The referee: the sqlite3 shell still reads the version, and fails on the events.
    expect(spawnSync('sqlite3', [dbPath, 'SELECT max(version) FROM schema_version'], { encoding: 'utf8' }).stdout.trim()).toBe('1.2.0');
    expect(spawnSync('sqlite3', [dbPath, 'SELECT count(*) FROM schema_events'], { encoding: 'utf8' }).status).not.toBe(0);
    const report = status(contextFor(dbPath));
    expect(report).toMatchObject({ status: 'unhealthy', version: '1.2.0', pending: [], integrity: { ok: false } });
    // A file whose every page is unreadable says no version, and no migration as pending.
    truncateSync(dbPath, 4096 * 2);
    expect(status(contextFor(dbPath))).toMatchObject({ status: 'unhealthy', version: null, pending: [] });
  });
});
