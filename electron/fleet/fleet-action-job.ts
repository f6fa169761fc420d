import { randomUUID } from 'node:crypto';
import type { ValidInput } from '../../shared/contract';
import type { FleetActionEntry, FleetActionReport } from '../../shared/fleet-types';
import { FLEET_JOB_DB, type Progress } from '../../shared/types';
import { errorInfoOf } from '../api/error-info';
import type { HostContext } from '../api/host-context';
import { actorFor } from '../engine/actor';
import { WardenError } from '../engine/errors';
import { fleetBackup, fleetVerify, type FleetActionWatch } from './fleet-actions';
import type { Fleet } from './fleet-file';
import { inGroup } from './fleet-status';

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

export async function runFleetAction<K extends FleetActionKind>(host: HostContext, fleet: Fleet, defaultSchemaDir: string, kind: K, input: ValidInput<K>, operator: string | undefined): Promise<FleetActionReport> {
  const deployments = inGroup(fleet, input.group);
  if (deployments.length === 0) {
    throw new WardenError('INVALID_INPUT', `The fleet file has no deployment in the group "${input.group}".`, 'Pick another group on the Fleet page.', { field: 'group' });
  }
  const id = input.operationId ?? `job-${randomUUID()}`;
  const operation = host.operations.start(id);
  const { operationId: _id, ...options } = input;
  const job = host.jobs.start({ id, kind, db: FLEET_JOB_DB, options, startedBy: actorFor(operator) });
  const watch: FleetActionWatch = {
    signal: operation.signal,
    stopWith: 'Cancel in the Jobs panel',
    onChange: (entries) => {
      const progress = fleetActionProgress(kind, entries, input.group);
      job.progress(progress);
      host.emit({ type: 'progress', operationId: id, db: FLEET_JOB_DB, progress });
    },
  };
  // Local files run in this host's engine workers; each deployment acts for the operator who started it.
  const clientOptions = { defaultSchemaDir, engine: host.engine, operator };
  const say = () => undefined; // the console follows onChange; the lines are the CLI's
  try {
    const report =
      kind === 'fleetVerify'
        ? await fleetVerify(fleet, deployments, (input as ValidInput<'fleetVerify'>).level, input.parallel, clientOptions, say, watch)
        : await fleetBackup(fleet, deployments, input.parallel, clientOptions, say, watch);
    job.done(report);
    return report;
  } catch (err) {
    job.failed(errorInfoOf(err));
    throw err;
  } finally {
    operation.finish();
  }
}
