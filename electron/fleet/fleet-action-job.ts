import type { ValidInput } from '../../shared/contract';
import type { FleetActionEntry, FleetActionReport } from '../../shared/types/fleet';
import type { Progress } from '../../shared/types/jobs';
import type { HostContext } from '../api/host-context';
import { fleetBackup, fleetVerify, type FleetActionWatch } from './fleet-actions';
import type { Fleet } from './fleet-file';
import { runFleetJob } from './fleet-job';

// Verify all and Back up all from the console's Fleet page (`warden serve --fleet FILE`): the
// CLI's `fleet verify` / `fleet backup`, kept as a host job (the Jobs panel lists it and cancels
// it; a console that reloads finds it), each deployment's live step pushed as the job's progress.

export type FleetActionKind = 'fleetVerify' | 'fleetBackup';

/** The job's progress: how many deployments are settled (done or not done), and where each is. */
export function fleetActionProgress(kind: FleetActionKind, entries: FleetActionEntry[], group: string | undefined): Progress {
  const settled = entries.filter((e) => e.step === 'done' || e.step === 'not done').length;
  const which = group === undefined ? 'every deployment' : `the ${group} group`;
  const phase = kind === 'fleetVerify' ? `Verifying ${which}` : `Backing up ${which}`;
  return { operation: kind, phase, done: settled, total: entries.length, fleetAction: entries };
}

export function runFleetAction<K extends FleetActionKind>(
  host: HostContext,
  fleet: Fleet,
  defaultSchemaDir: string,
  kind: K,
  input: ValidInput<K>,
  operator: string | undefined,
): Promise<FleetActionReport> {
  const { operationId, ...options } = input;
  return runFleetJob(host, fleet, { kind, operationId, group: input.group, options, operator }, ({ deployments, signal, report }) => {
    const watch: FleetActionWatch = {
      signal,
      stopWith: 'Cancel in the Jobs panel',
      onChange: (entries) => report(fleetActionProgress(kind, entries, input.group)),
    };
    // Local files run in this host's engine workers; each deployment acts for the operator who started it.
    const clientOptions = { defaultSchemaDir, engine: host.engine, operator };
    const say = () => undefined; // the console follows onChange; the lines are the CLI's
    return kind === 'fleetVerify'
      ? fleetVerify(fleet, deployments, (input as ValidInput<'fleetVerify'>).level, input.parallel, clientOptions, say, watch)
      : fleetBackup(fleet, deployments, input.parallel, clientOptions, say, watch);
  });
}
