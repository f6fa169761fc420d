import { FLEET_STATE_RANK, type DeploymentStatus, type FleetState, type FleetStatusReport } from '../../shared/types/fleet';
import { newestVerifiedBackup } from '../../shared/newest-verified-backup';
import { compareVersionNames, isVersionName, nowIso } from '../engine';
import { addressOf, plainHttpWarnings, type Deployment, type Fleet } from './fleet-file';
import { connectTo, Unreachable, type ClientOptions, type DeploymentClient } from './deployment-client';
import { lockedReason } from './lock-holder';
import { StatusAsking } from './status-asking';

// `warden fleet status`: every deployment asked at once (a few at a time), then listed worst first,
// after a bounded wait (status-asking.ts): those that have not answered by then are still waiting.

/** How many deployments are asked at the same time. */
export const STATUS_CONCURRENCY = 8;

/** How long a fleet status waits for its deployments before it reports (an agent's own deadline for a read is 20 s). */
export const STATUS_WAIT_MS = 5_000;

export interface StatusWait {
  /** How long to wait for the deployments' answers before reporting (default STATUS_WAIT_MS). */
  waitMs?: number;
  /** A host's asks, kept across reports (a late answer is in the next one); by default this call's own, abandoned once it reports. */
  asking?: StatusAsking;
}

function unreachable(deployment: Deployment, address: string, why: string): DeploymentStatus {
  return {
    name: deployment.name,
    group: deployment.group,
    address,
    status: 'unreachable',
    reason: why,
    version: null,
    latest: null,
    pending: [],
    drift: { errors: 0, warnings: 0, first: null },
    lastVerifiedBackup: null,
    checkedAt: nowIso(),
  };
}

/** One deployment's status through its client; the engine's own errors (a damaged file) make it unhealthy. */
export async function statusThrough(deployment: Deployment, client: DeploymentClient, now: () => number = Date.now): Promise<DeploymentStatus> {
  const base = { name: deployment.name, group: deployment.group, address: client.address };
  let report;
  try {
    report = await client.call('status', {});
  } catch (err) {
    if (err instanceof Unreachable) return unreachable(deployment, client.address, err.message);
    const locked = lockedReason(err, deployment);
    if (locked)
      return {
        ...base,
        status: 'locked',
        reason: locked,
        version: null,
        latest: null,
        pending: [],
        drift: { errors: 0, warnings: 0, first: null },
        lastVerifiedBackup: null,
        checkedAt: nowIso(),
      };
    const problem = err instanceof Error ? err.message : String(err);
    return {
      ...base,
      status: 'unhealthy',
      reason: problem,
      version: null,
      latest: null,
      pending: [],
      drift: { errors: 1, warnings: 0, first: problem },
      lastVerifiedBackup: null,
      checkedAt: nowIso(),
    };
  }
  const backups = report.exists ? await client.call('backups', {}) : [];
  const newest = newestVerifiedBackup(backups);
  const errors = report.problems.filter((p) => p.severity === 'error');
  return {
    ...base,
    status: report.status,
    reason: report.reason,
    version: report.version,
    latest: report.latest,
    pending: report.pending,
    drift: { errors: errors.length, warnings: report.problems.length - errors.length, first: (errors[0] ?? report.problems[0])?.message ?? null },
    lastVerifiedBackup: newest && {
      name: newest.name,
      createdAt: newest.createdAt,
      ageSeconds: Math.max(0, Math.round((now() - Date.parse(newest.createdAt)) / 1000)),
    },
    checkedAt: report.checkedAt,
  };
}

export function worstFirst(a: DeploymentStatus, b: DeploymentStatus): number {
  return FLEET_STATE_RANK[b.status] - FLEET_STATE_RANK[a.status] || a.group.localeCompare(b.group) || a.name.localeCompare(b.name);
}

export function worstOf<S extends FleetState>(states: S[]): S | 'healthy' {
  return states.reduce<S | 'healthy'>((worst, s) => (FLEET_STATE_RANK[s] > FLEET_STATE_RANK[worst] ? s : worst), 'healthy');
}

export async function deploymentStatus(deployment: Deployment, options: ClientOptions): Promise<DeploymentStatus> {
  let client: DeploymentClient;
  try {
    client = await connectTo(deployment, options);
  } catch (err) {
    if (err instanceof Unreachable) return unreachable(deployment, addressOf(deployment), err.message);
    throw err;
  }
  try {
    return await statusThrough(deployment, client);
  } catch (err) {
    // The status came back but the backups did not: the deployment went away between the two calls.
    if (err instanceof Unreachable) return unreachable(deployment, client.address, err.message);
    throw err;
  } finally {
    await client.close();
  }
}

export function inGroup(fleet: Fleet, group: string | undefined): Deployment[] {
  return group === undefined ? fleet.deployments : fleet.deployments.filter((d) => d.group === group);
}

/**
 * A deployment whose own schema folder is older than another's looks current to itself (HEALTHY at
 * 1.1.0, nothing pending): judged against the newest version any deployment of the fleet knows, it
 * is behind, and says so.
 */
export function markBehind(statuses: DeploymentStatus[]): DeploymentStatus[] {
  const known = statuses.map((s) => s.latest).filter((v): v is string => v !== null && isVersionName(v));
  if (known.length === 0) return statuses;
  const newest = known.reduce((a, b) => (compareVersionNames(b, a) > 0 ? b : a));
  return statuses.map((s) => {
    // One whose own folder knows the newest version already says what is pending.
    const ownIsOlder = s.latest !== null && isVersionName(s.latest) && compareVersionNames(s.latest, newest) < 0;
    if (!ownIsOlder || s.version === null || s.status === 'unhealthy' || s.status === 'unreachable' || s.status === 'waiting' || s.status === 'locked')
      return s;
    return {
      ...s,
      status: 'degraded',
      reason: `Behind: at ${s.version}, and the fleet's newest version is ${newest}, which its own schema folder does not know (it knows ${s.latest}): update its schema folder, then migrate. ${s.reason}`,
    };
  });
}

/** The asks of a host that reports again and again (`warden serve --fleet`, the desktop app): the Fleet page polls while one waits. */
export function hostStatusAsking(): StatusAsking {
  return new StatusAsking(STATUS_CONCURRENCY, 'the Fleet page shows its answer when it comes');
}

export async function fleetStatus(fleet: Fleet, deployments: Deployment[], options: ClientOptions, wait: StatusWait = {}): Promise<FleetStatusReport> {
  const started = performance.now();
  const asking = wait.asking ?? new StatusAsking(STATUS_CONCURRENCY, 'give it longer with --wait SECONDS');
  try {
    const answers = await asking.collect(deployments, (d, signal) => deploymentStatus(d, { ...options, signal }), wait.waitMs ?? STATUS_WAIT_MS);
    const statuses = markBehind(answers);
    statuses.sort(worstFirst);
    return {
      fleet: fleet.path,
      deployments: statuses,
      worst: worstOf(statuses.map((s) => s.status)),
      checkedAt: nowIso(),
      durationMs: Math.round(performance.now() - started),
      // What the CLI prints on stderr, for the console's Fleet page (the desktop app's and warden serve --fleet's).
      warnings: plainHttpWarnings(deployments).map((w) => w.replace(/^warning: /, '')),
    };
  } finally {
    if (wait.asking === undefined) asking.abandon();
  }
}
