import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './engine/test-support/fixtures';

// Each folder says where its code runs (STYLE.md): keep the imports honest.

interface Import {
  file: string;
  from: string;
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return entry === 'node_modules' ? [] : sourceFiles(path);
    return /\.(ts|tsx|mjs)$/.test(entry) && !/\.test\.tsx?$/.test(entry) && !path.includes('test-support') ? [path] : [];
  });
}

function importsOf(folder: string): Import[] {
  return sourceFiles(join(REPO_ROOT, folder)).flatMap((path) => {
    const text = readFileSync(path, 'utf8');
    const file = relative(REPO_ROOT, path);
    return [...text.matchAll(/^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm)].map((m) => ({
      file,
      from: m[3] ?? m[4],
      typeOnly: Boolean(m[2]),
    }));
  });
}

const crosses = (imports: Import[], forbidden: RegExp) => imports.filter((i) => forbidden.test(i.from)).map((i) => `${i.file} imports ${i.from}`);

describe('import boundaries', () => {
  it('shared/ imports nothing of ours outside shared/', () => {
    expect(crosses(importsOf('shared'), /^\.\.\//)).toEqual([]);
  });

  it('the engine never imports a host or Electron', () => {
    expect(crosses(importsOf('electron/engine'), /^\.\.\/(api|server|main|preload|cli)\b|^electron$/)).toEqual([]);
  });

  it('the handler table and the HTTP host run without Electron (warden serve needs no binary)', () => {
    expect(crosses([...importsOf('electron/api'), ...importsOf('electron/server'), ...importsOf('electron/cli')], /^electron$|\/main\//)).toEqual([]);
  });

  it('the renderer never imports the main-process side', () => {
    expect(crosses(importsOf('renderer'), /\/electron\/|^electron$|^node:|^better-sqlite3$/)).toEqual([]);
  });

  it('the engine opens SQLite only through sqlite-addon.ts, so the Electron host can swap the native build', () => {
    const direct = importsOf('electron/engine').filter((i) => i.from === 'better-sqlite3' && !i.typeOnly && !i.file.endsWith('sqlite-addon.ts'));
    expect(direct.map((i) => i.file)).toEqual([]);
  });
});
