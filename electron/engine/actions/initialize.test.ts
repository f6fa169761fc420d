import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { backup } from './backup';
import { describe, expect, it } from 'vitest';
import { history } from './history';
import { initialize } from './initialize';
import { status } from './status';
import { verify } from './verify';
import { resultOf, runCli } from '../test-support/cli';
import { contextFor, seedFiles, sha256File, sqlite3, tempDir } from '../test-support/fixtures';
import { damageMiddlePages } from '../test-support/damage';

const TABLES = ['conversation_files', 'file_metadata', 'session_file_associations', 'file_access_log', 'file_cleanup_queue'];

describe('initialize', () => {
  it('creates a fresh database at the latest version with all five tables (first-time initialization)', async () => {
    const dbPath = join(tempDir(), 'nested', 'conversation_files.db');
    const result = await initialize(contextFor(dbPath));
    expect(result).toMatchObject({ from: null, to: '1.2.0', upToDate: false });
    expect(result.applied.map((s) => s.version)).toEqual(['1.0.0', '1.1.0', '1.2.0']);
    const tables = sqlite3(dbPath, "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name").split('\n');
    for (const table of TABLES) expect(tables).toContain(table);
    expect(sqlite3(dbPath, 'PRAGMA integrity_check')).toBe('ok');
    expect(sqlite3(dbPath, 'PRAGMA user_version')).toBe('1002000');
    expect(Number(sqlite3(dbPath, 'PRAGMA application_id'))).toBe(contextFor(dbPath).schema.applicationId);
  });

  it('is idempotent: a second call changes nothing (idempotent initialization)', async () => {
    const dbPath = join(tempDir(), 'db.sqlite');
    await initialize(contextFor(dbPath));
    const before = sha256File(dbPath);
    const again = await initialize(contextFor(dbPath));
    expect(again).toMatchObject({ upToDate: true, to: '1.2.0', applied: [] });
    expect(sha256File(dbPath)).toBe(before);
  });

  it('records each version with time, checksum, duration, actor and kind (version tracking)', async () => {
    const dbPath = join(tempDir(), 'db.sqlite');
    const ctx = contextFor(dbPath);
    await initialize(ctx);
    const report = history(ctx);
    expect(report.version).toBe('1.2.0');
    expect(report.versions.map((v) => v.version)).toEqual(['1.2.0', '1.1.0', '1.0.0']);
    for (const v of report.versions) {
      expect(v.appliedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(v.checksum).toBe(ctx.schema.migrations.find((m) => m.version === v.version)!.checksum);
      expect(v.kind).toBe('init');
      expect(v.actor).toMatch(/@.+\(pid \d+\)$/);
      expect(v.executionMs).toBeGreaterThanOrEqual(0);
    }
    expect(report.events).toHaveLength(1);
    expect(report.events[0]).toMatchObject({ action: 'init', version: '1.2.0', outcome: 'ok' });
  });

  it('can create a database at an older version, and a later call migrates it step by step', async () => {
    const dbPath = join(tempDir(), 'db.sqlite');
    const ctx = contextFor(dbPath);
    expect((await initialize(ctx, { to: '1.0.0' })).to).toBe('1.0.0');
    expect(status(ctx)).toMatchObject({ status: 'degraded', version: '1.0.0', pending: ['1.1.0', '1.2.0'] });
    const result = await initialize(ctx);
    expect(result).toMatchObject({ from: '1.0.0', to: '1.2.0' });
    expect(history(ctx).versions.map((v) => [v.version, v.kind])).toEqual([
      ['1.2.0', 'migrate'],
      ['1.1.0', 'migrate'],
      ['1.0.0', 'init'],
    ]);
  });

  it('refuses to go down and names the way back', async () => {
    const dbPath = join(tempDir(), 'db.sqlite');
    await initialize(contextFor(dbPath));
    await expect(initialize(contextFor(dbPath), { to: '1.0.0' })).rejects.toThrow(expect.objectContaining({ code: 'DOWNGRADE_NOT_SUPPORTED' }));
  });

  it('refuses an unknown target version', async () => {
    const dbPath = join(tempDir(), 'db.sqlite');
    await expect(initialize(contextFor(dbPath), { to: '9.9.9' })).rejects.toThrow(expect.objectContaining({ code: 'UNKNOWN_VERSION' }));
    expect(existsSync(dbPath)).toBe(false);
  });
});

describe('verification after initialize', () => {
  it('passes on a complete schema (integrity passes)', async () => {
    const dbPath = join(tempDir(), 'db.sqlite');
    await initialize(contextFor(dbPath));
    for (const level of ['quick', 'full'] as const) {
      const report = await verify(contextFor(dbPath), level);
      expect(report).toMatchObject({ status: 'healthy', problems: [], integrity: { ok: true, level } });
    }
  });

  it('names a missing table first (integrity detects a missing table)', async () => {
    const dbPath = join(tempDir(), 'db.sqlite');
    await initialize(contextFor(dbPath));
    sqlite3(dbPath, 'DROP TABLE file_cleanup_queue');
    const report = await verify(contextFor(dbPath));
    expect(report.status).toBe('unhealthy');
    expect(report.problems[0]).toMatchObject({ kind: 'table', name: 'file_cleanup_queue', change: 'missing', severity: 'error' });
    expect(report.reason).toContain('file_cleanup_queue');
  });

  it('works with a database another process holds open in WAL mode', async () => {
    const dbPath = join(tempDir(), 'db.sqlite');
    await initialize(contextFor(dbPath));
    await backup(contextFor(dbPath)); // backed up: healthy, not 'not backed up'
    const other = new Database(dbPath);
    other.pragma('journal_mode = WAL');
    try {
      expect(status(contextFor(dbPath))).toMatchObject({ status: 'healthy', journalMode: 'wal' });
    } finally {
      other.close();
    }
  });
});

describe('the start gate on a damaged file', () => {
  it('refuses a database with pages overwritten in its middle (quick_check), exit 2, the file unchanged; --no-integrity-check skips the check', async () => {
    const dbPath = join(tempDir(), 'db.sqlite');
    await initialize(contextFor(dbPath));
    seedFiles(dbPath, 1500);
    damageMiddlePages(dbPath);
    const referee = spawnSync('sqlite3', [dbPath, 'PRAGMA quick_check'], { encoding: 'utf8' });
    expect(`${referee.status} ${referee.stdout.trim()}`).not.toBe('0 ok'); // the sqlite3 shell sees the damage too
    const before = sha256File(dbPath);

    const gate = runCli(['init', '--db', dbPath]);
    expect(gate.code).toBe(2);
    expect(gate.stderr).toMatch(/error \[CORRUPT\]: .*db\.sqlite/);
    expect(sha256File(dbPath)).toBe(before);
    expect(existsSync(`${dbPath}.backups`)).toBe(false);

    const skipped = runCli(['init', '--db', dbPath, '--no-integrity-check', '--json']);
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(resultOf(skipped)).toMatchObject({ upToDate: true });
  });
});
