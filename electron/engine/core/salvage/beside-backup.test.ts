import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SalvageReport } from '../../../../shared/types/repair';
import { backup } from '../../actions/backup';
import { initialize } from '../../actions/initialize';
import { listBackups } from '../backups/list-backups';
import { preserveCopy } from '../../actions/preserve-copy';
import { salvage } from '../../actions/salvage';
import { tablesBesideBackup } from './beside-backup';
import { damageLeafOf } from '../../test-support/damage';
import { contextFor, seedFiles, sqlite3, tempDir } from '../../test-support/fixtures';

// inBackup: each table of a salvage report set beside the newest verified backup's rows. The
// referee is sqlite3's count(*) on the backup file the report names; the backup chosen is the
// newest that verified, never a preserved damaged copy nor one altered since it was verified.

const USER_TABLES = ['conversation_files', 'file_access_log', 'file_cleanup_queue', 'file_metadata', 'session_file_associations'];
const noDamage = { unreadable: [], lostRows: [] };

/** What sqlite3 counts in each table of `path` (SQLite's own tables left out, as the report does). */
function countsBySqlite(path: string): Record<string, number> {
  const names = sqlite3(path, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name").split('\n');
  return Object.fromEntries(names.map((n) => [n, Number(sqlite3(path, `SELECT count(*) FROM "${n}"`))]));
}

const inBackupOf = (report: SalvageReport) => Object.fromEntries(report.tables.map((t) => [t.name, t.inBackup]));

describe('inBackup (the salvage report beside the newest verified backup)', () => {
  it("by table name: both counted where both have the table; null where the backup lacks it (lost_and_found); the backup's where nothing was salvaged; 0 stays 0; no backup, null everywhere", () => {
    const salvaged = new Map([
      ['conversation_files', 940],
      ['lost_and_found', 12],
      ['file_metadata', 0],
    ]);
    const backupRows = new Map([
      ['conversation_files', 1000],
      ['file_metadata', 0],
      ['notes', 7],
    ]);
    expect(
      tablesBesideBackup(salvaged, { name: 'b.sqlite', rows: backupRows }, noDamage).map(({ name, salvaged: s, inBackup }) => [name, s, inBackup]),
    ).toEqual([
      ['conversation_files', 940, 1000],
      ['file_metadata', 0, 0],
      ['lost_and_found', 12, null],
      ['notes', null, 7],
    ]);
    expect(tablesBesideBackup(salvaged, null, noDamage).map(({ name, inBackup }) => [name, inBackup])).toEqual([
      ['conversation_files', null],
      ['file_metadata', null],
      ['lost_and_found', null],
    ]);
  });

  it('a damaged file never backed up: compared with nothing, every inBackup null', async () => {
    const ctx = contextFor(join(tempDir(), 'chat.db'));
    await initialize(ctx);
    seedFiles(ctx.dbPath, 300);
    damageLeafOf(ctx.dbPath, 'file_access_log', 1);
    const report = await salvage(ctx, { out: join(tempDir(), 'salvaged.db') });
    expect(report.comparedWith).toBeNull();
    expect(report.tables.length).toBeGreaterThan(USER_TABLES.length);
    expect(report.tables.filter((t) => t.inBackup !== null)).toEqual([]);
  });

  it('the newest verified backup, counted as sqlite3 counts it: not a newer one altered since it verified, not a preserved damaged copy', async () => {
    const ctx = contextFor(join(tempDir(), 'chat.db'));
    await initialize(ctx);
    seedFiles(ctx.dbPath, 200);
    const older = await backup(ctx);
    seedFiles(ctx.dbPath, 50, 1_000);
    const newer = await backup(ctx);
    // Altered after it verified: one byte of its last page. The listing notices (size or time changed) and no longer calls it verified.
    const fd = openSync(newer.path, 'r+');
    writeSync(fd, Buffer.from([0x5a]), 0, 1, newer.bytes - 10);
    closeSync(fd);
    seedFiles(ctx.dbPath, 25, 2_000);
    damageLeafOf(ctx.dbPath, 'file_access_log', 1);
    await preserveCopy(ctx, { purpose: 'manual' });
    const listed = listBackups(ctx);
    expect(listed[0]).toMatchObject({ damaged: true, verified: null });
    expect(listed.find((b) => b.name === newer.name)?.verified?.ok).not.toBe(true);

    const report = await salvage(ctx, { out: join(tempDir(), 'salvaged.db') });
    expect(report.comparedWith).toBe(older.name);
    const referee = countsBySqlite(older.path);
    for (const table of USER_TABLES) expect(inBackupOf(report)[table], table).toBe(referee[table]);
    // The tool's own tables are set beside the backup's too; a table only the new file has (lost_and_found) would be null.
    expect(inBackupOf(report).schema_version).toBe(referee.schema_version);
    expect(report.tables.filter((t) => t.inBackup === null).map((t) => t.name)).toEqual(report.tables.filter((t) => !(t.name in referee)).map((t) => t.name));
    // conversation_files is undamaged: every row salvaged, beside the 200 the older backup holds.
    expect(report.tables.find((t) => t.name === 'conversation_files')).toMatchObject({ salvaged: 275, inBackup: 200 });
  });
});
