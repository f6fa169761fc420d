import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MigrateResult } from '../../../shared/types/migrations';
import { backup } from './backup';
import { initialize } from './initialize';
import { status } from './status';
import { chatService, openAsService, seedAsService } from '../test-support/chat-service';
import { finished, resultOf, runCli, spawnCli } from '../test-support/cli';
import { damageMiddlePages } from '../test-support/damage';
import { contextFor, sha256File, sqlite3, tempDir } from '../test-support/fixtures';

// The start gate (`warden init`, the console's and the HTTP host's initialize) judged by referees
// it does not own: the sqlite3 shell's view of the file, SQLite's integrity_check, status's own
// verdict, and the chat service's statements (test-support/chat-service.ts) run on the result.
// The gate must never answer "nothing to do" on a database that status calls unhealthy.

const OBJECTS = "SELECT type || ' ' || name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name";
const USER_TABLES = ['conversation_files', 'file_metadata', 'session_file_associations', 'file_access_log', 'file_cleanup_queue'];

/** A 1.2.0 database the service has used: 60 files in every table. */
async function servedDatabase(dir: string, name = 'chat.db'): Promise<string> {
  const dbPath = join(dir, name);
  await initialize(contextFor(dbPath), { backup: false });
  seedAsService(dbPath, 60);
  return dbPath;
}

function rowCounts(dbPath: string): Record<string, number> {
  return Object.fromEntries(USER_TABLES.map((t) => [t, Number(sqlite3(dbPath, `SELECT count(*) FROM ${t}`))]));
}

/** Every statement shape the service runs (SERVICE-FACTS.md), on its own connection; throws at the first that fails. */
function serviceStillWorks(dbPath: string): void {
  const db = openAsService(dbPath);
  try {
    const service = chatService(db);
    service.upload({ fileId: 'after-gate', sessionId: 'session-x', filename: 'notes.txt', size: 12, hash: 'h-after', mimeType: null, uploadedBy: null });
    service.addMetadata('after-gate', { pages: '3', lang: 'en' });
    service.associate('session-x', 'after-gate', null, 'upload');
    service.associate('session-y', 'after-gate', 'm-1', 'reference');
    service.logAccess('after-gate', 'reference', null, { via: 'duplicate' });
    service.rename('after-gate', 'renamed.txt');
    service.updateContent('after-gate', 24, 'h-after-2');
    expect(service.getFile('after-gate', 'session-x')).toBeTruthy();
    expect(service.page('session-x', 10, 0)).toHaveLength(1);
    expect(service.findDuplicate('h-after-2')).toEqual({ file_id: 'after-gate' });
    service.softDelete(['after-gate']);
    expect(service.stats().deleted).toBeGreaterThanOrEqual(1);
    for (const view of ['v_active_files', 'v_session_file_summary', 'v_pending_cleanups']) db.prepare(`SELECT * FROM ${view}`).all();
    expect(service.delete(['after-gate'])).toBe(1);
  } finally {
    db.close();
  }
}

describe('the start gate judges with status', () => {
  // Each kind of object a stray DROP can take, with the objects that go with it.
  const drops = [
    {
      what: 'the parent table conversation_files (its children keep their rows)',
      sql: 'PRAGMA foreign_keys = off; DROP TABLE conversation_files;',
      recreated: 'table conversation_files',
    },
    { what: 'a child table', sql: 'DROP TABLE file_cleanup_queue;', recreated: 'table file_cleanup_queue' },
    { what: 'an index', sql: 'DROP INDEX idx_file_metadata_file_id;', recreated: 'index idx_file_metadata_file_id' },
    { what: 'a trigger', sql: 'DROP TRIGGER trg_session_association_cleanup_schedule;', recreated: 'trigger trg_session_association_cleanup_schedule' },
    { what: 'a view', sql: 'DROP VIEW v_session_file_summary;', recreated: 'view v_session_file_summary' },
  ];

  for (const drop of drops) {
    it(`recreates ${drop.what} after a verified backup, touches no row, and the service's statements work after`, async () => {
      const dir = tempDir();
      const dbPath = await servedDatabase(dir);
      const objects = sqlite3(dbPath, OBJECTS);
      const before = rowCounts(dbPath);
      sqlite3(dbPath, drop.sql);
      expect(status(contextFor(dbPath)).status).toBe('unhealthy');

      const result = await initialize(contextFor(dbPath));

      expect(result.repaired?.recreated.map((p) => `${p.kind} ${p.name}`)).toContain(drop.recreated);
      expect(result.repaired?.backup?.verified?.ok).toBe(true);
      expect(result.verdict?.status).not.toBe('unhealthy');
      // The referee's view: every object back, the pages sound, the rows of what was not dropped untouched.
      expect(sqlite3(dbPath, OBJECTS)).toBe(objects);
      expect(sqlite3(dbPath, 'PRAGMA integrity_check')).toBe('ok');
      const dropped = drop.recreated.startsWith('table ') ? drop.recreated.slice(6) : null;
      for (const [table, rows] of Object.entries(rowCounts(dbPath))) expect(rows, table).toBe(table === dropped ? 0 : before[table]);
      // The backup holds the database as it was before the gate wrote: what was dropped is missing there too.
      const backup = result.repaired!.backup!.path;
      expect(sqlite3(backup, OBJECTS)).not.toBe(objects);
      expect(status(contextFor(dbPath)).status).toBe(result.verdict?.status);
      serviceStillWorks(dbPath);
    });
  }

  it('recreates a table missing from an older database at its own version, then migrates it', async () => {
    const dbPath = join(tempDir(), 'old.db');
    await initialize(contextFor(dbPath), { to: '1.1.0' });
    seedAsService(dbPath, 20);
    sqlite3(dbPath, 'DROP TABLE file_access_log;');
    const result = await initialize(contextFor(dbPath));
    expect(result.repaired?.version).toBe('1.1.0');
    expect(result).toMatchObject({ from: '1.1.0', to: '1.2.0', verdict: { status: 'healthy' } });
    expect(sqlite3(dbPath, 'PRAGMA integrity_check')).toBe('ok');
    serviceStillWorks(dbPath);
  });

  it('refuses, naming what is wrong, a database that repair cannot make healthy; never "nothing to do"', async () => {
    const dbPath = await servedDatabase(tempDir());
    // A table rebuilt by hand with another shape: repair rewrites no table.
    sqlite3(dbPath, 'PRAGMA foreign_keys = off; DROP TABLE file_metadata; CREATE TABLE file_metadata (x);');
    const bytes = sha256File(dbPath);
    await expect(initialize(contextFor(dbPath))).rejects.toMatchObject({ code: 'SCHEMA_DRIFT', message: expect.stringContaining('file_metadata') });
    expect(sha256File(dbPath)).toBe(bytes);
  });

  it('a healthy current database: nothing to do, healthy, no backup and no write', async () => {
    const dbPath = await servedDatabase(tempDir());
    await backup(contextFor(dbPath));
    const bytes = sha256File(dbPath);
    const result: MigrateResult = await initialize(contextFor(dbPath));
    expect(result).toMatchObject({ upToDate: true, repaired: null, backup: null, verdict: { status: 'healthy' } });
    expect(sha256File(dbPath)).toBe(bytes);
  });

  it('a current database never backed up starts (exit 0), but is not "nothing to do": it says it needs attention, and why', async () => {
    const dbPath = await servedDatabase(tempDir());
    const run = runCli(['init', '--db', dbPath]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).not.toContain('nothing to do');
    expect(run.stdout).toMatch(/is at 1\.2\.0\. It can serve, but needs attention: .*backup/i);
  });
});

