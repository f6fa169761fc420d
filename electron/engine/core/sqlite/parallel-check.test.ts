import { execFileSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, readSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { checkInParallel } from './parallel-check';
import { verify } from '../../actions/verify';
import { seededRandom } from '../../../../shared/seeded-random';
import { scaled, seedFor } from '../../../reliability/test-support/soak';
import { overwritePage, pagesOf } from '../../test-support/damage';
import { contextFor, tempDir } from '../../test-support/fixtures';

// The referee is SQLite's own whole-file integrity_check (one connection, no argument), run on the
// same file: the parallel check may say "ok" only where it says "ok". Each damage below is of a
// kind SQLite's own corruption tests make; the pages are found with dbstat in the intact file.

const PAGE = 4096;

/** Tables with indexes, long rows in overflow chains, a dropped table's pages on the freelist, and three orphans. */
function fixture(): string {
  const path = join(tempDir(), 'mixed.db');
  execFileSync('sqlite3', [path], {
    input: `
PRAGMA page_size = ${PAGE};
CREATE TABLE parent(id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE child(id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id), body TEXT);
CREATE INDEX child_parent ON child(parent_id);
CREATE INDEX parent_name ON parent(name) WHERE id > 10;
CREATE TABLE tags(tag TEXT PRIMARY KEY, n INTEGER) WITHOUT ROWID;
CREATE TABLE junk(x);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
  INSERT INTO parent SELECT i, 'parent ' || i FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 6000)
  INSERT INTO child SELECT i, 1 + i % 3000, CASE WHEN i % 50 = 0 THEN printf('%.*c', 20000, 'x') ELSE 'short ' || i END FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
  INSERT INTO tags SELECT 'tag ' || i, i FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400)
  INSERT INTO junk SELECT randomblob(3000) FROM n;
DROP TABLE junk;
INSERT INTO child VALUES (900001, 99999, 'orphan'), (900002, 99998, 'orphan'), (900003, 99999, 'orphan'), (900004, NULL, 'no parent');
`,
  });
  return path;
}

/** SQLite's rows as it gives them, and where damage stops it part-way, its error after them. */
function wholeCheck(path: string): string[] {
  const db = new Database(path, { readonly: true });
  const rows: string[] = [];
  try {
    for (const row of db.prepare('PRAGMA integrity_check').pluck().iterate()) rows.push(String(row));
  } catch (err) {
    rows.push((err as Error).message);
  } finally {
    db.close();
  }
  return rows;
}

function u32At(path: string, offset: number): number {
  const fd = openSync(path, 'r');
  const bytes = Buffer.alloc(4);
  readSync(fd, bytes, 0, 4, offset);
  closeSync(fd);
  return bytes.readUInt32BE(0);
}

function writeU32(path: string, offset: number, value: number): void {
  const fd = openSync(path, 'r+');
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value >>> 0, 0);
  writeSync(fd, bytes, 0, 4, offset);
  closeSync(fd);
}

const firstTrunk = (path: string) => u32At(path, 32);

/** SQL through the shell with the schema writable: how SQLite's tests make an index disagree with its table. */
function rewriteSchema(path: string, name: string, sql: string): void {
  execFileSync('sqlite3', [path], {
    input: `PRAGMA writable_schema = ON;\nUPDATE sqlite_schema SET sql = '${sql.replace(/'/g, "''")}' WHERE name = '${name}';\n`,
  });
}

function rootOf(path: string, name: string): number {
  return Number(execFileSync('sqlite3', [path, `SELECT rootpage FROM sqlite_schema WHERE name = '${name}'`], { encoding: 'utf8' }).trim());
}

const page = (path: string, name: string, type: string, nth = 0) => {
  const pages = pagesOf(path, name).filter((p) => p.pageType === type);
  if (pages.length === 0) throw new Error(`${name} has no ${type} page`);
  return pages[Math.min(nth, pages.length - 1)].page;
};

const damages: [string, (path: string) => void][] = [
  ['a table leaf overwritten', (path) => overwritePage(path, page(path, 'child', 'leaf', 7))],
  ['an interior page overwritten', (path) => overwritePage(path, page(path, 'child', 'internal'))],
  ['an index leaf overwritten', (path) => overwritePage(path, page(path, 'child_parent', 'leaf', 3))],
  ['a WITHOUT ROWID leaf overwritten', (path) => overwritePage(path, page(path, 'tags', 'leaf', 1))],
  ['an overflow page overwritten', (path) => overwritePage(path, page(path, 'child', 'overflow', 5))],
  ['an overflow chain cut short', (path) => writeU32(path, (page(path, 'child', 'overflow', 0) - 1) * PAGE, 0)],
  ['a freelist trunk counting more leaves than fit', (path) => writeU32(path, (firstTrunk(path) - 1) * PAGE + 4, 5000)],
  ['a freelist leaf out of range', (path) => writeU32(path, (firstTrunk(path) - 1) * PAGE + 8, 999_999)],
  [
    'a page never used (a leaf dropped from the freelist, the header count with it)',
    (path) => {
      const trunk = (firstTrunk(path) - 1) * PAGE;
      writeU32(path, trunk + 4, u32At(path, trunk + 4) - 1);
      writeU32(path, 36, u32At(path, 36) - 1);
    },
  ],
  [
    "a table's page also listed on the freelist (every page used, one twice)",
    (path) => {
      const trunk = (firstTrunk(path) - 1) * PAGE;
      const leaves = u32At(path, trunk + 4);
      writeU32(path, trunk + 8 + 4 * leaves, page(path, 'parent', 'leaf', 2));
      writeU32(path, trunk + 4, leaves + 1);
      writeU32(path, 36, u32At(path, 36) + 1);
    },
  ],
  ['the freelist count in the header wrong', (path) => writeU32(path, 36, u32At(path, 36) + 1)],
  ['an index entry missing (a partial index made whole)', (path) => rewriteSchema(path, 'parent_name', 'CREATE INDEX parent_name ON parent(name)')],
  [
    'a NOT NULL column holding NULL',
    (path) => rewriteSchema(path, 'child', 'CREATE TABLE child(id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parent(id), body TEXT)'),
  ],
  [
    "two b-trees sharing a page (an index rooted in another table's leaf)",
    (path) => {
      const root = rootOf(path, 'tags');
      execFileSync('sqlite3', [path], { input: `PRAGMA writable_schema = ON;\nUPDATE sqlite_schema SET rootpage = ${root} WHERE name = 'parent_name';\n` });
    },
  ],
];

