import { useMutation } from '@tanstack/react-query';
import type { FleetActionEntry, FleetActionReport } from '../../../../shared/types/fleet';
import type { Job } from '../../../../shared/types/jobs';
import { useApi } from '../../api/connection-context';
import { Button } from '../../components/Button';
import { ProgressBar } from '../../components/ProgressBar';
import { useNow } from '../../hooks/use-now';
import { formatAgo } from '../../lib/format';
import { HEALTH } from '../../lib/health-labels';
import { fleetActionOutcome, jobTitle, startedByName } from '../../lib/job-text';
import { useReadOnly } from '../../queries/host-info';

// The newest Verify all or Back up all of this host, from its job: each deployment's step (live
// while it runs, pushed as the job's progress), how each ended and why, and Cancel while it runs.

type Tone = 'busy' | 'good' | 'warn' | 'bad' | 'idle';

/** A deployment's cell: where it is, in the console's words, and its colour. */
function stepText(entry: FleetActionEntry, backup: boolean): { text: string; tone: Tone } {
  if (entry.step === 'waiting') return { text: 'Waiting', tone: 'idle' };
  if (entry.step === 'running') return { text: backup ? 'Backing up…' : 'Verifying…', tone: 'busy' };
  if (entry.step === 'not done') return { text: 'Not done', tone: 'idle' };
  if (entry.status === 'unreachable') return { text: 'Unreachable', tone: 'bad' };
  if (entry.status === 'locked') return { text: 'Locked', tone: 'warn' };
  // A backup made is followed by the database's own verdict (a drifted one is not called healthy).
  if (backup && !entry.backedUp) return { text: 'Backup failed', tone: 'bad' };
  const state = entry.status ?? 'unhealthy';
  if (backup)
    return state === 'healthy'
      ? { text: 'Backed up', tone: 'good' }
      : { text: `Backed up; ${HEALTH[state].label.toLowerCase()}`, tone: state === 'unhealthy' ? 'bad' : 'warn' };
  return { text: HEALTH[state].label, tone: state === 'healthy' ? 'good' : state === 'unhealthy' ? 'bad' : 'warn' };
}

/** Every deployment once it ended: those done (worst first), then those not done. */
function entriesOf(report: FleetActionReport): FleetActionEntry[] {
  return [
    ...report.deployments.map(
      (d): FleetActionEntry => ({
        name: d.name,
        group: d.group,
        address: d.address,
        step: 'done',
        status: d.status,
        detail: d.detail,
        version: d.version,
        backedUp: d.backedUp,
      }),
    ),
    ...report.notDone.map((d): FleetActionEntry => ({ ...d, step: 'not done', status: null, version: null })),
  ];
}

function summary(job: Job, report: FleetActionReport | null): string {
  if (job.state === 'running') return job.progress?.phase ?? 'Starting…';
  if (job.state === 'failed' || job.state === 'cancelled') return job.error?.message ?? 'It did not run.';
  if (!report) return '';
  const outcome = `${fleetActionOutcome(report)}.`;
  return report.stoppedBecause ? `${outcome} It was stopped; the deployments marked Not done say why.` : outcome;
}

export function FleetActionProgress({ job }: { job: Job }) {
  const api = useApi();
  const now = useNow();
  const readOnly = useReadOnly();
  const cancel = useMutation({ mutationFn: () => api.cancel({ operationId: job.id }) });
  const running = job.state === 'running';
  const backup = job.kind === 'fleetBackup';
  const report = job.state === 'done' ? (job.result as FleetActionReport) : null;
  const entries = report ? entriesOf(report) : (job.progress?.fleetAction ?? []);
  const title = jobTitle(job);
  const troubled =
    report !== null && (report.stoppedBecause !== null || report.deployments.some((d) => d.status === 'unhealthy' || d.status === 'unreachable'));
  const atOnce = Number(job.options.parallel ?? 1);
  return (
    <section className={`rollout rollout--${running ? 'running' : troubled || job.state !== 'done' ? 'halted' : 'done'}`} aria-labelledby="fleet-action-title">
      <header className="rollout__header">
        <div>
          <h2 id="fleet-action-title" className="rollout__title">
            {title}
          </h2>
          <p className="muted rollout__meta">
            by {startedByName(job)} · started {formatAgo(job.startedAt, now)} · {atOnce === 1 ? 'one at a time' : `${atOnce} at a time`}
          </p>
        </div>
        {running && !readOnly && (
          <Button
            onClick={() => cancel.mutate()}
            disabled={cancel.isPending || cancel.isSuccess}
            title="No deployment starts after this; the ones under way are cancelled."
          >
            {cancel.isPending || cancel.isSuccess ? 'Cancelling…' : 'Cancel'}
          </Button>
        )}
      </header>
      {running && <ProgressBar label={title} done={job.progress?.done} total={job.progress?.total} />}
      <p className="rollout__summary" role="status">
        {summary(job, report)}
      </p>
      {cancel.isError && <p className="rollout__summary">It could not be cancelled: {cancel.error.message}</p>}
      {entries.length > 0 && (
        <div className="table-frame">
          <table className="data-table" aria-label={`${title}, by deployment`}>
            <thead>
              <tr>
                <th scope="col">Deployment</th>
                <th scope="col">Group</th>
                <th scope="col">Version</th>
                <th scope="col">{backup ? 'Backup' : 'Result'}</th>
                <th scope="col">Detail</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => {
                const { text, tone } = stepText(entry, backup);
                return (
                  <tr key={entry.name} data-deployment={entry.name}>
                    <th scope="row" className="nowrap">
                      {entry.name}
                    </th>
                    <td className="nowrap">{entry.group}</td>
                    <td className="nowrap">{entry.version ?? '—'}</td>
                    <td className={`nowrap rollout__outcome rollout__outcome--${tone}`}>{text}</td>
                    <td className="rollout__detail">{entry.detail}</td>
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
