import { execFileSync } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { seededRandom } from '../../../shared/seeded-random';

// Free of vitest, so that the Playwright specs can break a file the same way.

/** 20 pages of the middle third overwritten with garbage, as a failing disk or a stray write would. */
export function damageMiddlePages(path: string, seed = 7): void {
  const pages = Number(execFileSync('sqlite3', [path, 'PRAGMA page_count'], { encoding: 'utf8' }).trim());
  const fd = openSync(path, 'r+');
  const random = seededRandom(seed);
  for (let k = 0; k < 20; k++) {
    const page = Math.floor(pages / 3 + random() * (pages / 3));
    writeSync(fd, Buffer.from(Array.from({ length: 4096 }, () => Math.floor(random() * 256))), 0, 4096, page * 4096);
  }
  closeSync(fd);
}

export interface PlacedPage {
  page: number;
  pageType: string;
}

/** The pages of a table or index, as the sqlite3 shell's dbstat lists them in the intact file (the referee for page ownership). */
export function pagesOf(path: string, name: string): PlacedPage[] {
  const out = execFileSync('sqlite3', [path, `SELECT pageno || '|' || pagetype FROM dbstat WHERE name = '${name.replace(/'/g, "''")}' ORDER BY pageno`], {
    encoding: 'utf8',
  }).trim();
  return out ? out.split('\n').map((line) => ({ page: Number(line.split('|')[0]), pageType: line.split('|')[1] })) : [];
}

function pageSizeOf(path: string): number {
  return Number(execFileSync('sqlite3', [path, 'PRAGMA page_size'], { encoding: 'utf8' }).trim());
}

/** Overwrites a whole page (1-based) with seeded garbage, as a failing disk would. */
export function overwritePage(path: string, page: number, seed = 11): void {
  const pageSize = pageSizeOf(path);
  const random = seededRandom(seed + page);
  const fd = openSync(path, 'r+');
  writeSync(fd, Buffer.from(Array.from({ length: pageSize }, () => Math.floor(random() * 256))), 0, pageSize, (page - 1) * pageSize);
  closeSync(fd);
}

/** Overwrites the `nth` leaf page of a table or index (found with dbstat in the intact file); returns its page number. */
export function damageLeafOf(path: string, name: string, nth = 1): number {
  const leaves = pagesOf(path, name).filter((p) => p.pageType === 'leaf');
  if (leaves.length === 0) throw new Error(`${name} has no leaf page in ${path}`);
  const { page } = leaves[Math.min(nth, leaves.length - 1)];
  overwritePage(path, page);
  return page;
}
