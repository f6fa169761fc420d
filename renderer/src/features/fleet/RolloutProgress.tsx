import { useMutation } from '@tanstack/react-query';
import type { DeploymentStatus, RolloutDeployment, RolloutOutcome, RolloutReport } from '../../../../shared/types/fleet';
import type { HealthStatus } from '../../../../shared/health-status';
import type { Job } from '../../../../shared/types/jobs';
import { useApi } from '../../api/connection-context';
import { Button } from '../../components/Button';
import { ProgressBar } from '../../components/ProgressBar';
import { useNow } from '../../hooks/use-now';
import { formatAgo, plural } from '../../lib/format';
import { HEALTH } from '../../lib/health-labels';
import { startedByName } from '../../lib/job-text';

// The newest rolling migrate of this host, from its job: each deployment where it is (live while
// it runs, pushed as the job's progress), how it ended, and Cancel while it runs.

type Tone = 'busy' | 'good' | 'bad' | 'warn' | 'idle';

/** The deployment's health as the rollout last read it, else as the fleet's status says now (a report from before the rollout said it). */
function healthOf(d: RolloutDeployment, now: ReadonlyMap<string, DeploymentStatus>): { status: HealthStatus; reason: string } | null {
  if (d.health) return d.health;
  const current = now.get(d.name);
  return current && current.status in HEALTH ? { status: current.status as HealthStatus, reason: current.reason } : null;
}

/** At the target: said with its health, green only when it is known healthy (an unhealthy one at the target is no success). */
function atTarget(text: string, health: { status: HealthStatus } | null): { text: string; tone: Tone } {
  if (health === null) return { text, tone: 'idle' };
  if (health.status === 'healthy') return { text, tone: 'good' };
  const tone: Tone = health.status === 'unhealthy' ? 'bad' : 'warn';
  return { text: `${text}, ${HEALTH[health.status].label.toLowerCase()}`, tone };
}

function outcomeText(d: RolloutDeployment, to: string, running: boolean, now: ReadonlyMap<string, DeploymentStatus>): { text: string; tone: Tone } {
  if (d.outcome === 'migrated') return atTarget(`At ${d.version ?? to}`, healthOf(d, now));
  if (d.outcome === 'already at target') return atTarget(`At ${to} already`, healthOf(d, now));
  const labels: Record<Exclude<RolloutOutcome, 'migrated' | 'already at target'>, { text: string; tone: Tone }> = {
    waiting: { text: 'Waiting', tone: 'idle' },
    rehearsing: { text: 'Rehearsing…', tone: 'busy' },
    rehearsed: { text: running ? 'Rehearsed, waiting its turn' : 'Rehearsed', tone: 'idle' },
    migrating: { text: 'Migrating…', tone: 'busy' },
    verifying: { text: 'Verifying…', tone: 'busy' },
    'rehearsal failed': { text: 'Rehearsal failed', tone: 'bad' },
    'migrate failed': { text: 'Migration failed', tone: 'bad' },
    'verify failed': { text: 'Verify failed', tone: 'bad' },
    unreachable: { text: 'Unreachable', tone: 'bad' },
    'not started': { text: 'Not started: halted', tone: 'idle' },
  };
  return labels[d.outcome];
}

/** The deployments the rollout left at the target but not healthy, with why. */
function unwell(report: RolloutReport | null, now: ReadonlyMap<string, DeploymentStatus>): { name: string; status: HealthStatus; reason: string }[] {
  if (!report) return [];
  return report.deployments.flatMap((d) => {
    const health = d.outcome === 'migrated' || d.outcome === 'already at target' ? healthOf(d, now) : null;
    return health && health.status !== 'healthy' && health.status !== 'not_initialized' ? [{ name: d.name, ...health }] : [];
  });
}

function summary(job: Job, report: RolloutReport | null, notWell: ReturnType<typeof unwell>, someLeftOut: boolean): string {
  if (job.state === 'running') return job.progress?.phase ?? 'Starting…';
  if (job.state === 'failed' || job.state === 'cancelled') return job.error?.message ?? 'It did not run.';
  if (!report) return '';
  if (report.outcome === 'halted') return `Halted: ${report.haltedBecause ?? 'see each deployment'}.`;
  const every = `every deployment${someLeftOut ? ' in it' : ''} is at ${report.to}`;
  if (notWell.length === 0) return `Completed: ${every}.`;
  const sick = notWell.filter((d) => d.status === 'unhealthy');
  const words = notWell.map((d) => `${d.name} is ${HEALTH[d.status].label.toLowerCase()}: ${d.reason.replace(/\.+$/, '')}`).join('; ');
  return `Completed with ${sick.length > 0 ? plural(sick.length, 'unhealthy deployment') : plural(notWell.length, 'deployment needing attention', 'deployments needing attention')}: ${every}, but ${words}.`;
}

