import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './engine/test-support/fixtures';

// No import cycle among the product's modules, type-only imports counted (issue 23): a cycle makes
// two files one, whatever the folders say. The imports are read by TypeScript's own pre-processor,
// not by a regex, and resolved as the bundlers resolve them (a path without its extension, or a
// folder's index). Tests and their support files are left out: they may import anything.

const ROOTS = ['electron', 'shared', 'renderer/src'];
const EXTENSIONS = ['.ts', '.tsx', '.mts', '/index.ts', '/index.tsx'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return entry === 'node_modules' || entry === 'test-support' || entry === 'test' ? [] : sourceFiles(path);
    return /\.(ts|tsx|mts)$/.test(entry) && !/\.(test|fuzz\.test)\.tsx?$/.test(entry) && !entry.endsWith('.d.ts') ? [path] : [];
  });
}

function resolveImport(from: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null; // a package: not ours
  const base = resolve(dirname(from), specifier.replace(/\?.*$/, ''));
  if (/\.(ts|tsx|mts)$/.test(base) && existsSync(base)) return base;
  for (const extension of EXTENSIONS) if (existsSync(base + extension)) return base + extension;
  return null; // a .css, .json or .mjs file: no imports of ours in it
}

function importGraph(): Map<string, string[]> {
  const files = ROOTS.flatMap((root) => sourceFiles(join(REPO_ROOT, root)));
  return new Map(files.map((file) => {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    return [file, importedFiles.map((i) => resolveImport(file, i.fileName)).filter((target): target is string => target !== null)];
  }));
}

/** Tarjan's strongly connected components: each component of more than one file (or a file importing itself) is a cycle. */
function cyclesOf(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (file: string) => {
    index.set(file, next);
    low.set(file, next++);
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) low.set(file, Math.min(low.get(file)!, index.get(target)!));
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    for (let member = stack.pop()!; ; member = stack.pop()!) {
      onStack.delete(member);
      component.push(member);
      if (member === file) break;
    }
    if (component.length > 1 || (graph.get(file) ?? []).includes(file)) cycles.push(component.map((f) => relative(REPO_ROOT, f)).sort());
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return cycles;
}

describe('imports', () => {
  it('form no cycle, type-only imports included', () => {
    const graph = importGraph();
    expect(graph.size).toBeGreaterThan(200);
    expect(cyclesOf(graph)).toEqual([]);
  });

  it('are found for what they are: a cycle made on purpose is reported', () => {
    // Inside the checkout, so the names are the same wherever it is cloned (a CI clone sits at another depth).
    const [a, b, c, d] = ['a.ts', 'b.ts', 'c.ts', 'd.ts'].map((f) => join(REPO_ROOT, 'electron', f));
    const graph = new Map([[a, [b]], [b, [c]], [c, [a]], [d, [a]]]);
    expect(cyclesOf(graph)).toEqual([['electron/a.ts', 'electron/b.ts', 'electron/c.ts']]);
  });
});
