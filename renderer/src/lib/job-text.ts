import type { ApiResults } from '../../../shared/api-results';
import { FLEET_JOB_DB, type Job, type JobKind } from '../../../shared/types';
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
};

export function jobTitle(job: Job): string {
  if (job.kind === 'verify') return job.options.level === 'full' ? 'Full integrity check' : 'Quick integrity check';
  if (job.kind === 'migrate' && typeof job.options.to === 'string') return `Migration to ${job.options.to}`;
  if (job.kind === 'rehearse' && typeof job.options.to === 'string') return `Rehearsal of ${job.options.to}`;
  if (job.kind === 'fleetMigrate' && typeof job.options.to === 'string') return `Rolling migrate to ${job.options.to}`;
  if (job.kind === 'query' && typeof job.options.sql === 'string') {
    const sql = job.options.sql.replace(/\s+/g, ' ').trim();
    return `Query: ${sql.length > 40 ? `${sql.slice(0, 40)}…` : sql}`;
  }
  return KINDS[job.kind].label;
}

export function jobView(job: Job): ViewId {
  return KINDS[job.kind].view;
}

/** Where a job is seen: its database's view, or the Fleet page for a rollout. */
export function jobHref(job: Job): string {
  return job.db === FLEET_JOB_DB && job.kind === 'fleetMigrate' ? FLEET_HREF : hrefFor(job.db, jobView(job));
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
      return `${plural(r.tables.reduce((sum, t) => sum + t.copied, 0), 'row')} copied back`;
    }
    case 'salvage': {
      const r = result as ApiResults['salvage'];
      return `${plural(r.tables.reduce((sum, t) => sum + (t.salvaged ?? 0), 0), 'row')} salvaged into a new file`;
    }
    case 'query':
      return 'Done';
    case 'fleetMigrate': {
      const r = result as ApiResults['fleetMigrate'];
      const at = r.deployments.filter((d) => d.version === r.to).length;
      return r.outcome === 'completed' ? `All ${plural(r.deployments.length, 'deployment')} at ${r.to}` : `Halted: ${at} of ${r.deployments.length} at ${r.to}`;
    }
  }
}

/** How a job ended, for its mark: a rolling migrate that halted ended as planned, but not well. */
export function jobEnding(job: Job): Exclude<Job['state'], 'running'> | 'halted' {
  if (job.kind === 'fleetMigrate' && job.state === 'done' && (job.result as ApiResults['fleetMigrate'] | null)?.outcome === 'halted') return 'halted';
  return job.state === 'running' ? 'done' : job.state;
}

/** How a job ended, in a few words ('' while it runs). */
export function jobOutcome(job: Job): string {
  if (job.state === 'done') return doneSummary(job);
  if (job.state === 'cancelled') return 'Cancelled';
  if (job.state === 'failed') return job.error?.message ?? 'Failed';
  return '';
}

/** The person in "alice via warden serve (ops@vm1, pid 7)", or the user@host of "ops@vm1 (pid 7)". */
export function startedByName(job: Job): string {
  return job.startedBy.replace(/ via .*$/, '').replace(/ \(pid \d+\)$/, '');
}