/** `statuses`: the fleet's status now, for the health of a deployment the report does not say. */
export function RolloutProgress({ job, statuses = [] }: { job: Job; statuses?: DeploymentStatus[] }) {
  const api = useApi();
  const now = useNow();
  const cancel = useMutation({ mutationFn: () => api.cancel({ operationId: job.id }) });
  const running = job.state === 'running';
  const report = job.state === 'done' ? (job.result as RolloutReport) : null;
  const deployments = report?.deployments ?? job.progress?.deployments ?? [];
  const to = String(job.options.to ?? '');
  const canary = report?.canary ?? (typeof job.options.canary === 'string' ? job.options.canary : null);
  const halted = report?.outcome === 'halted' || job.state === 'failed';
  const byName = new Map(statuses.map((s) => [s.name, s]));
  const notWell = unwell(report, byName);
  const inIt = new Set(deployments.map((d) => d.name));
  const group = typeof job.options.group === 'string' ? job.options.group : null;
  // Left out in the dialog: named, so that "every deployment in it" is not read as the whole fleet.
  const leftOut =
    Array.isArray(job.options.deployments) && deployments.length > 0
      ? statuses.filter((s) => (group === null || s.group === group) && !inIt.has(s.name)).map((s) => s.name)
      : [];
  const look = running ? 'running' : halted ? 'halted' : notWell.some((d) => d.status === 'unhealthy') ? 'halted' : notWell.length > 0 ? 'unwell' : 'done';
  return (
    <section className={`rollout rollout--${look}`} aria-labelledby="rollout-title">
      <header className="rollout__header">
        <div>
          <h2 id="rollout-title" className="rollout__title">
            Rolling migrate to {to}
          </h2>
          <p className="muted rollout__meta">
            by {startedByName(job)} · started {formatAgo(job.startedAt, now)} ·{' '}
            {Number(job.options.parallel ?? 1) === 1 ? 'one at a time' : `${String(job.options.parallel)} at a time`} after the canary
          </p>
        </div>
        {running && (
          <Button onClick={() => cancel.mutate()} disabled={cancel.isPending || cancel.isSuccess} title="What is under way finishes; nothing more starts.">
            {cancel.isPending || cancel.isSuccess ? 'Cancelling…' : 'Cancel'}
          </Button>
        )}
      </header>
      {running && <ProgressBar label={`Rolling migrate to ${to}`} done={job.progress?.done} total={job.progress?.total} />}
      <p className="rollout__summary" role="status">
        {summary(job, report, notWell, leftOut.length > 0)}
      </p>
      {leftOut.length > 0 && <p className="muted rollout__meta">Left out of this rollout, not touched: {leftOut.join(', ')}.</p>}
      {cancel.isError && <p className="rollout__summary">The rollout could not be cancelled: {cancel.error.message}</p>}
      {deployments.length > 0 && (
        <div className="table-frame">
          <table className="data-table" aria-label={`Rolling migrate to ${to}, by deployment`}>
            <thead>
              <tr>
                <th scope="col">Deployment</th>
                <th scope="col">From</th>
                <th scope="col">Where it is</th>
                <th scope="col">Detail</th>
              </tr>
            </thead>
            <tbody>
              {deployments.map((d) => {
                const { text, tone } = outcomeText(d, to, running, byName);
                return (
                  <tr key={d.name} data-deployment={d.name}>
                    <th scope="row" className="nowrap">
                      {d.name}
                      {(d.canary || d.name === canary) && <span className="rollout__canary"> canary</span>}
                    </th>
                    <td className="nowrap">{d.from ?? '—'}</td>
                    <td className={`nowrap rollout__outcome rollout__outcome--${tone}`}>{text}</td>
                    <td className="rollout__detail">
                      {d.detail}
                      {/* Why it is not well, beside what the rollout did to it. */}
                      {notWell.some((w) => w.name === d.name) && (
                        <span className="rollout__health">
                          {' '}
                          {HEALTH[healthOf(d, byName)!.status].label}: {healthOf(d, byName)!.reason}
                        </span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
