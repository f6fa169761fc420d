import { spawnSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeDamage, damageMap, findingsOf, onlyIndexesDamaged } from './damage-map';
import { initialize } from '../../actions/initialize';
import { integrityOf } from '../sqlite/integrity';
import { withDatabase } from '../sqlite/open-database';
import { status } from '../../actions/status';
import { verify } from '../../actions/verify';
import { runCli } from '../../test-support/cli';
import { damageLeafOf, pagesOf } from '../../test-support/damage';
import { contextFor, seedFiles, sha256File, tempDir } from '../../test-support/fixtures';

// The referees: the sqlite3 shell's integrity_check (which names the damaged page) and the page
// ownership dbstat reports for the intact file before it was damaged.

async function seededDatabase(): Promise<string> {
  const dbPath = join(tempDir(), 'chat.db');
  await initialize(contextFor(dbPath));
  seedFiles(dbPath, 2000);
  return dbPath;
}

function shellCheck(path: string): string {
  const run = spawnSync('sqlite3', [path, 'PRAGMA integrity_check'], { encoding: 'utf8' });
  return `${run.stdout}${run.stderr}`;
}

describe('the damage map names each damaged page and the table or index it belongs to', () => {
  it("a table leaf overwritten: verify --full names the page, the table and what the page held; SQLite's own message stays", async () => {
    const dbPath = await seededDatabase();
    const owned = pagesOf(dbPath, 'file_metadata');
    const page = damageLeafOf(dbPath, 'file_metadata', 3);
    expect(owned.find((p) => p.page === page)?.pageType).toBe('leaf');
    expect(shellCheck(dbPath)).toContain(`${page}`);
    const before = sha256File(dbPath);

    const report = await verify(contextFor(dbPath), 'full');
    expect(report.status).toBe('unhealthy');
    const entry = report.integrity.damage!.find((d) => d.page === page)!;
    expect(entry).toMatchObject({ object: 'file_metadata', objectType: 'table', table: 'file_metadata', foundBy: 'message' });
    expect(entry.description).toMatch(new RegExp(`^Page ${page} of table file_metadata .*is damaged: `));
    expect(report.integrity.messages.some((m) => m.includes(`page ${page}`))).toBe(true);
    expect(report.problems.some((p) => p.kind === 'integrity' && p.name === 'file_metadata' && p.message.includes(`Page ${page} of table file_metadata`))).toBe(
      true,
    );
    expect(onlyIndexesDamaged(report.integrity.damage!)).toBe(false);

    const cli = runCli(['verify', '--full', '--db', dbPath]);
    expect(cli.code).toBe(2);
    expect(cli.stdout).toContain(`Page ${page} of table file_metadata`);
    expect(cli.stdout).toMatch(/SQLite said:/);
    expect(sha256File(dbPath)).toBe(before);
  });

  it("an index leaf overwritten: the page is the index's (of its table), and only indexes are damaged", async () => {
    const dbPath = await seededDatabase();
    const page = damageLeafOf(dbPath, 'idx_conversation_files_hash', 2);
    const report = await verify(contextFor(dbPath), 'full');
    const damage = report.integrity.damage!;
    expect(damage.find((d) => d.page === page)).toMatchObject({ object: 'idx_conversation_files_hash', objectType: 'index', table: 'conversation_files' });
    expect(damage.find((d) => d.page === page)!.description).toContain(`Page ${page} of index idx_conversation_files_hash (of table conversation_files)`);
    expect(onlyIndexesDamaged(damage)).toBe(true);
    // quick_check, what status runs, maps it too.
    expect(status(contextFor(dbPath)).integrity?.damage?.some((d) => d.object === 'idx_conversation_files_hash')).toBe(true);
  });

  it('messages without a tree (SQLite before 3.40: "On tree page P", "Page P: …") are placed by dbstat, read from the file', async () => {
    const dbPath = await seededDatabase();
    const intact = join(tempDir(), 'intact.db');
    copyFileSync(dbPath, intact);
    const metadataLeaf = pagesOf(intact, 'file_metadata').find((p) => p.pageType === 'leaf')!.page;
    const indexLeaf = pagesOf(intact, 'idx_file_access_log_file').filter((p) => p.pageType === 'leaf')[2].page;
    const damage = withDatabase(intact, { mode: 'read' }, (db) =>
      damageMap(db, [
        `On tree page ${metadataLeaf} cell 3: Rowid 120 out of order`,
        `Page ${indexLeaf}: btreeInitPage() returns error code 11`,
        'Page 999999: never used',
        'wrong # of entries in index idx_file_metadata_file_id',
        'NULL value in conversation_files.file_hash',
        'Freelist: size is 3 but should be 2',
      ]),
    );
    expect(damage[0]).toMatchObject({ page: metadataLeaf, object: 'file_metadata', objectType: 'table', pageType: 'leaf', foundBy: 'dbstat' });
    expect(damage[0].description).toBe(
      `Page ${metadataLeaf} of table file_metadata (a leaf holding rows) is damaged: its rows are out of order (SQLite: On tree page ${metadataLeaf} cell 3: Rowid 120 out of order).`,
    );
    expect(damage[1]).toMatchObject({ page: indexLeaf, object: 'idx_file_access_log_file', objectType: 'index', table: 'file_access_log', pageType: 'leaf' });
    expect(damage[1].description).toContain('(a leaf holding index entries)');
    expect(damage[2]).toMatchObject({ page: 999999, object: null, foundBy: 'unknown' });
    expect(damage[2].description).toMatch(/cannot be told/);
    expect(damage[3]).toMatchObject({ page: null, object: 'idx_file_metadata_file_id', objectType: 'index', table: 'file_metadata' });
    expect(damage[4]).toMatchObject({ object: 'conversation_files', objectType: 'table' });
    expect(damage[5]).toMatchObject({ objectType: 'freelist' });
    expect(damage[5].description).toMatch(/^The list of free pages is damaged/);
  });

  it('many findings on one page are one entry with their count; the check heading is not a finding', () => {
    expect(findingsOf(['*** in database main ***\nTree 9 page 79 cell 2: x\nTree 9 page 79 cell 1: x', 'database disk image is malformed'])).toEqual([
      'Tree 9 page 79 cell 2: x',
      'Tree 9 page 79 cell 1: x',
      'database disk image is malformed',
    ]);
    expect(
      describeDamage({
        page: 79,
        object: 'idx',
        objectType: 'index',
        table: 't',
        pageType: null,
        foundBy: 'message',
        message: 'Tree 9 page 79 cell 2: x',
        messages: 3,
      }),
    ).toBe('Page 79 of index idx (of table t) is damaged: Tree 9 page 79 cell 2: x (and 2 more findings there).');
    expect(
      describeDamage({
        page: null,
        object: null,
        objectType: null,
        table: null,
        pageType: null,
        foundBy: 'unknown',
        message: 'database disk image is malformed',
        messages: 1,
      }),
    ).toMatch(/^SQLite stopped checking at damage it could not place/);
    expect(
      describeDamage({
        page: 80,
        object: 'idx',
        objectType: 'index',
        table: 't',
        pageType: null,
        foundBy: 'message',
        message: 'Tree 9 page 80: btreeInitPage() returns error code 11',
        messages: 1,
      }),
    ).toBe(
      'Page 80 of index idx (of table t) is damaged: its header cannot be read, so it is not a valid page any more (SQLite: Tree 9 page 80: btreeInitPage() returns error code 11).',
    );
  });

  it('an intact file has no damage; the check stopped part-way keeps what it found before', async () => {
    const dbPath = await seededDatabase();
    expect(withDatabase(dbPath, { mode: 'read' }, (db) => integrityOf(db, 'full'))).toEqual({ level: 'full', ok: true, messages: [] });
    damageLeafOf(dbPath, 'conversation_files', 1);
    const found = withDatabase(dbPath, { mode: 'read' }, (db) => integrityOf(db, 'full'));
    expect(found.ok).toBe(false);
    expect(found.damage!.some((d) => d.object === 'conversation_files' && d.page !== null)).toBe(true);
  });
});
