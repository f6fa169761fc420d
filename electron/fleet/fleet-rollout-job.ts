import type { ValidInput } from '../../shared/contract';
import type { RolloutDeployment, RolloutOutcome, RolloutReport } from '../../shared/types/fleet';
import type { Progress } from '../../shared/types/jobs';
import type { HostContext } from '../api/host-context';
import { WardenError } from '../engine';
import type { Fleet } from './fleet-file';
import { runFleetJob } from './fleet-job';
import { rollingMigrate } from './rolling-migrate';

// A rolling migrate started from the console's Fleet page (`warden serve --fleet FILE`): the CLI's
// rollingMigrate, kept as a host job (the Jobs panel lists it and cancels it; a console that
// reloads finds it), each deployment's live outcome pushed as the job's progress.

/** Outcomes after which nothing more happens to a deployment in this rollout. */
const SETTLED: ReadonlySet<RolloutOutcome> = new Set([
  'already at target',
  'rehearsal failed',
  'not started',
  'migrated',
  'migrate failed',
  'verify failed',
  'unreachable',
]);

/** The job's progress: the rehearsals first (how many have ended), then the migrations (how many deployments are settled). */
export function rolloutProgress(deployments: RolloutDeployment[]): Progress {
  const rehearsing = deployments.some((d) => d.outcome === 'waiting' || d.outcome === 'rehearsing');
  const done = rehearsing
    ? deployments.filter((d) => d.outcome !== 'waiting' && d.outcome !== 'rehearsing').length
    : deployments.filter((d) => SETTLED.has(d.outcome)).length;
  const canary = deployments.find((d) => d.canary);
  const phase = rehearsing
    ? 'Rehearsing on every deployment'
    : canary && !SETTLED.has(canary.outcome)
      ? `Migrating the canary, ${canary.name}`
      : 'Migrating the rest';
  return { operation: 'fleetMigrate', phase, done, total: deployments.length, deployments };
}

export async function runFleetRollout(
  host: HostContext,
  fleet: Fleet,
  defaultSchemaDir: string,
  input: ValidInput<'fleetMigrate'>,
  operator: string | undefined,
): Promise<RolloutReport> {
  // One rollout per host at a time: two would rehearse and migrate the same deployments side by side, each halting on the other's work.
  const running = host.jobs.list().find((j) => j.kind === 'fleetMigrate' && j.state === 'running');
  if (running) {
    const to = (running.options as { to?: string }).to;
    throw new WardenError(
      'ALREADY_EXISTS',
      `A rolling migrate is already under way on this host: to ${to}, started by ${running.startedBy} at ${running.startedAt}. A second one is not started.`,
      'Wait for it to end (the Jobs panel shows it), or cancel it there, then start again.',
      { jobId: running.id },
    );
  }
  const { operationId, to, canary, parallel, group, deployments: only } = input;
  return runFleetJob(
    host,
    fleet,
    { kind: 'fleetMigrate', operationId, group, only, options: { to, canary, parallel, group, deployments: only }, operator },
    ({ deployments, signal, report }) =>
      rollingMigrate(
        fleet,
        deployments,
        {
          to,
          canary,
          parallel,
          signal,
          stopWith: 'Cancel in the Jobs panel',
          onProgress: () => undefined,
          onChange: (entries) => report(rolloutProgress(entries)),
        },
        // Local files run in this host's engine workers; each deployment acts for the operator who started the rollout.
        { defaultSchemaDir, engine: host.engine, operator },
      ),
  );
}
