import Database from 'better-sqlite3';
import { chmodSync, copyFileSync, existsSync, readdirSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Progress } from '../../../shared/types/jobs';
import type { SalvageReport } from '../../../shared/types/repair';
import { initialize } from './initialize';
import { salvage } from './salvage';
import type { SchemaDefinition } from '../core/schema/schema-folder';
import { damageMiddlePages } from '../test-support/damage';
import { contextFor, seedFiles, sha256File, sqlite3, tempDir } from '../test-support/fixtures';
import {
  expectedAfterDamage,
  fillKnownData,
  KNOWN_TABLES,
  knownSchema,
  overwritePages,
  rowPlaces,
  rowsBySqlite,
  type Row,
} from '../test-support/salvage-referee';

// The referee is known data: the rows SQLite reads from the intact file, and the pages each sits on
// (checked against dbstat). After pages are overwritten, every row not on a damaged page must come
// back byte-equal, and nothing may be invented.

interface Known {
  schema: SchemaDefinition;
  dbPath: string;
  intact: Map<string, Map<bigint, Row>>;
  places: ReturnType<typeof rowPlaces>;
}

async function knownDatabase(rows = 3000): Promise<Known> {
  const schema = knownSchema();
  const dbPath = join(tempDir(), 'known.db');
  await initialize(contextFor(dbPath, schema));
  const db = new Database(dbPath);
  fillKnownData(db, 0, rows);
  db.close();
  const intact = new Map(KNOWN_TABLES.map((t) => [t, rowsBySqlite(dbPath, t)]));
  return { schema, dbPath, intact, places: rowPlaces(dbPath, KNOWN_TABLES) };
}

async function salvageOf(known: Known, extra: Parameters<typeof contextFor>[2] = {}): Promise<{ report: SalvageReport; out: string }> {
  const out = join(tempDir(), 'salvaged.db');
  const before = [sha256File(known.dbPath), existsSync(`${known.dbPath}-wal`) ? sha256File(`${known.dbPath}-wal`) : null];
  const report = await salvage(contextFor(known.dbPath, known.schema, extra), { out });
  expect([sha256File(known.dbPath), existsSync(`${known.dbPath}-wal`) ? sha256File(`${known.dbPath}-wal`) : null]).toEqual(before);
  expect(sqlite3(out, 'PRAGMA integrity_check')).toBe('ok');
  expect(report.integrity.ok).toBe(true);
  return { report, out };
}

/** A row as exact text: the storage class of each value and its bytes (so 5 and 5.0, or text and blob, differ). */
function exactly([rowid, values]: [bigint, Row]): string {
  const value = (v: unknown) =>
    v === null
      ? 'NULL'
      : Buffer.isBuffer(v)
        ? `x'${v.toString('hex')}'`
        : typeof v === 'bigint'
          ? `int ${v}`
          : typeof v === 'number'
            ? `real ${v}`
            : `text ${JSON.stringify(v)}`;
  return `${rowid}: ${values.map(value).join(', ')}`;
}

function expectRows(out: string, table: string, expected: Map<bigint, Row>): void {
  const salvaged = [...rowsBySqlite(out, table)].map(exactly).sort();
  const wanted = [...expected].map(exactly).sort();
  expect(salvaged.length).toBe(wanted.length);
  expect(salvaged).toEqual(wanted);
}

const tableOf = (report: SalvageReport, name: string) => report.tables.find((t) => t.name === name)!;

