import semver from 'semver';

// How a schema names its versions (schema.json `versionNames`): semantic versions, compared as
// such (1.10.0 after 1.9.0), or ordered numbers — the timestamps and counters other migration
// tools name their files with (dbmate's 20240101120000, golang-migrate's 3) — compared as numbers,
// or numbers joined by dots as Flyway names them (1, 1.1, 2.0.1), compared part by part as Flyway
// compares them (MigrationVersion: each part a number, missing parts 0, so 1.0 is 1).

export type VersionNames = 'semver' | 'ordered' | 'dotted';

export interface VersionOrder {
  /** Whether `text` is a version name of this kind. */
  valid(text: string): boolean;
  compare(a: string, b: string): number;
  lt(a: string, b: string): boolean;
  lte(a: string, b: string): boolean;
  gt(a: string, b: string): boolean;
  gte(a: string, b: string): boolean;
}

const ORDERED = /^\d+$/;
const DOTTED = /^\d+(\.\d+)*$/;

function compareNumbers(a: string, b: string): number {
  const [x, y] = [BigInt(a), BigInt(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}

function compareDotted(a: string, b: string): number {
  const [x, y] = [a.split('.'), b.split('.')];
  for (let k = 0; k < Math.max(x.length, y.length); k++) {
    const order = compareNumbers(x[k] ?? '0', y[k] ?? '0');
    if (order !== 0) return order;
  }
  return 0;
}

function orderOf(valid: (text: string) => boolean, compare: (a: string, b: string) => number): VersionOrder {
  return {
    valid,
    compare,
    lt: (a, b) => compare(a, b) < 0,
    lte: (a, b) => compare(a, b) <= 0,
    gt: (a, b) => compare(a, b) > 0,
    gte: (a, b) => compare(a, b) >= 0,
  };
}

const SEMVER = orderOf((text) => semver.valid(text) !== null, semver.compare);
const NUMBERS = orderOf((text) => ORDERED.test(text), compareNumbers);
const DOTTED_NUMBERS = orderOf((text) => DOTTED.test(text), compareDotted);

/** A version name of any kind: a semantic version, an ordered number, or numbers joined by dots. */
export function isVersionName(text: string): boolean {
  return SEMVER.valid(text) || DOTTED_NUMBERS.valid(text);
}

/**
 * Orders two version names whose schema is not at hand (another deployment's, an app's own table):
 * as numbers when both are digits or numbers joined by dots ('9' < '10', '1.9' < '1.10'), as
 * semantic versions when both are, else as text.
 */
export function compareVersionNames(a: string, b: string): number {
  if (DOTTED.test(a) && DOTTED.test(b)) return compareDotted(a, b);
  if (semver.valid(a) && semver.valid(b)) return semver.compare(a, b);
  return a < b ? -1 : a > b ? 1 : 0;
}

export function versionOrder(schema: { versionNames: VersionNames }): VersionOrder {
  return { semver: SEMVER, ordered: NUMBERS, dotted: DOTTED_NUMBERS }[schema.versionNames];
}
