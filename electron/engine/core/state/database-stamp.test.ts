import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initialize } from '../../actions/initialize';
import { migrate } from '../../actions/migrate';
import { plan } from '../../actions/plan';
import { rehearse } from '../../actions/rehearse';
import { contextFor, seedFiles, sha256File, sqlite3, tempDir } from '../../test-support/fixtures';

// A rehearsal is remembered with the plan's checksum and the database's stamp (issue 14): both
// must stay put while nothing changes, and move when the plan or the file does.

async function databaseAt100(): Promise<string> {
  const dbPath = join(tempDir(), 'conversation_files.db');
  await initialize(contextFor(dbPath), { to: '1.0.0' });
  seedFiles(dbPath, 200);
  return dbPath;
}

describe('plan checksum and database stamp', () => {
  it('are the same on every read of an unchanged database, and the rehearsal carries the ones it ran on without writing', async () => {
    const dbPath = await databaseAt100();
    const first = plan(contextFor(dbPath));
    const again = plan(contextFor(dbPath));
    expect(again.checksum).toBe(first.checksum);
    expect(again.databaseStamp).toBe(first.databaseStamp);
    expect(first.checksum).toMatch(/^[0-9a-f]{64}$/);
    const before = sha256File(dbPath);
    const report = await rehearse(contextFor(dbPath));
    expect(report).toMatchObject({ ok: true, planChecksum: first.checksum, databaseStamp: first.databaseStamp });
    expect(sha256File(dbPath)).toBe(before);
    expect(plan(contextFor(dbPath)).databaseStamp).toBe(first.databaseStamp);
  });

  it('the stamp moves with a write by another process (sqlite3), the checksum only with the plan', async () => {
    const dbPath = await databaseAt100();
    const first = plan(contextFor(dbPath));
    sqlite3(
      dbPath,
      "INSERT INTO conversation_files (file_id, session_id, original_filename, stored_filename, file_path, file_size, file_hash) VALUES ('late', 's', 'late.pdf', 'st-late', '/f/late', 1, 'h');",
    );
    const afterWrite = plan(contextFor(dbPath));
    expect(afterWrite.checksum).toBe(first.checksum);
    expect(afterWrite.databaseStamp).not.toBe(first.databaseStamp);
    expect(plan(contextFor(dbPath), { to: '1.1.0' }).checksum).not.toBe(first.checksum);
    await migrate(contextFor(dbPath), { to: '1.1.0', backup: false });
    const migrated = plan(contextFor(dbPath));
    expect(migrated.checksum).not.toBe(first.checksum);
    expect(migrated.steps.map((s) => s.version)).toEqual(['1.2.0']);
  });

  it('in WAL mode a commit that stays in the -wal file moves the stamp too', async () => {
    const dbPath = await databaseAt100();
    sqlite3(dbPath, 'PRAGMA journal_mode = WAL;');
    const first = plan(contextFor(dbPath));
    // Keep the commit in the -wal: a checkpoint on close would fold it into the main file.
    sqlite3(
      dbPath,
      "PRAGMA wal_autocheckpoint = 0; INSERT INTO conversation_files (file_id, session_id, original_filename, stored_filename, file_path, file_size, file_hash) VALUES ('wal', 's', 'w.pdf', 'st-w', '/f/w', 1, 'h');",
    );
    expect(plan(contextFor(dbPath)).databaseStamp).not.toBe(first.databaseStamp);
  });
});
