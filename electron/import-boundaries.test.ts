import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './engine/test-support/fixtures';

// The one import boundary the linter cannot tell: biome's rules do not tell a type-only import from
// one that loads the module. The others are in biome.json, held to it by house-rules.test.ts.

function engineSources(dir = join(REPO_ROOT, 'electron/engine')): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return entry === 'test-support' ? [] : engineSources(path);
    return /\.ts$/.test(entry) && !/\.test\.ts$/.test(entry) ? [path] : [];
  });
}

describe('import boundaries', () => {
  it('the engine loads SQLite only through sqlite-addon.ts, so the Electron host can swap the native build (type-only imports allowed)', () => {
    const loading = engineSources()
      .filter((path) => !path.endsWith('sqlite-addon.ts') && /^\s*import\s+(?!type\b)[^'"]*from\s+['"]better-sqlite3['"]/m.test(readFileSync(path, 'utf8')))
      .map((path) => relative(REPO_ROOT, path));
    expect(loading).toEqual([]);
  });
});
