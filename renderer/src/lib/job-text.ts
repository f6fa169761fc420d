import type { ApiResults } from '../../../shared/api-results';
import type { FleetActionReport } from '../../../shared/types/fleet';
import { FLEET_JOB_DB, FLEET_JOB_KINDS, type Job, type JobKind } from '../../../shared/types/jobs';
import { formatBytes, plural } from './format';
import { HEALTH } from './health-labels';
import { FLEET_HREF, hrefFor, type ViewId } from './routes';

// A job in the console's words: what it is, which view it belongs to, and how it ended.

const KINDS: Record<JobKind, { label: string; view: ViewId }> = {
  verify: { label: 'Integrity check', view: 'integrity' },
  initialize: { label: 'Initialize', view: 'overview' },
  migrate: { label: 'Migration', view: 'plan' },
  rehearse: { label: 'Rehearsal', view: 'plan' },
  repair: { label: 'Repair', view: 'integrity' },
  backup: { label: 'Backup', view: 'backups' },
  verifyBackup: { label: 'Backup check', view: 'backups' },
  restore: { label: 'Restore', view: 'backups' },
  recoverRows: { label: 'Row recovery', view: 'integrity' },
  salvage: { label: 'Salvage', view: 'integrity' },
  query: { label: 'Query', view: 'data' },
  fleetMigrate: { label: 'Rolling migrate', view: 'overview' },
  fleetVerify: { label: 'Verify all', view: 'overview' },
  fleetBackup: { label: 'Back up all', view: 'overview' },
};

/** " in staging" for a fleet job limited to a group. */
const inGroupText = (job: Job) => (typeof job.options.group === 'string' ? ` in ${job.options.group}` : '');

