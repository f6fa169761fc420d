import { useMutation } from '@tanstack/react-query';
import type { RolloutDeployment, RolloutOutcome, RolloutReport } from '../../../../shared/types/fleet';
import type { Job } from '../../../../shared/types/jobs';
import { useApi } from '../../api/connection-context';
import { Button } from '../../components/Button';
import { ProgressBar } from '../../components/ProgressBar';
import { useNow } from '../../hooks/use-now';
import { formatAgo } from '../../lib/format';
import { startedByName } from '../../lib/job-text';

// The newest rolling migrate of this host, from its job: each deployment where it is (live while
// it runs, pushed as the job's progress), how it ended, and Cancel while it runs.

type Tone = 'busy' | 'good' | 'bad' | 'idle';

function outcomeText(d: RolloutDeployment, to: string, running: boolean): { text: string; tone: Tone } {
  const labels: Record<RolloutOutcome, { text: string; tone: Tone }> = {
    waiting: { text: 'Waiting', tone: 'idle' },
    rehearsing: { text: 'Rehearsing…', tone: 'busy' },
    rehearsed: { text: running ? 'Rehearsed, waiting its turn' : 'Rehearsed', tone: 'idle' },
    migrating: { text: 'Migrating…', tone: 'busy' },
    verifying: { text: 'Verifying…', tone: 'busy' },
    migrated: { text: `At ${d.version ?? to}`, tone: 'good' },
    'already at target': { text: `At ${to} already`, tone: 'good' },
    'rehearsal failed': { text: 'Rehearsal failed', tone: 'bad' },
    'migrate failed': { text: 'Migration failed', tone: 'bad' },
    'verify failed': { text: 'Verify failed', tone: 'bad' },
    unreachable: { text: 'Unreachable', tone: 'bad' },
    'not started': { text: 'Not started: halted', tone: 'idle' },
  };
  return labels[d.outcome];
}

function summary(job: Job, report: RolloutReport | null): string {
  if (job.state === 'running') return job.progress?.phase ?? 'Starting…';
  if (job.state === 'failed' || job.state === 'cancelled') return job.error?.message ?? 'It did not run.';
  if (!report) return '';
  if (report.outcome === 'completed') return `Completed: every deployment is at ${report.to}.`;
  return `Halted: ${report.haltedBecause ?? 'see each deployment'}.`;
}

export function RolloutProgress({ job }: { job: Job }) {
  const api = useApi();
  const now = useNow();
  const cancel = useMutation({ mutationFn: () => api.cancel({ operationId: job.id }) });
  const running = job.state === 'running';
  const report = job.state === 'done' ? (job.result as RolloutReport) : null;
  const deployments = report?.deployments ?? job.progress?.deployments ?? [];
  const to = String(job.options.to ?? '');
  const canary = report?.canary ?? (typeof job.options.canary === 'string' ? job.options.canary : null);
  const halted = report?.outcome === 'halted' || job.state === 'failed';
  return (
    <section className={`rollout rollout--${running ? 'running' : halted ? 'halted' : 'done'}`} aria-labelledby="rollout-title">
      <header className="rollout__header">
        <div>
          <h2 id="rollout-title" className="rollout__title">Rolling migrate to {to}</h2>
          <p className="muted rollout__meta">
            by {startedByName(job)} · started {formatAgo(job.startedAt, now)} · {Number(job.options.parallel ?? 1) === 1 ? 'one at a time' : `${String(job.options.parallel)} at a time`} after the canary
          </p>
        </div>
        {running && (
          <Button onClick={() => cancel.mutate()} disabled={cancel.isPending || cancel.isSuccess} title="What is under way finishes; nothing more starts.">
            {cancel.isPending || cancel.isSuccess ? 'Cancelling…' : 'Cancel'}
          </Button>
        )}
      </header>
      {running && <ProgressBar label={`Rolling migrate to ${to}`} done={job.progress?.done} total={job.progress?.total} />}
      <p className="rollout__summary" role="status">{summary(job, report)}</p>
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
                const { text, tone } = outcomeText(d, to, running);
                return (
                  <tr key={d.name} data-deployment={d.name}>
                    <th scope="row" className="nowrap">
                      {d.name}
                      {(d.canary || d.name === canary) && <span className="rollout__canary"> canary</span>}
                    </th>
                    <td className="nowrap">{d.from ?? '—'}</td>
                    <td className={`nowrap rollout__outcome rollout__outcome--${tone}`}>{text}</td>
                    <td className="rollout__detail">{d.detail}</td>
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
