import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './engine/test-support/fixtures';

// Each folder says where its code runs (STYLE.md): keep the imports honest.

interface Import {
  file: string;
  from: string;
  /** Where a relative import lands, from the repository's root (without extension); null for a package. */
  to: string | null;
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
    return [...text.matchAll(/^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm)].map((m) => {
      const from = m[3] ?? m[4];
      const to = from.startsWith('.') ? relative(REPO_ROOT, resolve(dirname(path), from)).replace(/\.(ts|tsx)$/, '') : null;
      return { file, from, to, typeOnly: Boolean(m[2]) };
    });
  });
}

const crosses = (imports: Import[], forbidden: RegExp) => imports.filter((i) => forbidden.test(i.from)).map((i) => `${i.file} imports ${i.from}`);
const lands = (imports: Import[], forbidden: RegExp) => imports.filter((i) => i.to !== null && forbidden.test(i.to)).map((i) => `${i.file} imports ${i.from}`);

describe('import boundaries', () => {
  it('shared/ imports nothing of ours outside shared/', () => {
    expect(crosses(importsOf('shared'), /^\.\.\//)).toEqual([]);
  });

  it('the engine never imports a host or Electron', () => {
    const engine = importsOf('electron/engine');
    expect([...lands(engine, /^electron\/(api|server|main|preload|cli|fleet)\//), ...crosses(engine, /^electron$/)]).toEqual([]);
  });

  it('code outside the engine reaches it only through its face (electron/engine/index.ts)', () => {
    const outside = ['electron/api', 'electron/server', 'electron/main', 'electron/cli', 'electron/fleet', 'electron/reliability', 'bench', 'scripts'].flatMap(importsOf);
    expect(lands(outside, /^electron\/engine\/(?!index$)/)).toEqual([]);
  });

  it('nothing in the engine core imports its actions: the machinery never depends on an action', () => {
    expect(lands(importsOf('electron/engine/core'), /^electron\/engine\/(actions|verbs|index)\b/)).toEqual([]);
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
