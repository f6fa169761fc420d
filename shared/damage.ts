import type { DamagedPage } from './types/integrity';

/**
 * Damage that rebuilding indexes fixes (issue 21): some index is named, and every place SQLite's
 * check named is an index's. Findings it placed nowhere ("database disk image is malformed", the
 * check stopping) do not count against it: the rebuild is confirmed by integrity_check before it commits.
 */
export function onlyIndexesDamaged(damage: DamagedPage[]): boolean {
  const placed = damage.filter((d) => d.object !== null || d.page !== null || d.objectType !== null);
  return placed.length > 0 && placed.every((d) => d.objectType === 'index' && d.object !== null);
}

/** The damaged indexes, once each, in the order SQLite named them. */
export function damagedIndexes(damage: DamagedPage[]): string[] {
  return [...new Set(damage.filter((d) => d.objectType === 'index' && d.object !== null).map((d) => d.object!))];
}
