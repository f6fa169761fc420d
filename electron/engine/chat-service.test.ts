import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { plan } from './actions/plan';
import { rehearse } from './actions/rehearse';
import { status } from './actions/status';
import { verify } from './actions/verify';
import { chatService, openAsService, seedAsService, serviceVersion, startChatService } from './test-support/chat-service';
import { finished, resultOf, runCli, spawnCli } from './test-support/cli';
import { contextFor, sha256File, sqlite3, tempDir } from './test-support/fixtures';
import { tableCounts } from './test-support/schema-variants';

// The chat service (SERVICE-FACTS.md) in front of and behind the tool: a database it made for
// months goes through the start gate (`warden init`, a real process), then the service starts on
// it and runs its statements. The referees are the sqlite3 shell and the service's own queries.

function serviceDatabase(files = 300): string {
  const dbPath = join(tempDir(), 'conversation_files.db');
  startChatService(dbPath);
  seedAsService(dbPath, files);
  return dbPath;
}

/** Everything the service does, on the database as it is now; throws on the first statement SQLite refuses. */
function runServiceWorkload(dbPath: string) {
  startChatService(dbPath); // its start-up runs before anything else, on every start
  const db = openAsService(dbPath);
  try {
    const service = chatService(db);
    service.upload({ fileId: 'new-untyped', sessionId: 'session-x', filename: 'scan.TIFF', size: 10, hash: 'h-new', mimeType: null, uploadedBy: null });
    service.upload({ fileId: 'new-typed', sessionId: 'session-x', filename: 'a.png', size: 20, hash: 'h-dup', mimeType: 'image/png', uploadedBy: 'carol' });
    service.addMetadata('new-untyped', { pages: '3', language: 'de', source: 'scanner' });
    service.associate('session-x', 'new-untyped', null, 'upload');
    service.associate('session-y', 'new-untyped', 'msg-9', 'reference');
    service.logAccess('new-untyped', 'reference', 'dave', { duplicateOf: 'new-typed' });
    service.logAccess('new-typed', 'view', null, null);
    service.rename('new-typed', 'b.png');
    service.updateContent('new-typed', 25, 'h-dup2');
    service.softDelete(['file-1', 'file-2']);
    const reads = {
      file: service.getFile('new-untyped', 'session-x'),
      search: service.search('session-x', '%TIFF'),
      page: service.page('session-1', 10, 0),
      duplicate: service.findDuplicate('hash-4'),
      stats: service.stats(),
      views: ['v_active_files', 'v_session_file_summary', 'v_pending_cleanups'].map((v) => db.prepare(`SELECT * FROM ${v} LIMIT 5`).all().length),
    };
    const childrenOf = (id: string) =>
      (
        db
          .prepare(
            'SELECT (SELECT count(*) FROM file_metadata WHERE file_id = ?) + (SELECT count(*) FROM session_file_associations WHERE file_id = ?) + (SELECT count(*) FROM file_access_log WHERE file_id = ?) + (SELECT count(*) FROM file_cleanup_queue WHERE file_id = ?) AS n',
          )
          .get(id, id, id, id) as { n: number }
      ).n;
    const childrenBefore = childrenOf('file-3');
    const deleted = service.delete(['file-3', 'file-4']);
    return { reads, deleted, childrenBefore, childrenAfter: childrenOf('file-3'), version: serviceVersion(db) };
  } finally {
    db.close();
  }
}

