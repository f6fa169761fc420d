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
