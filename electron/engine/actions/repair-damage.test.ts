import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backup } from './backup';
import { initialize } from './initialize';
import { listBackups } from '../core/backups/list-backups';
import { repair } from './repair';
import { restore } from './restore';
import { verify } from './verify';
import { runCli } from '../test-support/cli';
import { damageLeafOf, overwritePage, pagesOf } from '../test-support/damage';
import { contextFor, seedFiles, sha256File, tempDir } from '../test-support/fixtures';

// The fix that fits the damage. Referees: the sqlite3 shell's integrity_check, every row of every
// table (rowid included) dumped by the shell before the damage and after the fix, and the pages
// dbstat lists for each index in the intact file.

const TABLES = ['conversation_files', 'file_metadata', 'session_file_associations', 'file_access_log', 'file_cleanup_queue', 'schema_migrations'];

function shellCheck(path: string): string {
  const run = spawnSync('sqlite3', [path, 'PRAGMA integrity_check'], { encoding: 'utf8' });
  return `${run.stdout}${run.stderr}`.trim();
}

/** Every row of the service's tables, rowid first, as the sqlite3 shell prints them (quote() keeps types and bytes). */
function dumpRows(path: string): string {
  return TABLES.map((t) => {
    const columns = spawnSync('sqlite3', [path, `SELECT group_concat('quote("' || name || '")', '||''|''||') FROM pragma_table_info('${t}')`], {
      encoding: 'utf8',
    }).stdout.trim();
    return spawnSync('sqlite3', [path, `SELECT rowid || '|' || ${columns} FROM "${t}" ORDER BY rowid`], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
      .stdout;
  }).join('\n---\n');
}

async function seededDatabase(files = 2000): Promise<string> {
  const dbPath = join(tempDir(), 'chat.db');
  await initialize(contextFor(dbPath));
  seedFiles(dbPath, files);
  return dbPath;
}

describe('damage only in indexes is fixed in place by rebuilding them', () => {
  it("two indexes damaged (a leaf, and an autoindex's interior page): a byte copy first, the indexes rebuilt, integrity_check ok, every row byte-identical", async () => {
    const dbPath = await seededDatabase();
    const rowsBefore = dumpRows(dbPath);
    const leaf = damageLeafOf(dbPath, 'idx_conversation_files_hash', 2);
    const interior = pagesOf(dbPath, 'sqlite_autoindex_file_metadata_1').find((p) => p.pageType === 'internal')!.page;
    overwritePage(dbPath, interior);
    expect(shellCheck(dbPath)).not.toBe('ok');
    const damagedBytes = sha256File(dbPath);

    const dry = await repair(contextFor(dbPath), { dryRun: true });
    expect(dry.rebuiltIndexes?.sort()).toEqual(['idx_conversation_files_hash', 'sqlite_autoindex_file_metadata_1']);
    expect(dry.statements.sort()).toEqual(['REINDEX "idx_conversation_files_hash"', 'REINDEX "sqlite_autoindex_file_metadata_1"']);
    expect(sha256File(dbPath)).toBe(damagedBytes);
    expect(listBackups(contextFor(dbPath))).toEqual([]);

    const result = await repair(contextFor(dbPath));
    expect(result.damage!.some((d) => d.page === leaf && d.object === 'idx_conversation_files_hash')).toBe(true);
    expect(result.integrityAfter).toMatchObject({ ok: true });
    expect(result.tableDamage).toBeNull();
    expect(shellCheck(dbPath)).toBe('ok');
    expect(dumpRows(dbPath)).toBe(rowsBefore);
    // The damaged leaf's index answers queries again, through the index.
    expect(
      spawnSync('sqlite3', [dbPath, "SELECT count(*) FROM conversation_files INDEXED BY idx_conversation_files_hash WHERE file_hash > ''"], {
        encoding: 'utf8',
      }).stdout.trim(),
    ).toBe('2000');

    // The copy taken first is the damaged file, byte for byte, marked damaged, never restorable.
    const copy = result.preservedCopy!;
    expect(copy).toMatchObject({ reason: 'preserved-damaged', damaged: true, preservedFor: 'pre-repair', verified: null });
    expect(sha256File(copy.path)).toBe(damagedBytes);
    await expect(restore(contextFor(dbPath), { backup: copy.name })).rejects.toMatchObject({
      code: 'BACKUP_INVALID',
      message: expect.stringMatching(/preserved while it was damaged/),
    });
    expect((await verify(contextFor(dbPath), 'full')).status).toBe('healthy');
    const history = spawnSync('sqlite3', [dbPath, "SELECT detail FROM schema_events WHERE action = 'repair'"], { encoding: 'utf8' }).stdout;
    expect(history).toContain('idx_conversation_files_hash');
  });

  it('a WAL-mode database: the rebuild fixes the index, rows unchanged', async () => {
    const dbPath = await seededDatabase(1200);
    spawnSync('sqlite3', [dbPath, 'PRAGMA journal_mode = WAL']);
    const rowsBefore = dumpRows(dbPath);
    damageLeafOf(dbPath, 'idx_file_access_log_file', 1);
    const result = await repair(contextFor(dbPath));
    expect(result.integrityAfter?.ok).toBe(true);
    expect(shellCheck(dbPath)).toBe('ok');
    expect(dumpRows(dbPath)).toBe(rowsBefore);
    expect(result.preservedCopy!.bytes).toBe(statSync(result.preservedCopy!.path).size);
  });

  it('the CLI: repair rebuilds and says so, exit 0; --no-backup takes no copy', async () => {
    const dbPath = await seededDatabase(800);
    damageLeafOf(dbPath, 'idx_conversation_files_uploaded_at', 1);
    const cli = runCli(['repair', '--db', dbPath, '--no-backup']);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toMatch(/Rebuilt 1 damaged index\(es\) from their tables:\n {2}REINDEX "idx_conversation_files_uploaded_at";/);
    expect(cli.stdout).toMatch(/integrity_check afterwards: ok/);
    expect(existsSync(`${dbPath}.backups`)).toBe(false);
    expect(shellCheck(dbPath)).toBe('ok');
  });
});

describe('damage to table pages: repair writes nothing and says what fits', () => {
  it('a table leaf damaged, with a verified backup: refused by name, with the rows per table live and in the backup', async () => {
    const dbPath = await seededDatabase(1500);
    const taken = await backup(contextFor(dbPath), { reason: 'manual' });
    seedFiles(dbPath, 100, 5000);
    const page = damageLeafOf(dbPath, 'file_metadata', 2);
    const before = sha256File(dbPath);

    const result = await repair(contextFor(dbPath));
    expect(sha256File(dbPath)).toBe(before);
    expect(result.rebuiltIndexes).toEqual([]);
    expect(result.refused[0]).toMatchObject({ name: 'file_metadata', message: expect.stringContaining(`Page ${page} of table file_metadata`) });
    expect(result.tableDamage!.backup).toMatchObject({ name: taken.name });
    const counts = Object.fromEntries(result.tableDamage!.counts.map((c) => [c.table, c]));
    expect(counts.file_metadata).toMatchObject({
      damaged: true,
      live: null,
      inBackup: Number(spawnSync('sqlite3', [taken.path, 'SELECT count(*) FROM file_metadata'], { encoding: 'utf8' }).stdout.trim()),
    });
    // The referee for the live counts: the sqlite3 shell on the same file.
    expect(counts.conversation_files).toMatchObject({ damaged: false, live: 1600, inBackup: 1500 });

    const cli = runCli(['repair', '--db', dbPath]);
    expect(cli.code).toBe(2);
    expect(cli.stdout).toContain('cannot be rebuilt in place');
    expect(cli.stdout).toMatch(/conversation_files\s+1600\s+1500\s+\(100 written after the backup would be lost\)/);
    expect(sha256File(dbPath)).toBe(before);
  });

  it('a damaged table and no backup: no backup named, the damaged table counted as unreadable', async () => {
    const dbPath = await seededDatabase(600);
    damageLeafOf(dbPath, 'conversation_files', 1);
    const copy = join(tempDir(), 'copy.db');
    copyFileSync(dbPath, copy);
    const result = await repair(contextFor(dbPath), { dryRun: true });
    expect(result.tableDamage).toMatchObject({ backup: null, tables: ['conversation_files'] });
    expect(readFileSync(dbPath).equals(readFileSync(copy))).toBe(true);
  });
});
