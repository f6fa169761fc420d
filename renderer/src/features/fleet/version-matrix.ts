import type { DeploymentStatus } from '../../../../shared/types/fleet';
import { compareVersionNames } from './version-names';

// The Fleet page's version matrix: every deployment against every version the fleet knows (one a
// deployment is at, has pending, or has as its schema's latest), each cell where the deployment
// stands to that version. A deployment whose version is not known (unreachable, locked, still
// waiting) gets no relation at all: it is said as such, never guessed.

export type Standing = 'behind' | 'at' | 'ahead';

/** Every version any deployment is at, has pending or names as its latest, oldest first. */
export function fleetVersions(deployments: DeploymentStatus[]): string[] {
  const versions = new Set(deployments.flatMap((d) => [d.version, ...d.pending, d.latest].filter((v): v is string => v !== null)));
  return [...versions].sort(compareVersionNames);
}

/** Whether the deployment's version is known: not for one that could not be asked, is locked or has not answered. */
export function versionKnown(d: DeploymentStatus): boolean {
  return d.status !== 'unreachable' && d.status !== 'locked' && d.status !== 'waiting';
}

/** Where `d` stands to `version`; a deployment with no version yet (not initialized) is behind every one. */
export function standing(d: DeploymentStatus, version: string): Standing {
  if (d.version === null) return 'behind';
  const order = compareVersionNames(d.version, version);
  return order < 0 ? 'behind' : order === 0 ? 'at' : 'ahead';
}

/** The newest version the fleet knows: the highest of the deployments' latest (their schemas' newest). */
export function newestKnown(deployments: DeploymentStatus[]): string | null {
  return (
    deployments
      .flatMap((d) => (d.latest === null ? [] : [d.latest]))
      .sort(compareVersionNames)
      .at(-1) ?? null
  );
}