describe("verify --full on every core says ok only where SQLite's whole-file check does", () => {
  it('the intact file: ok from the parallel check, and the foreign-key violations the shell finds', async () => {
    const intact = fixture();
    expect(wholeCheck(intact)).toEqual(['ok']);
    const result = await checkInParallel(contextFor(intact));
    expect(result).toMatchObject({ ok: true });
    const shell = execFileSync('sqlite3', [intact, 'PRAGMA foreign_key_check'], { encoding: 'utf8' }).trim().split('\n').sort();
    const ours = (result ? result.violations : []).map((v) => `${v.table}|${v.rowid}|${v.parent}|${v.constraintIndex}`).sort();
    expect(ours).toEqual(shell);
    expect(ours).toHaveLength(3);
  });

  it('a WAL file with commits not yet checkpointed: ok, the frames read as SQLite reads them', async () => {
    const path = fixture();
    const writer = new Database(path);
    writer.pragma('journal_mode = WAL');
    writer.pragma('wal_autocheckpoint = 0');
    writer.exec("INSERT INTO parent SELECT id + 10000, 'late ' || id FROM parent WHERE id <= 500; DELETE FROM child WHERE id % 7 = 0;");
    try {
      expect(wholeCheck(path)).toEqual(['ok']);
      expect(await checkInParallel(contextFor(path))).toMatchObject({ ok: true });
    } finally {
      writer.close();
    }
  });

  for (const [kind, damage] of damages) {
    it(`${kind}: the whole check fails, the parallel one does not say ok, verify reports the whole check's findings`, async () => {
      const path = fixture();
      damage(path);
      const whole = wholeCheck(path);
      expect(whole).not.toEqual(['ok']);
      expect(await checkInParallel(contextFor(path))).toBe(false);
      const report = await verify(contextFor(path), 'full');
      expect(report.integrity.ok).toBe(false);
      expect(report.integrity.messages.join('\n')).toBe(
        whole
          .join('\n')
          .split('\n')
          .filter((l) => l.trim() !== '' && !/^\*\*\* in database/.test(l.trim()))
          .map((l) => l.trim())
          .join('\n'),
      );
    });
  }

  it('random damage anywhere (bytes overwritten in random pages): never ok where the whole check is not', async () => {
    const random = seededRandom(seedFor('parallel check, random damage'));
    const intact = fixture();
    const size = readFileSync(intact).length;
    const outcomes = { bothOk: 0, bothNotOk: 0, parallelNotOkAlone: 0 };
    for (let copy = 0; copy < scaled(60, 400); copy++) {
      const bytes = readFileSync(intact);
      for (let run = 1 + Math.floor(random() * 3); run > 0; run--) {
        const at = Math.floor(random() * size);
        for (let k = 0; k < 1 + Math.floor(random() * 64) && at + k < size; k++) bytes[at + k] = Math.floor(random() * 256);
      }
      const path = join(tempDir(), `random-${copy}.db`);
      writeFileSync(path, bytes);
      const wholeOk = wholeCheck(path).join() === 'ok';
      const parallel = await checkInParallel(contextFor(path)).catch((err: unknown) => err);
      const parallelOk = typeof parallel === 'object' && parallel !== null && 'ok' in parallel;
      if (!wholeOk) expect(parallelOk, `copy ${copy}: ${wholeCheck(path).slice(0, 3).join('; ')}`).toBe(false);
      if (wholeOk && parallelOk) outcomes.bothOk++;
      else if (!wholeOk) outcomes.bothNotOk++;
      else outcomes.parallelNotOkAlone++; // doubt: verify then runs the whole check, which says ok
    }
    console.log(`parallel check against the whole check: ${JSON.stringify(outcomes)}`);
    expect(outcomes.bothNotOk).toBeGreaterThan(0);
  });

  it('cancelled: stops its threads and says so', async () => {
    const controller = new AbortController();
    const checking = checkInParallel(contextFor(fixture(), undefined, { signal: controller.signal }));
    controller.abort();
    await expect(checking).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});
