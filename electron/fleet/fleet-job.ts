import { randomUUID } from 'node:crypto';
import { FLEET_JOB_DB, type JobKind, type Progress } from '../../shared/types/jobs';
import { errorInfoOf } from '../api/error-info';
import type { HostContext } from '../api/host-context';
import { actorFor, WardenError } from '../engine';
import type { Deployment, Fleet } from './fleet-file';
import { chosenDeployments } from './chosen-deployments';

// A job across the fleet, started from the console's Fleet page (verify all, back up all, rolling
// migrate): the group's deployments, an operation that Cancel in the Jobs panel reaches, and a
// host job that keeps the live progress, then the report or the error.

export interface FleetJob<K extends JobKind> {
  kind: K;
  operationId: string | undefined;
  group: string | undefined;
  /** Only these deployments of the group (the rest are left out); undefined: all of them. */
  only?: readonly string[];
  /** What the Jobs panel says it was started with. */
  options: Record<string, unknown>;
  operator: string | undefined;
}

export interface FleetJobRun {
  deployments: Deployment[];
  signal: AbortSignal;
  /** The job's progress now: kept with the job and sent to every console. */
  report(progress: Progress): void;
}

export async function runFleetJob<K extends JobKind, T>(
  host: HostContext,
  fleet: Fleet,
  spec: FleetJob<K>,
  work: (run: FleetJobRun) => Promise<T>,
): Promise<T> {
  const deployments = chosenDeployments(fleet, spec.group, spec.only);
  if (deployments.length === 0) {
    throw new WardenError('INVALID_INPUT', `The fleet file has no deployment in the group "${spec.group}".`, 'Pick another group on the Fleet page.', {
      field: 'group',
    });
  }
  const id = spec.operationId ?? `job-${randomUUID()}`;
  const operation = host.operations.start(id);
  const job = host.jobs.start({ id, kind: spec.kind, db: FLEET_JOB_DB, options: spec.options, startedBy: actorFor(spec.operator) });
  try {
    const result = await work({
      deployments,
      signal: operation.signal,
      report: (progress) => {
        job.progress(progress);
        host.emit({ type: 'progress', operationId: id, db: FLEET_JOB_DB, progress });
      },
    });
    job.done(result);
    return result;
  } catch (err) {
    job.failed(errorInfoOf(err));
    throw err;
  } finally {
    operation.finish();
  }
}
