import { describe, expect, it } from 'vitest';
import { ALL_PAGES, FIRST_STEP_PAGES, stepPacer } from './copy-database';
import { contextFor } from '../../test-support/fixtures';

// The step policy of the online backup, driven with the progress better-sqlite3 reports.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('stepPacer', () => {
  it('starts with a first step, then sizes steps from how long the last one took', async () => {
    const next = stepPacer(contextFor('/db'), 'backup', 'The backup', 1000, 4096);
    expect(next({ totalPages: 1_000_000, remainingPages: 1_000_000 })).toBe(FIRST_STEP_PAGES);
    await sleep(20);
    const second = next({ totalPages: 1_000_000, remainingPages: 1_000_000 - FIRST_STEP_PAGES });
    expect(second).toBeGreaterThanOrEqual(64);
    expect(second).toBeLessThan(FIRST_STEP_PAGES * 10); // ~100 ms worth at the measured pace
  });

  it('copies the rest in one step once SQLite restarts the copy (a writer committed)', () => {
    const next = stepPacer(contextFor('/db'), 'backup', 'The backup', 1000, 4096);
    next({ totalPages: 10_000, remainingPages: 10_000 });
    next({ totalPages: 10_000, remainingPages: 9_000 });
    expect(next({ totalPages: 10_050, remainingPages: 9_026 })).toBe(ALL_PAGES);
    expect(next({ totalPages: 10_050, remainingPages: 5_000 })).toBe(ALL_PAGES);
  });

  it('gives up with LOCKED when no page is copied for longer than the busy timeout', async () => {
    const next = stepPacer(contextFor('/db'), 'restore', 'The restore of /db', 5, 4096);
    next({ totalPages: 100, remainingPages: 100 });
    next({ totalPages: 100, remainingPages: 100 });
    await sleep(15);
    expect(() => next({ totalPages: 100, remainingPages: 100 })).toThrow(
      expect.objectContaining({ code: 'LOCKED', message: expect.stringContaining('The restore of /db could not go on') }),
    );
  });

  it('reports progress, then stops when the operation is cancelled', () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const ctx = contextFor('/db', undefined, { signal: controller.signal, onProgress: (p) => seen.push(p.done) });
    const next = stepPacer(ctx, 'backup', 'The backup', 1000, 4096);
    next({ totalPages: 100, remainingPages: 100 });
    controller.abort();
    expect(() => next({ totalPages: 100, remainingPages: 50 })).toThrow(expect.objectContaining({ code: 'CANCELLED' }));
    expect(seen).toEqual([0, 50]);
  });
});