/** How a Verify all or Back up all came out: "6 verified: 4 healthy, 2 unhealthy", "Stopped: 2 of 6 backed up". */
export function fleetActionOutcome(report: FleetActionReport): string {
  const total = report.deployments.length + report.notDone.length;
  const did = report.action === 'verify' ? 'verified' : 'backed up';
  if (report.stoppedBecause) {
    const ok =
      report.action === 'verify'
        ? report.deployments.filter((d) => d.status !== 'unreachable' && d.status !== 'locked').length
        : report.deployments.filter((d) => d.backedUp).length;
    return `Stopped: ${ok} of ${total} ${did}`;
  }
  if (report.action === 'backup') {
    const unreachable = report.deployments.filter((d) => d.status === 'unreachable' && !d.backedUp).length;
    const locked = report.deployments.filter((d) => d.status === 'locked' && !d.backedUp).length;
    const failed = report.deployments.filter((d) => !d.backedUp).length - unreachable - locked;
    const problems = [failed && `${failed} failed`, unreachable && `${unreachable} unreachable`, locked && `${locked} locked`].filter(Boolean).join(', ');
    return `${total - failed - unreachable - locked} of ${total} backed up${problems ? `; ${problems}` : ''}`;
  }
  const counts = new Map<string, number>();
  for (const d of report.deployments) {
    const label = d.status === 'unreachable' || d.status === 'locked' ? d.status : HEALTH[d.status].label.toLowerCase();
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return `${total} verified: ${[...counts].map(([label, n]) => `${n} ${label}`).join(', ')}`;
}

export function jobTitle(job: Job): string {
  if (job.kind === 'verify') return job.options.level === 'full' ? 'Full integrity check' : 'Quick integrity check';
  if (job.kind === 'migrate' && typeof job.options.to === 'string') return `Migration to ${job.options.to}`;
  if (job.kind === 'rehearse' && typeof job.options.to === 'string') return `Rehearsal of ${job.options.to}`;
  if (job.kind === 'fleetMigrate' && typeof job.options.to === 'string') return `Rolling migrate to ${job.options.to}`;
  if (job.kind === 'fleetVerify') return `Verify all${inGroupText(job)} (${job.options.level === 'full' ? 'full' : 'quick'})`;
  if (job.kind === 'fleetBackup') return `Back up all${inGroupText(job)}`;
  if (job.kind === 'query' && typeof job.options.sql === 'string') {
    const sql = job.options.sql.replace(/\s+/g, ' ').trim();
    return `Query: ${sql.length > 40 ? `${sql.slice(0, 40)}…` : sql}`;
  }
  return KINDS[job.kind].label;
}

export function jobView(job: Job): ViewId {
  return KINDS[job.kind].view;
}

/** Where a job is seen: its database's view, or the Fleet page for a job across the fleet. */
export function jobHref(job: Job): string {
  return job.db === FLEET_JOB_DB && FLEET_JOB_KINDS.has(job.kind) ? FLEET_HREF : hrefFor(job.db, jobView(job));
}

/** How a job that finished well came out, in a few words. */
function doneSummary(job: Job): string {
  const result = job.result;
  if (result === null || typeof result !== 'object') return 'Done';
  switch (job.kind) {
    case 'backup': {
      const r = result as ApiResults['backup'];
      return `${r.name}, ${formatBytes(r.bytes)}`;
    }
    case 'verify': {
      const r = result as ApiResults['verify'];
      return HEALTH[r.status].label;
    }
    case 'initialize':
    case 'migrate': {
      const r = result as ApiResults['migrate'];
      return r.upToDate ? `Already at ${r.to}` : `${r.from ?? 'new'} → ${r.to}`;
    }
    case 'rehearse': {
      const r = result as ApiResults['rehearse'];
      return r.ok ? `Passed, reached ${r.reached ?? r.to}` : 'Found problems';
    }
    case 'repair': {
      const r = result as ApiResults['repair'];
      if (r.rebuiltIndexes?.length)
        return `${plural(r.rebuiltIndexes.length, 'damaged index', 'damaged indexes')} rebuilt${r.integrityAfter?.ok ? ', integrity ok' : ''}`;
      if (r.tableDamage) return 'Damaged table pages: nothing written';
      return r.recreated.length ? `${plural(r.recreated.length, 'object')} recreated` : 'Nothing to recreate';
    }
    case 'verifyBackup': {
      const r = result as ApiResults['verifyBackup'];
      return r.ok ? `${r.name} can be trusted` : `${r.name} cannot be trusted`;
    }
    case 'restore': {
      const r = result as ApiResults['restore'];
      return `Restored ${r.restoredFrom.name}`;
    }
    case 'recoverRows': {
      const r = result as ApiResults['recoverRows'];
      return `${plural(
        r.tables.reduce((sum, t) => sum + t.copied, 0),
        'row',
      )} copied back`;
    }
    case 'salvage': {
      const r = result as ApiResults['salvage'];
      return `${plural(
        r.tables.reduce((sum, t) => sum + (t.salvaged ?? 0), 0),
        'row',
      )} salvaged into a new file`;
    }
    case 'query':
      return 'Done';
    case 'fleetMigrate': {
      const r = result as ApiResults['fleetMigrate'];
      const at = r.deployments.filter((d) => d.version === r.to).length;
      const sick = unhealthyAtTarget(r);
      if (r.outcome === 'completed') return `All ${plural(r.deployments.length, 'deployment')} at ${r.to}${sick > 0 ? `; ${sick} unhealthy` : ''}`;
      return `Halted: ${at} of ${r.deployments.length} at ${r.to}`;
    }
    case 'fleetVerify':
    case 'fleetBackup':
      return fleetActionOutcome(result as FleetActionReport);
  }
}

/** How many deployments a rollout left at its target that its last status found unhealthy: the rollout is no success for them. */
function unhealthyAtTarget(report: ApiResults['fleetMigrate']): number {
  return report.deployments.filter((d) => (d.outcome === 'migrated' || d.outcome === 'already at target') && d.health?.status === 'unhealthy').length;
}

/** A verify or backup across the fleet that ran to its end but found (or met) a deployment in trouble. */
function hadProblems(report: FleetActionReport): boolean {
  return report.deployments.some((d) => d.status === 'unreachable' || d.status === 'unhealthy' || d.status === 'locked');
}

/** A check that ran to its end and found something wrong: it is done, but never marked as a success. */
function foundProblems(job: Job): boolean {
  const result = job.result;
  if (result === null || typeof result !== 'object') return false;
  switch (job.kind) {
    case 'verify':
      return (result as ApiResults['verify']).status !== 'healthy';
    case 'rehearse':
      return !(result as ApiResults['rehearse']).ok;
    case 'verifyBackup':
      return !(result as ApiResults['verifyBackup']).ok;
    case 'repair':
      return Boolean((result as ApiResults['repair']).tableDamage) || (result as ApiResults['repair']).integrityAfter?.ok === false;
    case 'fleetMigrate':
      return (result as ApiResults['fleetMigrate']).outcome === 'completed' && unhealthyAtTarget(result as ApiResults['fleetMigrate']) > 0;
    default:
      return false;
  }
}

/**
 * How a job ended, for its mark: a rolling migrate that halted ended as planned, but not well; a
 * Verify all or Back up all that was stopped is cancelled, one that met a deployment in trouble has
 * problems, and so has a check, rehearsal or repair that found some.
 */
export function jobEnding(job: Job): Exclude<Job['state'], 'running'> | 'halted' | 'problems' {
  if (job.state === 'done' && foundProblems(job)) return 'problems';
  if (job.kind === 'fleetMigrate' && job.state === 'done' && (job.result as ApiResults['fleetMigrate'] | null)?.outcome === 'halted') return 'halted';
  if ((job.kind === 'fleetVerify' || job.kind === 'fleetBackup') && job.state === 'done' && job.result) {
    const report = job.result as FleetActionReport;
    if (report.stoppedBecause) return 'cancelled';
    if (hadProblems(report)) return 'problems';
  }
  return job.state === 'running' ? 'done' : job.state;
}

/** How a job ended, in a few words ('' while it runs). */
export function jobOutcome(job: Job): string {
  if (job.state === 'done') return doneSummary(job);
  if (job.state === 'cancelled') return 'Cancelled';
  if (job.state === 'failed') return job.error?.message ?? 'Failed';
  if (job.state === 'interrupted') return ['Interrupted.', ...(job.left ?? [])].join(' ');
  return '';
}

/** The person in "alice via warden serve (ops@vm1, pid 7)", or the user@host of "ops@vm1 (pid 7)". */
export function startedByName(job: Job): string {
  return job.startedBy.replace(/ via .*$/, '').replace(/ \(pid \d+\)$/, '');
}