describe('salvage reads the damaged file itself', () => {
  it('recovers every row of an intact file byte-equal, with no drift and no lost_and_found', async () => {
    const known = await knownDatabase();
    const { report, out } = await salvageOf(known);
    for (const table of KNOWN_TABLES) expectRows(out, table, known.intact.get(table)!);
    expect(report.drift).toEqual([]);
    expect(report.lostAndFound).toBe(0);
    expect(report.unreadablePages).toEqual([]);
    expect(report.pagesRead + 0).toBeLessThanOrEqual(report.pageCount);
    expect(report.version).toBe('1.0.0');
    expect(sqlite3(out, 'SELECT count(*) FROM schema_version')).toBe('1');
    expect(sqlite3(out, 'PRAGMA application_id')).toBe('4242');
  });

  it('loses exactly the rows on overwritten table leaves, names the pages by table, and invents nothing', async () => {
    const known = await knownDatabase();
    const itemLeaves = [...known.places.get('items')!.leaves.keys()];
    const eventLeaves = [...known.places.get('events')!.leaves.keys()];
    const damaged = [itemLeaves[3], itemLeaves[10], eventLeaves[5]];
    overwritePages(known.dbPath, damaged);
    const { report, out } = await salvageOf(known);
    for (const table of KNOWN_TABLES) expectRows(out, table, expectedAfterDamage(known.intact.get(table)!, known.places.get(table)!, damaged));
    const lostItems = known.intact.get('items')!.size - rowsBySqlite(out, 'items').size;
    expect(lostItems).toBe(known.places.get('items')!.leaves.get(itemLeaves[3])!.length + known.places.get('items')!.leaves.get(itemLeaves[10])!.length);
    expect(
      tableOf(report, 'items')
        .unreadablePages.map((p) => [p.page, p.owner, p.ownerKind])
        .sort(),
    ).toEqual(
      [
        [itemLeaves[3], 'items', 'table'],
        [itemLeaves[10], 'items', 'table'],
      ].sort(),
    );
    expect(tableOf(report, 'events').unreadablePages.map((p) => p.page)).toEqual([eventLeaves[5]]);
    expect(report.lostAndFound).toBe(0);
    expect(report.drift).toEqual([]);
  });

  it('finds the leaves below an overwritten interior page by scanning the file, and matches them to their table by shape', async () => {
    const known = await knownDatabase();
    const interior = known.places.get('events')!.interior;
    expect(interior.length).toBeGreaterThan(0);
    overwritePages(known.dbPath, [interior[0]]);
    const { report, out } = await salvageOf(known);
    for (const table of KNOWN_TABLES) expectRows(out, table, known.intact.get(table)!);
    expect(report.orphanedLeaves).toBeGreaterThan(0);
    expect(report.unreadablePages).toEqual([expect.objectContaining({ page: interior[0], owner: 'events', ownerKind: 'table', table: 'events' })]);
    expect(report.lostAndFound).toBe(0);
  });

  it('loses only the row whose overflow chain runs through an overwritten page', async () => {
    const known = await knownDatabase();
    const overflow = known.places.get('notes')!.overflow;
    const [page, rowid] = [...overflow][Math.floor(overflow.size / 2)];
    overwritePages(known.dbPath, [page]);
    const { report, out } = await salvageOf(known);
    const expected = new Map(known.intact.get('notes')!);
    expected.delete(rowid);
    expectRows(out, 'notes', expected);
    expect(tableOf(report, 'notes').rowsLost).toBe(1);
    for (const table of ['items', 'events']) expectRows(out, table, known.intact.get(table)!);
  });

  it('with page 1 overwritten (header and schema), matches every leaf to its table by shape; what cannot be told goes to lost_and_found', async () => {
    const known = await knownDatabase();
    overwritePages(known.dbPath, [1]);
    const { report, out } = await salvageOf(known);
    for (const table of KNOWN_TABLES) expectRows(out, table, known.intact.get(table)!);
    expect(report.notes.join(' ')).toContain('Page 1');
    expect(report.version).toBe('1.0.0');
    // schema_version and schema_events (7 columns each) are told apart by their types and keys; the one
    // row of sqlite_sequence (2 columns) fits no table and is kept in lost_and_found with its page.
    expect(sqlite3(out, 'SELECT (SELECT count(*) FROM schema_version), (SELECT count(*) FROM schema_events)')).toBe('1|1');
    expect(report.lostAndFound).toBe(1);
    expect(sqlite3(out, 'SELECT nfield, typeof(pgno), c0 FROM lost_and_found')).toBe('2|integer|schema_events');
  });

  it('keeps the first of two rows that break a UNIQUE of the expected schema, and puts the other in lost_and_found', async () => {
    const known = await knownDatabase(300);
    // A file whose unique index was lost: two items share a name, as only a damaged file can hold.
    const db = new Database(known.dbPath);
    db.exec("DROP INDEX items_name; INSERT INTO items (id, name, price) VALUES (100000, 'item 7 — ünïcødé xxxxxxx', 1.5)");
    db.close();
    const { report, out } = await salvageOf(known);
    expectRows(out, 'items', known.intact.get('items')!);
    expect(report.lostAndFound).toBe(1);
    expect(sqlite3(out, 'SELECT id, c1, c2, typeof(pgno) FROM lost_and_found')).toBe('100000|item 7 — ünïcødé xxxxxxx|1.5|null');
    expect(sqlite3(out, "SELECT count(*) FROM sqlite_master WHERE name = 'items_name'")).toBe('1');
    // The other tables come back whole (events with the row the insert's trigger logged).
    for (const table of ['events', 'notes']) expectRows(out, table, rowsBySqlite(known.dbPath, table));
  });

  it('reads the committed frames of a WAL beside the file, and not a torn transaction at its end', async () => {
    const schema = knownSchema();
    const dir = tempDir();
    const live = join(dir, 'live.db');
    await initialize(contextFor(live, schema));
    const db = new Database(live);
    db.pragma('journal_mode = WAL');
    fillKnownData(db, 0, 1000);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.pragma('wal_autocheckpoint = 0');
    fillKnownData(db, 1000, 500, 2); // committed, only in the WAL
    const copy = join(tempDir(), 'copy.db');
    copyFileSync(live, copy);
    copyFileSync(`${live}-wal`, `${copy}-wal`);
    const committed = new Map(KNOWN_TABLES.map((t) => [t, rowsBySqlite(copy, t)]));
    const walBytes = statSync(`${live}-wal`).size;
    fillKnownData(db, 1500, 200, 3); // a later transaction, torn below
    copyFileSync(`${live}-wal`, `${copy}-wal`);
    db.close();
    truncateSync(`${copy}-wal`, statSync(`${copy}-wal`).size - 1000);
    expect(statSync(`${copy}-wal`).size).toBeGreaterThan(walBytes);
    const { report, out } = await salvageOf({ schema, dbPath: copy, intact: committed, places: new Map() });
    for (const table of KNOWN_TABLES) expectRows(out, table, committed.get(table)!);
    expect(committed.get('items')!.size).toBe(1500);
    expect(report.walFrames).toBeGreaterThan(0);
  });

  it('brings no deleted row back: freed pages (the freelist) are never read for rows', async () => {
    const known = await knownDatabase();
    const db = new Database(known.dbPath);
    db.exec('DELETE FROM events WHERE rowid % 2 = 0 OR rowid > 4000; DELETE FROM notes WHERE rowid % 3 = 0');
    db.close();
    expect(Number(sqlite3(known.dbPath, 'PRAGMA freelist_count'))).toBeGreaterThan(5);
    const { report, out } = await salvageOf(known);
    for (const table of KNOWN_TABLES) expectRows(out, table, rowsBySqlite(known.dbPath, table));
    expect(report.lostAndFound).toBe(0);
  });

  it('reads an auto-vacuum file, whose pointer-map pages hold no rows', async () => {
    const known = await knownDatabase(1500);
    const db = new Database(known.dbPath);
    db.exec('PRAGMA auto_vacuum = FULL; VACUUM;');
    db.close();
    expect(sqlite3(known.dbPath, 'PRAGMA auto_vacuum')).toBe('1');
    const places = rowPlaces(known.dbPath, KNOWN_TABLES);
    const damaged = [[...places.get('items')!.leaves.keys()][2]];
    overwritePages(known.dbPath, damaged);
    const { out } = await salvageOf(known);
    for (const table of KNOWN_TABLES) expectRows(out, table, expectedAfterDamage(known.intact.get(table)!, places.get(table)!, damaged));
  });

  it('reports progress in pages, and a cancel leaves nothing behind', async () => {
    const known = await knownDatabase();
    const progress: Progress[] = [];
    await salvageOf(known, { onProgress: (p) => progress.push(p) });
    expect(progress.length).toBeGreaterThan(2);
    expect(progress.every((p) => p.unit === 'pages' && p.total > 0 && p.done <= p.total)).toBe(true);
    expect(progress.at(-1)!.done).toBe(progress.at(-1)!.total);

    const folder = tempDir();
    const controller = new AbortController();
    const cancelled = salvage(contextFor(known.dbPath, known.schema, { signal: controller.signal, onProgress: () => controller.abort() }), {
      out: join(folder, 'never.db'),
    });
    await expect(cancelled).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(readdirSync(folder)).toEqual([]);
  });

  it('gives the new file the damaged file’s permissions', async () => {
    const known = await knownDatabase(200);
    for (const mode of [0o600, 0o640]) {
      chmodSync(known.dbPath, mode);
      const out = join(tempDir(), 'private.db');
      await salvage(contextFor(known.dbPath, known.schema), { out });
      expect(statSync(out).mode & 0o777).toBe(mode);
    }
  });

  it('refuses an --out that exists, is a dangling link, or lies in a missing folder, and writes nothing', async () => {
    const known = await knownDatabase(100);
    const dir = tempDir();
    writeFileSync(join(dir, 'taken.db'), 'keep me');
    symlinkSync(join(dir, 'nowhere.db'), join(dir, 'link.db'));
    const ctx = contextFor(known.dbPath, known.schema);
    await expect(salvage(ctx, { out: join(dir, 'taken.db') })).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    await expect(salvage(ctx, { out: join(dir, 'link.db') })).rejects.toMatchObject({
      code: 'ALREADY_EXISTS',
      message: expect.stringContaining('symbolic link'),
    });
    await expect(salvage(ctx, { out: join(dir, 'missing', 'new.db') })).rejects.toMatchObject({ code: 'NOT_FOUND', hint: expect.stringContaining('mkdir') });
    expect(readdirSync(dir).sort()).toEqual(['link.db', 'taken.db']);
    expect(existsSync(join(dir, 'nowhere.db'))).toBe(false);
  });

  it('refuses an --out under a file, with a name too long for the filesystem or in a folder that takes no file (/proc), as the user’s mistake (never INTERNAL), and writes nothing', async () => {
    const known = await knownDatabase(100);
    const dir = tempDir();
    writeFileSync(join(dir, 'file.db'), 'keep me');
    const ctx = contextFor(known.dbPath, known.schema);
    await expect(salvage(ctx, { out: join(dir, 'file.db', 'new.db') })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining(`${join(dir, 'file.db')}, the folder named for the salvaged file, is a file, not a folder.`),
    });
    await expect(salvage(ctx, { out: join(dir, 'file.db', 'deeper', 'new.db') })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // 300 characters are too long for a name on its own; 245 only with the staged file's 22 more.
    for (const length of [300, 245]) {
      await expect(salvage(ctx, { out: join(dir, `${'n'.repeat(length - 3)}.db`) })).rejects.toMatchObject({
        code: 'INVALID_INPUT',
        message: expect.stringContaining('is too long for its filesystem'),
      });
    }
    // /proc is a folder that takes no new file: its open fails ENOENT.
    if (existsSync('/proc/self'))
      await expect(salvage(ctx, { out: '/proc/salvaged.db' })).rejects.toMatchObject({
        code: 'INVALID_INPUT',
        message: 'No file can be created in /proc (ENOENT): it is not a folder on a disk. Nothing was written.',
      });
    expect(readdirSync(dir)).toEqual(['file.db']);
  });

  it('salvages the chat service’s database with pages overwritten: its version, its history, a clean new file', async () => {
    const dbPath = join(tempDir(), 'damaged.db');
    await initialize(contextFor(dbPath));
    seedFiles(dbPath, 2000);
    damageMiddlePages(dbPath);
    const out = join(tempDir(), 'salvaged.db');
    const progress: Progress[] = [];
    const report = await salvage(contextFor(dbPath, undefined, { onProgress: (p) => progress.push(p) }), { out });
    expect(sqlite3(out, 'PRAGMA integrity_check')).toBe('ok');
    // The new file is checked as verify --full checks, on every core table by table (where there
    // are two), said in words while the bar stays full; its violations are the ones sqlite3 finds there.
    const checking = progress.filter((p) => p.phase.startsWith('checking the new file'));
    if (availableParallelism() >= 2) expect(checking.some((p) => /^checking the new file \(integrity_check on \d+ threads\)$/.test(p.phase))).toBe(true);
    expect(progress.map((p) => p.done / p.total)).toEqual(progress.map((p) => p.done / p.total).sort((a, b) => a - b));
    const violations = sqlite3(out, 'PRAGMA foreign_key_check').split('\n').filter(Boolean).length;
    expect(violations).toBeGreaterThan(0);
    expect(report.foreignKeyViolations).toBe(violations);
    expect(report.version).toBe('1.2.0');
    expect(report.drift.filter((d) => d.name !== 'lost_and_found')).toEqual([]);
    const files = tableOf(report, 'conversation_files').salvaged!;
    expect(files).toBeGreaterThan(1500);
    expect(files).toBeLessThanOrEqual(2000);
    expect(report.unreadablePages.length).toBeGreaterThan(0);
    expect(report.unreadablePages.every((p) => p.owner && p.reason)).toBe(true);
  });
});

