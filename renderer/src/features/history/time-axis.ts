// The time axis of the timeline: round ticks for any span, and the items of a lane gathered where
// they would be drawn on top of each other.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const STEPS = [
  SECOND,
  2 * SECOND,
  5 * SECOND,
  10 * SECOND,
  15 * SECOND,
  30 * SECOND,
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
  14 * DAY,
  30 * DAY,
  91 * DAY,
  182 * DAY,
  365 * DAY,
];

const pad = (n: number) => String(n).padStart(2, '0');

function tickLabel(at: number, step: number): string {
  const d = new Date(at);
  if (step >= DAY) return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return step < MINUTE ? `${time}:${pad(d.getSeconds())}` : time;
}

/** Ticks at a round step (local time), at most `most` of them between start and end. */
export function timeTicks(start: number, end: number, most: number): { at: number; label: string }[] {
  const span = Math.max(end - start, 1);
  const step = STEPS.find((s) => span / s <= most) ?? STEPS[STEPS.length - 1];
  // Local midnight is the grid's origin, so hours and days fall on round local times.
  const offset = new Date(start).getTimezoneOffset() * MINUTE;
  const first = Math.ceil((start - offset) / step) * step + offset;
  const ticks: { at: number; label: string }[] = [];
  for (let at = first; at <= end; at += step) ticks.push({ at, label: tickLabel(at, step) });
  return ticks;
}

export interface Cluster<T> {
  /** Where the cluster is drawn: its first item's place. */
  x: number;
  items: T[];
}

/** Items (oldest first) gathered while each is closer than `gap` to the cluster's first one: no two clusters overlap. */
export function clusterItems<T extends { at: number }>(items: T[], x: (at: number) => number, gap: number): Cluster<T>[] {
  const clusters: Cluster<T>[] = [];
  for (const item of items) {
    const at = x(item.at);
    const last = clusters[clusters.length - 1];
    if (last && at - last.x < gap) last.items.push(item);
    else clusters.push({ x: at, items: [item] });
  }
  return clusters;
}
