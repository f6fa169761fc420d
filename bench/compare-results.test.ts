import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { comparisonSection, previousFigures } from './compare-results';
import type { Row, SideResult } from './figures';

const side = (label: string, ms: number): SideResult => ({ label, ms, bestMs: ms, cpuMs: ms, maxRssKb: 70_000 });

// The previous results as the bench wrote them (a fixed copy, so the test does not move with each rerun).
const PREVIOUS = `Machine:
- 2026-11-26 07:32 UTC, commit 85c944b; load average at start 2.0 1.8 1.6

| figure | database | Schema Warden | reference | ratio (median wall) | ratio (fastest wall) | ratio (CPU) | target | peak RSS: Warden / reference |
| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |
| backup + quick verification, engine call | 400 MB | 1.16 s | 553 ms (sqlite3 DB ".backup OUT") | 2.10× | 1.95× | 2.79× | **misses** ≤ 2× | 73 MB / 8 MB |
| verify quick vs quick_check, CLI process — _process start counted (Node ≈ 60 ms)_ | 400 MB | 526 ms | 663 ms (sqlite3 PRAGMA quick_check;) | 0.79× | 0.79× | 0.82× | — | 76 MB / 6 MB |
| verify full vs integrity_check + foreign_key_check, engine call | 400 MB | 4.81 s | 5.34 s (sqlite3 PRAGMA integrity_check; PRAGMA foreign_key_check;) | 0.90× | 0.90× | 0.90× | meets ≤ 1.2× | 75 MB / 6 MB |
`;

describe('each figure against the previous RESULTS.md', () => {
  it('reads the previous ratio table, notes stripped from the figure names', () => {
    const figures = previousFigures(PREVIOUS);
    expect(figures.size).toBe(3);
    expect([...figures.values()]).toEqual([
      { ms: 1160, ratio: 2.1 },
      { ms: 526, ratio: 0.79 },
      { ms: 4810, ratio: 0.9 },
    ]);
  });

  it('flags a figure whose ratio is more than 20% worse, first, and not one that is better or within 20%', () => {
    const rows: Row[] = [
      { figure: 'backup + quick verification, engine call', database: '400 MB', warden: side('w', 650), reference: side('r', 500) }, // 1.30× from 2.10×: better
      {
        figure: 'verify quick vs quick_check, CLI process',
        database: '400 MB',
        warden: side('w', 600),
        reference: side('r', 600),
        note: 'process start counted',
      }, // 1.00× from 0.79×: +27%
      { figure: 'verify full vs integrity_check + foreign_key_check, engine call', database: '400 MB', warden: side('w', 5000), reference: side('r', 5200) }, // 0.96× from 0.90×: +7%
      { figure: 'a figure new in this run', database: '400 MB', warden: side('w', 10), reference: null },
    ];
    const section = comparisonSection(PREVIOUS, rows);
    expect(section).toContain('(commit 85c944b): **1 figure is** more than 20% worse');
    const table = section.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| figure') && !l.startsWith('| ---'));
    expect(table).toHaveLength(3);
    expect(table[0]).toMatch(/^\| verify quick vs quick_check, CLI process \| 400 MB \| 526 ms \| 600 ms \| 0.79× \| 1.00× \| \*\*\+27% worse\*\* \|$/);
    expect(table[1]).toContain('| +7% |');
    expect(table[2]).toContain('| −38% |');
  });

  it('reads the RESULTS.md in this repository', () => {
    expect(previousFigures(readFileSync(join(import.meta.dirname, 'RESULTS.md'), 'utf8')).size).toBeGreaterThan(20);
  });
});
