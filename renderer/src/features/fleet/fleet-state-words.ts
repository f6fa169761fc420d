import type { FleetState } from '../../../../shared/types/fleet';
import { HEALTH } from '../../lib/health-labels';

/** A deployment's state in the console's words (the fleet table, the version matrix, the rollout dialog). */
export const STATE_LABEL: Record<FleetState, string> = {
  ...Object.fromEntries(Object.entries(HEALTH).map(([k, v]) => [k, v.label])),
  unreachable: 'Unreachable',
  waiting: 'Waiting',
  locked: 'Locked',
} as Record<FleetState, string>;

/** The dot drawn beside it. */
export function stateDot(state: FleetState) {
  return state === 'unreachable' ? ('error' as const) : state === 'waiting' ? ('unknown' as const) : state;
}
