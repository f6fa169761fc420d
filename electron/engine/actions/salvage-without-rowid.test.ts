import Database from 'better-sqlite3';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../shared/seeded-random';
import { initialize } from './initialize';
import { salvage } from './salvage';
import { loadSchema } from '../core/schema/schema-folder';
import { contextFor, sqlite3, tempDir } from '../test-support/fixtures';
import { overwritePages } from '../test-support/salvage-referee';

// A WITHOUT ROWID table keeps its rows in an index b-tree, primary key first (fileformat2 §2.5).
// The referee is SQLite: the rows it reads from the intact file, and dbstat's count of the entries
// on each page of the table.

const SCHEMA = `
CREATE TABLE tags (name TEXT NOT NULL, item_id INTEGER NOT NULL, weight REAL, note TEXT, PRIMARY KEY (item_id, name)) WITHOUT ROWID;
CREATE TABLE items (id INTEGER PRIMARY KEY, label TEXT);
CREATE INDEX tags_weight ON tags(weight);
`;

async function tagsDatabase(): Promise<{ dbPath: string; ctx: ReturnType<typeof contextFor> }> {
  const dir = join(tempDir(), 'tags-schema');
  mkdirSync(join(dir, 'migrations'), { recursive: true });
  writeFileSync(join(dir, 'schema.json'), JSON.stringify({ name: 'tags', title: 'Tags', applicationId: 4343 }));
  writeFileSync(join(dir, 'migrations', '1.0.0__tags.sql'), SCHEMA);
  const dbPath = join(tempDir(), 'tags.db');
  const ctx = contextFor(dbPath, loadSchema(dir));
  await initialize(ctx);
  const db = new Database(dbPath);
  const random = seededRandom(7);
  const tag = db.prepare('INSERT INTO tags (name, item_id, weight, note) VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    for (let k = 0; k < 4000; k++) {
      // Some notes larger than an index page keeps locally: the entry spills to overflow pages.
      tag.run(`tag-${k % 13}-ü`, Math.floor(k / 13), k % 5 === 0 ? null : random(), k % 97 === 0 ? 'n'.repeat(3000 + k) : `note ${k}`);
    }
    db.prepare('INSERT INTO items (id, label) VALUES (1, ?)').run('one');
  })();
  db.close();
  return { dbPath, ctx };
}

const everyTag = (path: string) => sqlite3(path, 'SELECT quote(item_id), quote(name), quote(weight), quote(note) FROM tags ORDER BY item_id, name').split('\n');

describe('salvage of a WITHOUT ROWID table', () => {
  it('recovers every row of an intact file byte-equal, the columns in their places', async () => {
    const { dbPath, ctx } = await tagsDatabase();
    const out = join(tempDir(), 'out.db');
    const report = await salvage(ctx, { out });
    expect(everyTag(out)).toEqual(everyTag(dbPath));
    expect(report.unreadablePages).toEqual([]);
    expect(report.lostAndFound).toBe(0);
    expect(report.tables.find((t) => t.name === 'tags')!.salvaged).toBe(4000);
    expect(sqlite3(out, 'PRAGMA integrity_check')).toBe('ok');
    expect(sqlite3(out, "SELECT wr FROM pragma_table_list WHERE name = 'tags'")).toBe('1');
  });

  it('loses exactly the entries of an overwritten leaf, names the page by its table, and invents nothing', async () => {
    const { dbPath, ctx } = await tagsDatabase();
    const intact = everyTag(dbPath);
    const leaves = sqlite3(dbPath, "SELECT pageno || ' ' || ncell FROM dbstat WHERE name = 'tags' AND pagetype = 'leaf' ORDER BY pageno")
      .split('\n')
      .map((l) => l.split(' ').map(Number));
    const [page, cells] = leaves[Math.floor(leaves.length / 2)];
    overwritePages(dbPath, [page]);
    const out = join(tempDir(), 'out.db');
    const report = await salvage(ctx, { out });
    const salvaged = everyTag(out);
    expect(salvaged.length).toBe(intact.length - cells);
    expect(salvaged.filter((row) => !intact.includes(row))).toEqual([]);
    expect(report.unreadablePages.map((p) => [p.page, p.owner])).toEqual([[page, 'tags']]);
    expect(sqlite3(out, 'PRAGMA integrity_check')).toBe('ok');
    expect(sqlite3(out, 'SELECT count(*) FROM items')).toBe('1');
  });
});