describe('salvage beside a hot rollback journal', () => {
  /** A write transaction the sqlite3 shell had half written to the file (a tiny cache spills its pages) when it was killed. */
  async function interruptedWrite(dbPath: string): Promise<void> {
    const shell = spawn('sqlite3', [dbPath], { stdio: ['pipe', 'pipe', 'inherit'] });
    const ready = new Promise<void>((resolve) => shell.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve()));
    shell.stdin.write(
      "PRAGMA cache_size = 2; BEGIN; UPDATE items SET name = name || ' changed', note = 'overwritten'; DELETE FROM events WHERE rowid % 3 = 0; SELECT 'ready';\n",
    );
    await ready;
    const exited = new Promise((resolve) => shell.on('exit', resolve));
    shell.kill('SIGKILL');
    await exited;
  }

  it('reads the pages the interrupted write changed from the journal: the new file holds the last committed rows, and nothing is written', async () => {
    const known = await knownDatabase(2000);
    await interruptedWrite(known.dbPath);
    const journal = `${known.dbPath}-journal`;
    expect(statSync(journal).size).toBeGreaterThan(0);
    // Without its journal the file holds half a transaction: what salvage must not give back.
    const alone = join(tempDir(), 'alone.db');
    copyFileSync(known.dbPath, alone);
    expect(rowsBySqlite(alone, 'items')).not.toEqual(known.intact.get('items'));

    const journalBefore = sha256File(journal);
    const { report, out } = await salvageOf(known);
    for (const table of KNOWN_TABLES) expectRows(out, table, known.intact.get(table)!);
    expect(report.notes.join(' ')).toMatch(/hot -journal lay beside the damaged file.*read from it/);
    expect(sha256File(journal)).toBe(journalBefore);
    // The referee: SQLite itself, rolling the journal back on a copy of both files.
    const copy = join(tempDir(), 'rolled-back.db');
    copyFileSync(known.dbPath, copy);
    copyFileSync(journal, `${copy}-journal`);
    expect(sqlite3(copy, 'PRAGMA integrity_check')).toBe('ok'); // the shell opens it for writing, and plays the journal back
    expect(existsSync(`${copy}-journal`)).toBe(false);
    for (const table of KNOWN_TABLES) expectRows(out, table, rowsBySqlite(copy, table));
  });
});