describe('warden init, the command a start-up script runs', () => {
  it('exits 0 after recreating a dropped table, and says what it did and the verdict', async () => {
    const dbPath = await servedDatabase(tempDir());
    sqlite3(dbPath, 'PRAGMA foreign_keys = off; DROP TABLE conversation_files;');
    const run = runCli(['init', '--db', dbPath]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('the gate repaired it first');
    expect(run.stdout).toMatch(/Recreated \(6\)/);
    expect(run.stdout).not.toContain('nothing to do');
    expect(run.stdout).toMatch(/Checked again: (HEALTHY|DEGRADED)/);
    expect(runCli(['status', '--db', dbPath]).code).not.toBe(2);
  });

  it('exits 2 naming the problem on drift it cannot fix, as status does', () => {
    const dir = tempDir();
    const dbPath = join(dir, 'drifted.db');
    expect(runCli(['init', '--db', dbPath]).code).toBe(0);
    sqlite3(dbPath, 'PRAGMA foreign_keys = off; DROP TABLE file_metadata; CREATE TABLE file_metadata (x);');
    const run = runCli(['init', '--db', dbPath]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('SCHEMA_DRIFT');
    expect(run.stderr).toContain('file_metadata');
    expect(runCli(['status', '--db', dbPath]).code).toBe(2);
  });

  it('exits 2 on a damaged file and leaves it byte for byte as it was', async () => {
    const dbPath = await servedDatabase(tempDir());
    seedAsService(dbPath, 2000, 100);
    damageMiddlePages(dbPath);
    const bytes = sha256File(dbPath);
    const run = runCli(['init', '--db', dbPath]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('CORRUPT');
    expect(sha256File(dbPath)).toBe(bytes);
  });

  it('16 processes at once on a file missing conversation_files: all start, the table is recreated once', async () => {
    const dir = tempDir();
    const dbPath = await servedDatabase(dir);
    const objects = sqlite3(dbPath, OBJECTS);
    sqlite3(dbPath, 'PRAGMA foreign_keys = off; DROP TABLE conversation_files;');
    const copy = join(dir, 'as-dropped.db');
    copyFileSync(dbPath, copy);
    const runs = await Promise.all(Array.from({ length: 16 }, () => finished(spawnCli(['init', '--db', dbPath, '--json', '--busy-timeout', '60000']))));
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    const results = runs.map((r) => resultOf(r) as MigrateResult);
    // Each decided again under the write lock: exactly one recreated the table, the others found it there.
    expect(results.filter((r) => r.repaired?.recreated.some((p) => p.name === 'conversation_files'))).toHaveLength(1);
    expect(results.every((r) => r.verdict && r.verdict.status !== 'unhealthy')).toBe(true);
    expect(sqlite3(dbPath, "SELECT count(*) FROM schema_events WHERE action = 'repair'")).toBe('1');
    expect(sqlite3(dbPath, OBJECTS)).toBe(objects);
    expect(sqlite3(dbPath, 'PRAGMA integrity_check')).toBe('ok');
    expect(readFileSync(copy).length).toBeGreaterThan(0);
    serviceStillWorks(dbPath);
  }, 180_000);
});
