// Durations as people write them on a command line or in schema.json: 90s, 30m, 6h, 1d, 2w.

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** Milliseconds of a duration like 6h or 1d, or null when the text is not one. */
export function parseDuration(text: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$/.exec(text);
  if (!match) return null;
  const ms = Math.round(Number(match[1]) * UNITS[match[2]]);
  return ms > 0 && Number.isSafeInteger(ms) ? ms : null;
}

/** A duration in the largest unit up to days that divides it: 7d, 6h, 90s. */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm'] as const) if (ms % UNITS[unit] === 0) return `${ms / UNITS[unit]}${unit}`;
  return `${Math.round(ms / 1000)}s`;
}
