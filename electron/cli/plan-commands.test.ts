import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initialize } from '../engine/actions/initialize';
import { REPO_ROOT, contextFor, seedFiles, sha256File, shippedSchema, sqlite3, tempDir } from '../engine/test-support/fixtures';
import { startChatService } from '../engine/test-support/chat-service';
import { schemaVariant } from '../engine/test-support/schema-variants';
import { resultOf, errorOf } from '../engine/test-support/cli';

// The commands as a script runs them: exit codes (0 ok, 1 degraded, 2 failed, 64 usage), one JSON document on stdout.

function warden(...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'electron/cli/main.ts'), ...args], { encoding: 'utf8', cwd: REPO_ROOT });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('warden plan, rehearse, repair, baseline, accept-checksum', () => {
  it('plan and rehearse a 1.0.0 database: exit 0, JSON on stdout, warnings beside their statements', async () => {
    const dbPath = join(tempDir(), 'db.sqlite');
    await initialize(contextFor(dbPath), { to: '1.0.0' });
    seedFiles(dbPath, 100);
    const text = warden('plan', '--db', dbPath);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`Plan for ${dbPath}: 1.0.0 → 1.2.0, 2 steps (1.1.0, 1.2.0), 2 dangerous statements.`);
    expect(text.stdout).toMatch(/23 \| DROP TABLE file_access_log;\n +\^ DANGER \[table-rebuild\] Rebuilds table file_access_log/);
    const json = warden('plan', '--db', dbPath, '--json');
    expect(resultOf(json).steps.map((s: { version: string }) => s.version)).toEqual(['1.1.0', '1.2.0']);
    const before = sha256File(dbPath);
    const rehearsal = warden('rehearse', '--db', dbPath, '--json');
    expect(rehearsal.code).toBe(0);
    expect(resultOf(rehearsal)).toMatchObject({ ok: true, reached: '1.2.0' });
    expect(sha256File(dbPath)).toBe(before);
  });

  it("plan says what the service statements cover; rehearse names a statement a migration breaks, with its SQL and SQLite's error (exit 2)", async () => {
    const shipped = shippedSchema().migrations.find((m) => m.version === '1.2.0')!;
    const schema = schemaVariant({
      [shipped.file]: shipped.sql.replace('mime_type TEXT NOT NULL ON CONFLICT REPLACE DEFAULT', 'mime_type TEXT NOT NULL DEFAULT'),
    });
    const dbPath = join(tempDir(), 'db.sqlite');
    await initialize(contextFor(dbPath, schema), { to: '1.1.0' });
    seedFiles(dbPath, 20);
    const planned = warden('plan', '--db', dbPath, '--schema', schema.dir);
    expect(planned.stdout).toContain(
      [
        'Service statements (service-statements.json): 17 writes, 10 reads; rehearse runs each on the migrated copy.',
        '  cover        conversation_files, file_access_log, file_metadata, session_file_associations, v_active_files, v_pending_cleanups, v_session_file_summary',
        '  not covered  file_cleanup_queue',
      ].join('\n'),
    );
    expect(resultOf(warden('plan', '--db', dbPath, '--schema', schema.dir, '--json')).serviceStatements).toMatchObject({ writes: 17, reads: 10 });
    const rehearsal = warden('rehearse', '--db', dbPath, '--schema', schema.dir);
    expect(rehearsal.code).toBe(2);
    expect(rehearsal.stdout).toContain(': 1.1.0 → 1.2.0: FAILED: 1 service statement fails on the result');
    expect(rehearsal.stdout).toContain(
      [
        'Service statements (service-statements.json) on the result at 1.2.0: 26 ok, 1 FAILED, 0 skipped.',
        '  FAILED   Upload a file with no MIME type and no uploader',
        '           INSERT INTO conversation_files (file_id, session_id, original_filename, stored_filename, file_path, file_size, file_hash, mime_type, uploaded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        '           SQLite: NOT NULL constraint failed: conversation_files.mime_type',
      ].join('\n'),
    );
    const json = resultOf(warden('rehearse', '--db', dbPath, '--schema', schema.dir, '--json'));
    expect(json).toMatchObject({ ok: false, serviceStatements: { version: '1.2.0', notRun: null } });
    expect(json.serviceStatements.results.filter((r: { outcome: string }) => r.outcome === 'failed')).toMatchObject([
      { name: 'Upload a file with no MIME type and no uploader', error: 'NOT NULL constraint failed: conversation_files.mime_type' },
    ]);
  });

  it('a schema that lists no service statements says so in plan and rehearse', async () => {
    const schema = schemaVariant({});
    rmSync(join(schema.dir, 'service-statements.json'));
    const dbPath = join(tempDir(), 'db.sqlite');
    await initialize(contextFor(dbPath, schema), { to: '1.1.0' });
    const none = 'Service statements: none listed (the schema folder has no service-statements.json), so no statement of the service is checked.';
    expect(warden('plan', '--db', dbPath, '--schema', schema.dir).stdout).toContain(none);
    const rehearsal = warden('rehearse', '--db', dbPath, '--schema', schema.dir);
    expect(rehearsal.code).toBe(0);
    expect(rehearsal.stdout).toContain(none);
  });

  it('a blocked plan exits 2; baseline without --version is a usage error (64); baseline then adopts', () => {
    const dbPath = join(tempDir(), 'db.sqlite');
    startChatService(dbPath);
    sqlite3(dbPath, 'CREATE TABLE notes (id INTEGER PRIMARY KEY)'); // no longer exactly 1.0.0: not adopted by itself
    const blocked = warden('plan', '--db', dbPath);
    expect(blocked.code).toBe(2);
    expect(blocked.stdout).toContain('[NOT_VERSIONED]');
    expect(blocked.stdout).toContain('Table notes exists but is not part of the expected schema.');
    sqlite3(dbPath, 'DROP TABLE notes');
    expect(warden('baseline', '--db', dbPath).code).toBe(64);
    const refused = warden('baseline', '--db', dbPath, '--version', '1.1.0', '--json');
    expect(refused.code).toBe(2);
    expect(errorOf(refused)).toMatchObject({ code: 'SCHEMA_DRIFT' });
    const adopted = warden('baseline', '--db', dbPath, '--version', '1.0.0');
    expect(adopted.code).toBe(0);
    expect(adopted.stdout).toContain('Its schema_migrations said 001; from now on every version applied is recorded there too.');
  });

  it('repair takes a verified backup first and says where it is; --no-backup skips it', async () => {
    const dbPath = join(tempDir(), 'db.sqlite');
    await initialize(contextFor(dbPath));
    sqlite3(dbPath, 'DROP INDEX idx_file_metadata_file_id');
    const repaired = warden('repair', '--db', dbPath);
    expect(repaired.code, repaired.stderr).toBe(0);
    expect(repaired.stdout).toMatch(/Backup: .*db\.sqlite\.backups\/db-.*-pre-repair\.sqlite \(verified\)/);
    expect(repaired.stdout).toMatch(/Recreated \(1\):\n +index +file_metadata\.idx_file_metadata_file_id/);
    sqlite3(dbPath, 'DROP INDEX idx_file_metadata_file_id');
    const bare = warden('repair', '--db', dbPath, '--no-backup', '--json');
    expect(bare.code).toBe(0);
    expect(resultOf(bare)).toMatchObject({ backup: null, recreated: [{ name: 'idx_file_metadata_file_id' }] });
  });

  it('repair --dry-run prints the statements, writes nothing (same sha256, no backup folder) and exits 0', async () => {
    const dbPath = join(tempDir(), 'db.sqlite');
    await initialize(contextFor(dbPath));
    sqlite3(dbPath, 'DROP INDEX idx_file_metadata_file_id');
    const before = sha256File(dbPath);
    const dry = warden('repair', '--db', dbPath, '--dry-run');
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('dry run, nothing was written');
    expect(sha256File(dbPath)).toBe(before);
    expect(existsSync(`${dbPath}.backups`)).toBe(false);
    const json = resultOf(warden('repair', '--db', dbPath, '--dry-run', '--json'));
    expect(json).toMatchObject({ dryRun: true, backup: null, recreated: [{ name: 'idx_file_metadata_file_id' }] });
    // What the dry run printed is what repair then runs: sqlite3 reads the same SQL back.
    expect(warden('repair', '--db', dbPath, '--no-backup').code).toBe(0);
    expect(json.statements).toEqual([sqlite3(dbPath, "SELECT sql FROM sqlite_master WHERE name = 'idx_file_metadata_file_id'")]);
    expect(dry.stdout).toContain(`  ${json.statements[0]};`);
  });

  it('recover-rows --dry-run shows the counts per table and writes nothing; without it the rows come back', async () => {
    const dbPath = join(tempDir(), 'db.sqlite');
    await initialize(contextFor(dbPath));
    seedFiles(dbPath, 20);
    const taken = resultOf(warden('backup', '--db', dbPath, '--json'));
    sqlite3(dbPath, "PRAGMA foreign_keys = ON; DELETE FROM conversation_files WHERE file_id IN ('file-1', 'file-2')");
    const before = sha256File(dbPath);
    const dry = warden('recover-rows', '--db', dbPath, '--table', 'conversation_files', '--backup', taken.path, '--dry-run');
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('dry run, nothing was written');
    expect(dry.stdout).toMatch(/conversation_files +20 +2 +0 +2/);
    expect(sha256File(dbPath)).toBe(before);
    const done = warden('recover-rows', '--db', dbPath, '--table', 'conversation_files', '--backup', taken.path, '--json');
    expect(done.code, done.stderr).toBe(0);
    expect(resultOf(done)).toMatchObject({
      dryRun: false,
      tables: expect.arrayContaining([expect.objectContaining({ table: 'conversation_files', copied: 2 })]),
      preRecoverBackup: { reason: 'pre-recover' },
    });
    expect(sqlite3(dbPath, 'SELECT count(*) FROM conversation_files')).toBe('20');
    expect(sqlite3(dbPath, 'SELECT count(*) FROM file_metadata')).toBe(sqlite3(taken.path, 'SELECT count(*) FROM file_metadata'));
  });

  it('verify names a renamed table and says repair renames it back; repair does, every row kept', async () => {
    const dbPath = join(tempDir(), 'db.sqlite');
    await initialize(contextFor(dbPath));
    seedFiles(dbPath, 10);
    sqlite3(dbPath, 'ALTER TABLE file_metadata RENAME TO fm_old');
    const checked = warden('verify', '--db', dbPath);
    expect(checked.code).toBe(2);
    expect(checked.stdout).toContain(
      'table file_metadata: Table fm_old has exactly file_metadata\'s shape: it was probably renamed. repair renames it back (ALTER TABLE "fm_old" RENAME TO "file_metadata")',
    );
    const dry = warden('repair', '--db', dbPath, '--dry-run');
    expect(dry.stdout).toContain('  ALTER TABLE "fm_old" RENAME TO "file_metadata";');
    expect(warden('repair', '--db', dbPath).stdout).toMatch(/table +file_metadata \(renamed back from fm_old\)/);
    expect(sqlite3(dbPath, 'SELECT count(*) FROM file_metadata')).toBe('10');
  });

  it('accept-checksum needs a reason (64) and refuses when nothing was edited (2)', async () => {
    const dbPath = join(tempDir(), 'db.sqlite');
    await initialize(contextFor(dbPath));
    expect(warden('accept-checksum', '--db', dbPath, '--version', '1.1.0').code).toBe(64);
    const nothing = warden('accept-checksum', '--db', dbPath, '--version', '1.1.0', '--reason', 'no edit');
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain('there is no edit to accept');
  });
});
