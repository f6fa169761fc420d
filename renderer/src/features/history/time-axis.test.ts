import { describe, expect, it } from 'vitest';
import { clusterItems, timeTicks } from './time-axis';

describe('timeTicks', () => {
  it('steps in round seconds, minutes, hours or days, never more than asked, each inside the span', () => {
    const start = Date.UTC(2026, 11, 7, 13, 3, 22);
    for (const [span, most] of [
      [40_000, 6],
      [25 * 60_000, 6],
      [9 * 3_600_000, 8],
      [45 * 86_400_000, 6],
      [3 * 365 * 86_400_000, 5],
    ]) {
      const ticks = timeTicks(start, start + span, most);
      expect(ticks.length, `${span}`).toBeGreaterThan(0);
      expect(ticks.length, `${span}`).toBeLessThanOrEqual(most);
      for (const t of ticks) {
        expect(t.at).toBeGreaterThanOrEqual(start);
        expect(t.at).toBeLessThanOrEqual(start + span);
      }
      const steps = new Set(ticks.slice(1).map((t, i) => t.at - ticks[i].at));
      expect(steps.size, `${span}`).toBeLessThanOrEqual(1);
    }
  });

  it('labels seconds when the step is under a minute, minutes under a day, and dates beyond', () => {
    const start = new Date(2026, 11, 7, 13, 3, 22).getTime();
    expect(timeTicks(start, start + 40_000, 6)[0].label).toMatch(/^13:03:30$/);
    expect(timeTicks(start, start + 3_600_000, 6)[0].label).toMatch(/^13:10$/);
    expect(timeTicks(start, start + 20 * 86_400_000, 6)[0].label).toMatch(/^2026-12-\d\d$/);
  });
});

describe('clusterItems', () => {
  it('gathers items drawn closer than the gap, so no two markers overlap', () => {
    const items = [0, 5, 9, 30, 31, 70].map((at) => ({ at }));
    const clusters = clusterItems(items, (at) => at * 2, 20);
    expect(clusters.map((c) => [c.x, c.items.map((i) => i.at)])).toEqual([
      [0, [0, 5, 9]],
      [60, [30, 31]],
      [140, [70]],
    ]);
    for (let i = 1; i < clusters.length; i++) expect(clusters[i].x - clusters[i - 1].x).toBeGreaterThanOrEqual(20);
  });
});
