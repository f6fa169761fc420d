import { describe, expect, it } from 'vitest';
import type { BackupInfo } from '../../../../shared/types/backups';
import { byteTicks, growthPoints } from './growth';

const backup = (createdAt: string, bytes: number, reason: BackupInfo['reason']) => ({ createdAt, bytes, reason }) as BackupInfo;

describe('growthPoints', () => {
  it('puts the backups in time order and ends with the file now', () => {
    const points = growthPoints([backup('2026-12-02T10:00:00.000Z', 3000, 'pre-migrate'), backup('2026-12-01T10:00:00.000Z', 2000, 'manual')], {
      at: Date.parse('2026-12-03T10:00:00.000Z'),
      bytes: 4000,
    });
    expect(points).toEqual([
      { at: Date.parse('2026-12-01T10:00:00.000Z'), bytes: 2000, what: 'backup taken by hand' },
      { at: Date.parse('2026-12-02T10:00:00.000Z'), bytes: 3000, what: 'backup before a migration' },
      { at: Date.parse('2026-12-03T10:00:00.000Z'), bytes: 4000, what: 'now' },
    ]);
  });
});

describe('byteTicks', () => {
  it('steps in round numbers of the unit the largest value reads in, past the largest', () => {
    expect(byteTicks(48 * 1024 * 1024)).toEqual([0, 20, 40, 60].map((n) => n * 1024 * 1024));
    expect(byteTicks(700 * 1024)).toEqual([0, 200, 400, 600, 800].map((n) => n * 1024));
    expect(byteTicks(3 * 1024 ** 3)).toEqual([0, 1, 2, 3].map((n) => n * 1024 ** 3));
    expect(byteTicks(900)).toEqual([0, 500, 1000]);
    expect(byteTicks(0)).toEqual([0]);
  });
});
