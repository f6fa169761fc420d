import { WardenError } from '../engine';
import type { Deployment, Fleet } from './fleet-file';
import { inGroup } from './fleet-status';

// The deployments a job across the fleet acts on: a group's (or all), and of those only the ones
// the operator kept (the rollout dialog's checkboxes). A name the fleet file does not have there is
// refused before anything starts, never silently dropped.

export function chosenDeployments(fleet: Fleet, group: string | undefined, names: readonly string[] | undefined): Deployment[] {
  const candidates = inGroup(fleet, group);
  if (names === undefined) return candidates;
  const known = new Set(candidates.map((d) => d.name));
  const unknown = [...new Set(names)].filter((name) => !known.has(name));
  if (unknown.length > 0) {
    const where = group === undefined ? 'The fleet file has' : `The group "${group}" of the fleet file has`;
    throw new WardenError(
      'INVALID_INPUT',
      `${where} no deployment named ${unknown.map((n) => `"${n}"`).join(', ')}; nothing was started.`,
      'Press Refresh on the Fleet page (the fleet file may have changed), then choose the deployments again.',
      { field: 'deployments' },
    );
  }
  const wanted = new Set(names);
  return candidates.filter((d) => wanted.has(d.name));
}