describe('the start gate on a database the chat service made', () => {
  it('init adopts it as 1.0.0 after a verified backup, migrates it to 1.2.0, keeps every row, and the service works on it', async () => {
    const dbPath = serviceDatabase(300);
    const before = tableCounts(dbPath);
    const nullMimeTypes = Number(sqlite3(dbPath, 'SELECT count(*) FROM conversation_files WHERE mime_type IS NULL'));
    expect(nullMimeTypes).toBe(100);
    expect(sqlite3(dbPath, 'PRAGMA journal_mode')).toBe('wal');

    const gate = runCli(['init', '--db', dbPath, '--json']);
    expect(gate.code, gate.stderr).toBe(0);
    const result = resultOf(gate) as {
      from: null;
      to: string;
      adopted: { legacyVersion: string; version: string };
      applied: { version: string }[];
      backup: { path: string; version: string | null };
    };
    expect(result).toMatchObject({ from: null, to: '1.2.0', adopted: { table: 'schema_migrations', legacyVersion: '001', version: '1.0.0' } });
    expect(result.applied.map((s) => s.version)).toEqual(['1.1.0', '1.2.0']);
    expect(existsSync(result.backup.path)).toBe(true);
    expect(sqlite3(result.backup.path, 'SELECT count(*) FROM conversation_files')).toBe('300');
    expect(sqlite3(result.backup.path, "SELECT count(*) FROM sqlite_master WHERE name = 'schema_version'")).toBe('0'); // taken before anything was written

    // Referees: the sqlite3 shell and the service's own version query.
    const after = tableCounts(dbPath);
    const { schema_migrations: serviceRows, ...files } = before;
    for (const [table, rows] of Object.entries(files)) expect(after[table], table).toBe(rows);
    expect(after.schema_migrations).toBe(serviceRows + 2); // 1.1.0 and 1.2.0
    expect(sqlite3(dbPath, 'PRAGMA integrity_check')).toBe('ok');
    expect(sqlite3(dbPath, 'PRAGMA foreign_key_check')).toBe('');
    expect(sqlite3(dbPath, "SELECT count(*) FROM conversation_files WHERE mime_type = 'application/octet-stream'")).toBe(String(nullMimeTypes));
    expect(sqlite3(dbPath, 'SELECT version FROM schema_migrations ORDER BY migration_id DESC LIMIT 1')).toBe('1.2.0');
    expect(sqlite3(dbPath, "SELECT group_concat(version || ':' || status, ' ') FROM schema_migrations ORDER BY migration_id")).toBe(
      '001:completed 1.1.0:completed 1.2.0:completed',
    );
    expect(sqlite3(dbPath, 'SELECT version, kind FROM schema_version ORDER BY version')).toBe('1.0.0|baseline\n1.1.0|migrate\n1.2.0|migrate');
    expect(sqlite3(dbPath, "SELECT action || ':' || json_extract(detail, '$.automatic') FROM schema_events WHERE action = 'baseline'")).toBe('baseline:1');
    // The backup taken before adoption is on the record too, first.
    expect(sqlite3(dbPath, 'SELECT group_concat(action) FROM (SELECT action FROM schema_events ORDER BY event_id)')).toBe('backup,baseline,migrate,migrate');
    expect(sqlite3(dbPath, "SELECT json_extract(detail, '$.path') || '|' || json_extract(detail, '$.reason') FROM schema_events WHERE action = 'backup'")).toBe(
      `${result.backup.path}|pre-migrate`,
    );

    const workload = runServiceWorkload(dbPath);
    expect(workload.version).toBe('1.2.0');
    expect(sqlite3(dbPath, "SELECT mime_type || '|' || storage_backend FROM conversation_files WHERE file_id = 'new-untyped'")).toBe(
      'application/octet-stream|local',
    );
    expect(sqlite3(dbPath, "SELECT count(*) FROM file_access_log WHERE access_type = 'reference'")).toBe('1');
    expect(workload.deleted).toBe(2);
    expect(workload.childrenBefore).toBeGreaterThan(0);
    expect(workload.childrenAfter).toBe(0); // ON DELETE CASCADE still cascades
    expect(workload.reads.search).toHaveLength(1);
    expect(workload.reads.page.length).toBeGreaterThan(0);
    expect(workload.reads.views).toEqual([5, 5, 0]); // cleanups are scheduled 30 days out; the view shows the next 7

    // The service's restart left it as the tool expects: healthy, and the next gate does nothing.
    expect(await verify(contextFor(dbPath), 'full')).toMatchObject({ status: 'healthy', problems: [] });
    const again = runCli(['init', '--db', dbPath, '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(resultOf(again)).toMatchObject({ upToDate: true, adopted: null, backup: null });
  }, 60_000);

  it('status and plan say the truth before adoption: adoptable as 1.0.0, two steps after it', async () => {
    const dbPath = serviceDatabase(30);
    const ctx = contextFor(dbPath);
    const before = sha256File(dbPath);
    const report = status(ctx);
    expect(report).toMatchObject({ status: 'degraded', version: null, adoptable: true, pending: ['1.1.0', '1.2.0'], problems: [] });
    expect(report.reason).toBe(
      'Made by the service (schema_migrations records 001, which is 1.0.0) and exactly 1.0.0: init adopts it as 1.0.0, then applies 2 migrations (1.1.0, 1.2.0).',
    );
    const migrationPlan = plan(ctx);
    expect(migrationPlan).toMatchObject({ from: null, adopt: { legacyVersion: '001', version: '1.0.0' }, blockers: [] });
    expect(migrationPlan.steps.map((s) => s.version)).toEqual(['1.1.0', '1.2.0']);
    const printed = runCli(['plan', '--db', dbPath]);
    expect(printed.stdout).toContain('no version, adopted as 1.0.0 → 1.2.0, 2 steps (1.1.0, 1.2.0)');
    expect(printed.stdout).toContain('First, adopt:');
    const rehearsal = await rehearse(ctx);
    expect(rehearsal).toMatchObject({ ok: true, from: null, adopted: { version: '1.0.0' }, reached: '1.2.0' });
    expect(rehearsal.steps.map((s) => s.version)).toEqual(['1.1.0', '1.2.0']);
    expect(sha256File(dbPath)).toBe(before);
  }, 60_000);

  it('a service database with one table altered is not adopted: init says what differs and leaves the file byte-identical', () => {
    const dbPath = serviceDatabase(20);
    sqlite3(dbPath, 'ALTER TABLE file_metadata ADD COLUMN source TEXT; DROP INDEX idx_file_access_log_file;');
    const before = sha256File(dbPath);
    const gate = runCli(['init', '--db', dbPath]);
    expect(gate.code).toBe(2);
    expect(gate.stderr).toContain('[NOT_VERSIONED]');
    expect(gate.stderr).toContain('schema_migrations records 001, which is 1.0.0), but its schema differs from 1.0.0 in 2 ways, so it is not adopted');
    expect(gate.stderr).toContain('Column file_metadata.source exists but is not part of the expected schema.');
    expect(gate.stderr).toContain('Index idx_file_access_log_file is missing.');
    expect(sha256File(dbPath)).toBe(before);
    expect(existsSync(`${dbPath}.backups`)).toBe(false); // refused before any backup
    expect(status(contextFor(dbPath))).toMatchObject({ adoptable: false, pending: [] });
  });

  it('sixteen processes racing init on one service database: one adoption, each version recorded once in both histories', async () => {
    const dbPath = serviceDatabase(200);
    const runs = await Promise.all(Array.from({ length: 16 }, () => finished(spawnCli(['init', '--db', dbPath, '--json', '--busy-timeout', '60000']))));
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    const results = runs.map((r) => resultOf(r) as { to: string; adopted: unknown });
    expect(results.map((r) => r.to)).toEqual(Array(16).fill('1.2.0'));
    expect(results.filter((r) => r.adopted !== null)).toHaveLength(1);
    expect(sqlite3(dbPath, "SELECT count(*) FROM schema_events WHERE action = 'baseline'")).toBe('1');
    expect(sqlite3(dbPath, 'SELECT version, count(*) FROM schema_version GROUP BY version ORDER BY version')).toBe('1.0.0|1\n1.1.0|1\n1.2.0|1');
    expect(sqlite3(dbPath, 'SELECT version, count(*) FROM schema_migrations GROUP BY version ORDER BY migration_id')).toBe('001|1\n1.1.0|1\n1.2.0|1');
    expect(sqlite3(dbPath, 'SELECT count(*) FROM conversation_files')).toBe('200');
    expect(sqlite3(dbPath, 'PRAGMA integrity_check')).toBe('ok');
  }, 120_000);
});

describe('undoing an adoption', () => {
  it('restoring the pre-migrate backup gives back the service database as it was, and the next init adopts it again', async () => {
    const dbPath = serviceDatabase(40);
    const before = tableCounts(dbPath);
    const gate = runCli(['init', '--db', dbPath, '--json']);
    const { backup } = resultOf(gate) as { backup: { path: string } };
    const restored = runCli(['restore', '--db', dbPath, '--backup', backup.path, '--yes', '--json']);
    expect(restored.code, restored.stderr).toBe(0);
    expect(sqlite3(dbPath, 'SELECT group_concat(version) FROM schema_migrations')).toBe('001');
    const after = tableCounts(dbPath);
    for (const [table, rows] of Object.entries(before)) expect(after[table], table).toBe(rows);
    expect(status(contextFor(dbPath))).toMatchObject({ version: null, adoptable: true });
    expect(sqlite3(dbPath, "SELECT count(*) FROM schema_events WHERE action = 'baseline' AND json_extract(detail, '$.carriedFrom') IS NOT NULL")).toBe('1'); // the adoption stays on the record
    const again = runCli(['init', '--db', dbPath, '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(resultOf(again)).toMatchObject({ to: '1.2.0', adopted: { version: '1.0.0' } });
  }, 60_000);
});

describe('the chat service starting on a database warden init made', () => {
  it('finds its history already there, reports the version the tool applied, and the database verifies healthy', async () => {
    const dbPath = join(tempDir(), 'conversation_files.db');
    const gate = runCli(['init', '--db', dbPath]);
    expect(gate.code, gate.stderr).toBe(0);
    expect(sqlite3(dbPath, "SELECT group_concat(version, ' ') FROM schema_migrations ORDER BY migration_id")).toBe('001 1.1.0 1.2.0');
    const workload = runServiceWorkload(dbPath);
    expect(workload.version).toBe('1.2.0');
    expect(sqlite3(dbPath, "SELECT count(*) FROM schema_migrations WHERE version = '001'")).toBe('1'); // its INSERT OR IGNORE found it
    expect(sqlite3(dbPath, "SELECT mime_type FROM conversation_files WHERE file_id = 'new-untyped'")).toBe('application/octet-stream');
    expect(await verify(contextFor(dbPath), 'full')).toMatchObject({ status: 'healthy', problems: [] });
    expect(sqlite3(dbPath, 'PRAGMA integrity_check')).toBe('ok');
  });

  it("init --to 1.0.0 records the service's own name for it, and the service adds nothing", async () => {
    const dbPath = join(tempDir(), 'conversation_files.db');
    expect(runCli(['init', '--db', dbPath, '--to', '1.0.0']).code).toBe(0);
    startChatService(dbPath);
    expect(sqlite3(dbPath, 'SELECT group_concat(version) FROM schema_migrations')).toBe('001');
    expect(await verify(contextFor(dbPath))).toMatchObject({ status: 'degraded', version: '1.0.0', problems: [] });
  });
});
