import { describe, expect, it } from 'vitest';
import type { Progress } from '../../../shared/types/jobs';
import { job } from '../test/fixtures';
import { progressLine } from './job-progress-text';

const NOW = Date.parse('2026-12-07T12:00:00Z');
const step = (done: number, total: number, phase = 'applying 1.1.0 access log reference type'): Progress => ({ operation: 'migrate', phase, done, total });

describe('progressLine (issue 26: no "0 of 1")', () => {
  it('names the step under way, never "0 of N", and says nothing of a single step', () => {
    expect(progressLine(step(0, 1), null, NOW)).toBe('applying 1.1.0 access log reference type');
    expect(progressLine(step(0, 2), null, NOW)).toBe('applying 1.1.0 access log reference type · step 1 of 2');
    expect(progressLine(step(1, 2), null, NOW)).toBe('applying 1.1.0 access log reference type · step 2 of 2');
    expect(progressLine(step(3, 3, 'done'), null, NOW)).toBe('done'); // never "done · 3 of 3 done"
  });

  it('gives pages with their size, and the time left in hours past an hour', () => {
    const pages: Progress = { operation: 'backup', phase: 'copying pages', done: 1000, total: 400_000, unit: 'pages', pageSize: 4096 };
    const running = job({ progress: pages, phaseStartedAt: new Date(NOW - 10_000).toISOString(), phaseStartDone: 0 });
    // 1,000 pages in 10 s: 399,000 left take 3,990 s, 1 h 7 min.
    expect(progressLine(pages, running, NOW)).toBe('copying pages · 1,000 of 400,000 pages (3.9 MB of 1.5 GB) · about 1 h 7 min left');
  });
});
