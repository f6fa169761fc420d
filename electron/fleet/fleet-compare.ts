import type { ValidInput } from '../../shared/contract';
import type { SchemaComparison } from '../../shared/types/fleet';
import { WardenError } from '../engine';
import { compareDeployments } from './compare-deployments';
import { compareWithExpected } from './compare-with-expected';
import { Unreachable, type ClientOptions } from './deployment-client';
import type { Deployment, Fleet } from './fleet-file';

// The console's Compare (`warden fleet compare` on the Fleet page): two deployments of the host's
// fleet file, or one and the expected schema at a version. The CLI's comparison, unchanged; here
// only the choice of sides and the words of a refusal.

function named(fleet: Fleet, name: string): Deployment {
  const found = fleet.deployments.find((d) => d.name === name);
  if (!found)
    throw new WardenError(
      'NOT_FOUND',
      `The fleet file has no deployment named "${name}".`,
      'Press Refresh on the Fleet page: the fleet file may have changed.',
      { field: 'deployment' },
    );
  return found;
}

export async function fleetCompare(fleet: Fleet, input: ValidInput<'fleetCompare'>, options: ClientOptions): Promise<SchemaComparison> {
  if ((input.b === undefined) === (input.expectedAt === undefined)) {
    throw new WardenError('INVALID_INPUT', 'Compare needs one other side: another deployment, or the expected schema at a version (not both).', undefined, {
      field: 'b',
    });
  }
  if (input.b === input.a)
    throw new WardenError('INVALID_INPUT', `${input.a} compared with itself shows nothing: choose another deployment.`, undefined, { field: 'b' });
  const a = named(fleet, input.a);
  try {
    return input.b !== undefined ? await compareDeployments(a, named(fleet, input.b), options) : await compareWithExpected(a, input.expectedAt!, options);
  } catch (err) {
    if (err instanceof Unreachable)
      throw new WardenError(
        'UNREACHABLE',
        `A deployment of the comparison cannot be reached: ${err.message.replace(/\.$/, '')}.`,
        'Check that its agent runs (and its SSH tunnel can be opened), then compare again.',
      );
    throw err;
  }
}
