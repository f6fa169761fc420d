import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// The renderer runs in a browser sandbox: it reaches the engine only through the contract in
// shared/, never by importing electron/ (or Node). Features stay independent of each other:
// what two of them need lives in components/, queries/, lib/, hooks/ or api/.

const SRC = __dirname;
const IMPORT = /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(IMPORT)].map((m) => m[1] ?? m[2]);
}

const files = sourceFiles(SRC).filter((f) => !/\.test\.tsx?$/.test(f));

describe('renderer import boundaries', () => {
  it('never imports electron/, Electron or Node built-ins', () => {
    const offenders = files.flatMap((file) =>
      importsOf(file)
        .filter((spec) => spec.includes('electron/') || spec === 'electron' || spec.startsWith('node:'))
        .map((spec) => `${relative(SRC, file)} → ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  it('keeps each feature from importing another feature', () => {
    const offenders = files.flatMap((file) => {
      const own = /features\/([^/]+)\//.exec(relative(SRC, file))?.[1];
      if (!own) return [];
      return importsOf(file)
        .filter((spec) => /\.\.\/(?!\.\.)([^/]+)\//.test(spec) && !spec.startsWith('../../'))
        .map((spec) => `${relative(SRC, file)} → ${spec}`);
    });
    expect(offenders).toEqual([]);
  });

  it('has no barrel files', () => {
    expect(files.filter((f) => /\/index\.tsx?$/.test(f)).map((f) => relative(SRC, f))).toEqual([]);
  });

  it('uses test doubles only from tests', () => {
    const offenders = files
      .filter((f) => !relative(SRC, f).startsWith('test/'))
      .flatMap((file) =>
        importsOf(file)
          .filter((spec) => spec.includes('/test/'))
          .map((spec) => `${relative(SRC, file)} → ${spec}`),
      );
    expect(offenders).toEqual([]);
  });
});
