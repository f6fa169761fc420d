import type { BackupInfo, BackupReason } from '../../../../shared/types/backups';

// The file's size over time: each backup's manifest records the size of the file it copied and
// when, and the file's size now ends the line.

export interface GrowthPoint {
  at: number;
  bytes: number;
  /** What the point is, in words: "manual backup", "backup before a migration", "now". */
  what: string;
}

const REASONS: Record<BackupReason, string> = {
  manual: 'backup taken by hand',
  scheduled: 'scheduled backup',
  'pre-migrate': 'backup before a migration',
  'pre-repair': 'backup before a repair',
  'pre-restore': 'backup before a restore',
  'pre-recover': 'backup before recovering rows',
  'preserved-damaged': 'copy of the damaged file',
};

/** Backups oldest first (by their time: this is a time axis), then the file now. */
export function growthPoints(backups: BackupInfo[], now: { at: number; bytes: number }): GrowthPoint[] {
  const taken = backups
    .map((b) => ({ at: Date.parse(b.createdAt), bytes: b.bytes, what: REASONS[b.reason] ?? 'backup' }))
    .filter((p) => !Number.isNaN(p.at))
    .sort((a, b) => a.at - b.at);
  return [...taken, { ...now, what: 'now' }];
}

const KB = 1024;
const STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500];

/** Round steps in the unit the largest value is read in (KB, MB, GB): at most `count` + 1 ticks from 0 past `max`. */
export function byteTicks(max: number, count = 4): number[] {
  if (max <= 0) return [0];
  const unit = KB ** Math.max(0, Math.min(3, Math.floor(Math.log(max) / Math.log(KB))));
  const step = unit * (STEPS.find((s) => max / unit / s <= count) ?? STEPS[STEPS.length - 1]);
  const ticks: number[] = [];
  for (let t = 0; t < max + step; t += step) ticks.push(t);
  return ticks;
}
