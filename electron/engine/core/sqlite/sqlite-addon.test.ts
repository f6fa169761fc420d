import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { newConnection, useSqliteAddon } from './sqlite-addon';
import { tempDir } from '../../test-support/fixtures';

const NODE_BUILD = join(dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json')), 'build/Release/better_sqlite3.node');

afterEach(() => useSqliteAddon(undefined));

describe('the SQLite addon for this runtime', () => {
  it('is loaded from the path the host gives (the Electron host gives its own build)', () => {
    useSqliteAddon(NODE_BUILD);
    const db = newConnection(':memory:');
    expect(db.prepare('SELECT 40 + 2 AS answer').get()).toEqual({ answer: 42 });
    db.close();
  });

  it('fails to load a build that does not fit the runtime (the hosts explain ERR_DLOPEN_FAILED)', () => {
    const wrongBuild = join(tempDir(), 'better_sqlite3.node');
    writeFileSync(wrongBuild, 'built for another ABI');
    useSqliteAddon(wrongBuild);
    expect(() => newConnection(':memory:')).toThrow(expect.objectContaining({ code: 'ERR_DLOPEN_FAILED' }));
  });
});
