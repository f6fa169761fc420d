import type { MethodInput } from '../../../../shared/contract';

// Compare's two sides as the address keeps them: ?a=<deployment>&with=<deployment> or
// ?a=<deployment>&with=expected:<version> (the expected schema at that version).

const EXPECTED = 'expected:';

export type CompareWith = { deployment: string } | { expectedAt: string };

export function withValue(other: CompareWith): string {
  return 'deployment' in other ? other.deployment : `${EXPECTED}${other.expectedAt}`;
}

export function withOf(value: string | null): CompareWith | null {
  if (!value) return null;
  return value.startsWith(EXPECTED) ? { expectedAt: value.slice(EXPECTED.length) } : { deployment: value };
}

export function compareHref(a: string, other: CompareWith): string {
  return `#/fleet/compare?${new URLSearchParams({ a, with: withValue(other) }).toString()}`;
}

export function compareInput(a: string, other: CompareWith): MethodInput<'fleetCompare'> {
  return 'deployment' in other ? { a, b: other.deployment } : { a, expectedAt: other.expectedAt };
}
