import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { backup } from './backup';
import { manifestPathOf } from '../core/backups/backup-manifest';
import { initialize } from './initialize';
import { loadSchema } from '../core/schema/schema-folder';
import { status } from './status';
import { verifyBackup } from './verify-backup';
import { flipByte } from '../test-support/backup-fixtures';
import { runCli } from '../test-support/cli';
import { contextFor, seedFiles, SHIPPED_SCHEMA_DIR, sqlite3, tempDir } from '../test-support/fixtures';

// Verdicts that do not flatter (issue 21): a database never backed up, backed up too long ago, or
// with child rows pointing at nothing needs attention (degraded), never "healthy". Degraded is
// still fine for starting a service: the start gate (warden init) passes it.

async function fresh(files = 20): Promise<string> {
  const dbPath = join(tempDir(), 'store.db');
  await initialize(contextFor(dbPath));
  seedFiles(dbPath, files);
  return dbPath;
}

function backdate(backupPath: string, days: number): void {
  const manifest = JSON.parse(readFileSync(manifestPathOf(backupPath), 'utf8'));
  manifest.createdAt = new Date(Date.now() - days * 86_400_000).toISOString();
  writeFileSync(manifestPathOf(backupPath), JSON.stringify(manifest));
}

describe('status: not backed up', () => {
  it('is degraded with a backup warning until a verified backup is taken, and init still starts it', async () => {
    const dbPath = await fresh();
    const before = status(contextFor(dbPath));
    expect(before.status).toBe('degraded');
    expect(before.reason).toBe('Not backed up: there is no verified backup of this database.');
    expect(before.problems).toEqual([
      expect.objectContaining({
        kind: 'backup',
        severity: 'warning',
        change: 'missing',
        next: [{ action: 'backup' }, { action: 'scheduleBackups', every: '1d' }],
      }),
    ]);
    // The start gate: degraded starts a service, only unhealthy stops it.
    expect(runCli(['init', '--db', dbPath]).code).toBe(0);
    expect(runCli(['status', '--db', dbPath]).code).toBe(1);

    await backup(contextFor(dbPath));
    expect(status(contextFor(dbPath))).toMatchObject({ status: 'healthy', problems: [] });
    expect(runCli(['status', '--db', dbPath]).code).toBe(0);
  });

  it("is degraded when the newest verified backup is older than the limit: 7 days by default, --backup-max-age or the schema's backupMaxAge", async () => {
    const dbPath = await fresh();
    const taken = await backup(contextFor(dbPath));
    backdate(taken.path, 6);
    expect(status(contextFor(dbPath)).status).toBe('healthy');
    expect(runCli(['status', '--db', dbPath, '--backup-max-age', '5d']).code).toBe(1);
    expect(status(contextFor(dbPath, undefined, { backupMaxAgeMs: 5 * 86_400_000 })).reason).toMatch(
      /^Not backed up: the newest verified backup \(.*\) is 6 days old, older than the 5d limit\.$/,
    );

    const schemaDir = join(tempDir(), 'schema');
    cpSync(SHIPPED_SCHEMA_DIR, schemaDir, { recursive: true });
    const json = JSON.parse(readFileSync(join(schemaDir, 'schema.json'), 'utf8'));
    writeFileSync(join(schemaDir, 'schema.json'), JSON.stringify({ ...json, backupMaxAge: '3d' }));
    expect(status(contextFor(dbPath, loadSchema(schemaDir))).problems[0]).toMatchObject({
      kind: 'backup',
      change: 'failed',
      message: expect.stringMatching(/older than the 3d limit/),
    });

    backdate(taken.path, 8);
    const old = status(contextFor(dbPath));
    expect(old.status).toBe('degraded');
    expect(old.problems[0].message).toMatch(/is 8 days old, older than the 7d limit/);
  });

  it('does not count a backup that verify-backup found altered', async () => {
    const dbPath = await fresh();
    const taken = await backup(contextFor(dbPath));
    expect(status(contextFor(dbPath)).status).toBe('healthy');
    flipByte(taken.path, 5000);
    expect((await verifyBackup(contextFor(dbPath), { backup: taken.name })).ok).toBe(false);
    expect(status(contextFor(dbPath)).reason).toBe(
      'Not backed up: there is no verified backup of this database (1 backup in its folder, none of them verified now).',
    );
  });
});

describe('status: orphaned child rows', () => {
  it('keeps the database at needs attention with the count (as foreign_key_check counts) and Recover rows, until they are gone', async () => {
    const dbPath = await fresh(40);
    await backup(contextFor(dbPath));
    // What a repair that recreated a dropped parent empty leaves: children pointing at nothing.
    const db = new Database(dbPath);
    db.pragma('foreign_keys = OFF');
    db.exec("DELETE FROM conversation_files WHERE file_id IN ('file-1', 'file-2', 'file-3')");
    db.close();
    const counted = sqlite3(dbPath, 'SELECT "table" || \'=\' || count(*) FROM pragma_foreign_key_check GROUP BY "table" ORDER BY 1').split('\n');

    const report = status(contextFor(dbPath));
    expect(report.status).toBe('degraded');
    const orphans = report.problems.filter((p) => p.kind === 'foreign_key_violation');
    expect(orphans.map((p) => `${p.table}=${p.actual}`).sort()).toEqual(counted);
    expect(orphans.every((p) => p.severity === 'warning' && p.expected === 'conversation_files')).toBe(true);
    for (const p of orphans) expect(p.next).toEqual([{ action: 'recoverRows', table: 'conversation_files' }]);
    expect(report.reason).toMatch(/row\(s\) of .* point at missing rows of conversation_files/);
    expect(report.integrity?.orphanedRows?.reduce((n, o) => n + o.rows, 0)).toBe(counted.reduce((n, c) => n + Number(c.split('=')[1]), 0));

    const cleanup = new Database(dbPath);
    for (const table of ['file_metadata', 'session_file_associations', 'file_access_log', 'file_cleanup_queue']) {
      cleanup.exec(`DELETE FROM ${table} WHERE file_id NOT IN (SELECT file_id FROM conversation_files)`);
    }
    cleanup.close();
    expect(status(contextFor(dbPath))).toMatchObject({ status: 'healthy' });
  });
});
