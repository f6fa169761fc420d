import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initialize } from './initialize';
import { salvage } from './salvage';
import { contextFor, seedFiles, sha256File, sqlite3, tempDir } from './test-support/fixtures';

// The referee decides which promise applies: whether this machine's sqlite3 shell can .recover.
const shellRecovers = spawnSync('sqlite3', [':memory:', 'SELECT count(*) FROM sqlite_dbpage'], { encoding: 'utf8' }).status === 0;

async function damagedDatabase(): Promise<{ dbPath: string; files: number }> {
  const dir = tempDir();
  const dbPath = join(dir, 'damaged.db');
  await initialize(contextFor(dbPath));
  seedFiles(dbPath, 2000);
  const pages = Number(sqlite3(dbPath, 'PRAGMA page_count'));
  const fd = openSync(dbPath, 'r+');
  for (const page of [Math.floor(pages / 2), Math.floor(pages / 2) + 3]) writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, page * 4096);
  closeSync(fd);
  return { dbPath, files: 2000 };
}

describe('salvage', () => {
  it(shellRecovers ? 'recovers the readable rows of a damaged file into a new one, never writing to the damaged file' : 'says exactly what is missing where no SQLite recovery is available, and writes nothing', async () => {
    const { dbPath, files } = await damagedDatabase();
    const out = join(tempDir(), 'salvaged.db');
    const before = sha256File(dbPath);
    const folderBefore = readdirSync(join(dbPath, '..')).sort();
    if (!shellRecovers) {
      await expect(salvage(contextFor(dbPath), { out })).rejects.toMatchObject({
        code: 'NOT_SUPPORTED',
        message: expect.stringContaining('built without the sqlite_dbpage virtual table its .recover command reads pages with'),
        hint: expect.stringContaining('Restore the newest verified backup'),
      });
      expect(existsSync(out)).toBe(false);
      expect(readdirSync(join(out, '..'))).toEqual([]);
    } else {
      const report = await salvage(contextFor(dbPath), { out });
      expect(sqlite3(out, 'PRAGMA integrity_check')).toBe('ok');
      const salvaged = Number(sqlite3(out, 'SELECT count(*) FROM conversation_files'));
      expect(report.tables.find((t) => t.name === 'conversation_files')?.salvaged).toBe(salvaged);
      expect(salvaged).toBeGreaterThan(files * 0.9); // two damaged pages hold far fewer than a tenth of the rows
      expect(salvaged).toBeLessThanOrEqual(files);
    }
    expect(sha256File(dbPath)).toBe(before);
    expect(readdirSync(join(dbPath, '..')).sort()).toEqual(folderBefore);
  });

  it('refuses to write over an existing file', async () => {
    const { dbPath } = await damagedDatabase();
    const out = join(tempDir(), 'taken.db');
    writeFileSync(out, 'keep me');
    await expect(salvage(contextFor(dbPath), { out })).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    expect(spawnSync('cat', [out], { encoding: 'utf8' }).stdout).toBe('keep me');
  });
});
