import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { consoleHintFor } from '../../../../shared/console-hints';
import type { DatabaseEntry } from '../../../../shared/types/databases';
import type { Job } from '../../../../shared/types/jobs';
import { useApi } from '../../api/connection-context';
import { Button } from '../../components/Button';
import { ProgressBar } from '../../components/ProgressBar';
import { useNow } from '../../hooks/use-now';
import { formatAgo, formatCount, formatDuration, plural } from '../../lib/format';
import { progressLine } from '../../lib/job-progress-text';
import { useRefusal } from '../../queries/host-info';
import { useJobs } from '../../queries/jobs';
import { jobEnding, jobHref, jobOutcome, jobTitle, startedByName } from '../../lib/job-text';
import './jobs.css';

/** Ended jobs shown, once unfolded, before "Show all". */
const RECENT_SHOWN = 5;

const STATE_GLYPH: Record<ReturnType<typeof jobEnding>, { glyph: string; label: string }> = {
  done: { glyph: '✓', label: 'Done' },
  halted: { glyph: '!', label: 'Halted' },
  problems: { glyph: '!', label: 'Done: found problems' },
  failed: { glyph: '✕', label: 'Failed' },
  cancelled: { glyph: '–', label: 'Cancelled' },
  interrupted: { glyph: '✕', label: 'Interrupted' },
};

function RunningJob({ job, databaseName, now, mayCancel }: { job: Job; databaseName: string; now: Date; mayCancel: boolean }) {
  const api = useApi();
  const cancel = useMutation({ mutationFn: () => api.cancel({ operationId: job.id }) });
  const title = jobTitle(job);
  return (
    <li className="job job--running">
      <div className="job__head">
        <a className="job__title" href={jobHref(job)}>
          {title}
        </a>
        {mayCancel && (
          <Button
            size="small"
            onClick={() => cancel.mutate()}
            disabled={cancel.isPending || cancel.isSuccess}
            aria-label={`Cancel ${title} on ${databaseName}`}
          >
            {cancel.isPending || cancel.isSuccess ? 'Cancelling…' : 'Cancel'}
          </Button>
        )}
      </div>
      <span className="job__meta">
        {databaseName} · by {startedByName(job)} · started {formatAgo(job.startedAt, now)}
      </span>
      <ProgressBar label={`${title} on ${databaseName}`} done={job.progress?.done} total={job.progress?.total} />
      <span className="job__progress">{job.progress ? progressLine(job.progress, job, now.getTime()) : 'Starting…'}</span>
      {cancel.isError && <span className="job__error">The job could not be cancelled: {cancel.error.message}</span>}
    </li>
  );
}

function EndedJob({ job, databaseName, now }: { job: Job; databaseName: string; now: Date }) {
  const ending = jobEnding(job);
  const state = STATE_GLYPH[ending];
  const took = job.endedAt ? formatDuration(Date.parse(job.endedAt) - Date.parse(job.startedAt)) : '';
  return (
    <li className={`job job--${ending === 'halted' || ending === 'problems' ? 'problems' : ending === 'interrupted' ? 'failed' : ending}`}>
      <div className="job__head">
        <span className="job__state" role="img" aria-label={state.label} title={state.label}>
          {state.glyph}
        </span>
        <a className="job__title" href={jobHref(job)}>
          {jobTitle(job)}
        </a>
      </div>
      <span className="job__meta">
        {[
          databaseName,
          `by ${startedByName(job)}`,
          job.endedAt ? formatAgo(job.endedAt, now) : `started ${formatAgo(job.startedAt, now)}`,
          took && `took ${took}`,
        ]
          .filter(Boolean)
          .join(' · ')}
      </span>
      <span className="job__outcome" title={job.error ? consoleHintFor(job.error, job.kind) : undefined}>
        {jobOutcome(job)}
      </span>
    </li>
  );
}

/**
 * The host's jobs: the running ones with progress, time left and Cancel (for a console that may),
 * then the last one that ended, and the earlier ones folded into a count: every check and query of
 * every console ends up here, and the sidebar's databases must stay in view above them.
 */
export function JobsPanel({ databases }: { databases: DatabaseEntry[] }) {
  const jobs = useJobs();
  const nameOf = (db: string) => databases.find((d) => d.id === db)?.name ?? db;
  const now = useNow();
  const mayCancel = useRefusal('cancel') === null;
  const [unfolded, setUnfolded] = useState(false);
  const [showAll, setShowAll] = useState(false);
  if (!jobs.data) return null;
  const running = jobs.data.filter((j) => j.state === 'running');
  const ended = jobs.data.filter((j) => j.state !== 'running');
  const shown = !unfolded ? ended.slice(0, 1) : showAll ? ended : ended.slice(0, RECENT_SHOWN);
  const earlier = ended.length - 1;
  return (
    <section className="jobs" aria-labelledby="jobs-title">
      <div className="jobs__header">
        <h2 className="sidebar-heading" id="jobs-title">
          Jobs
        </h2>
        <span className="jobs__count">{running.length ? `${formatCount(running.length)} running` : 'none running'}</span>
      </div>
      {jobs.data.length === 0 && <p className="jobs__empty">Checks, backups, migrations and other long work show here while they run and after they end.</p>}
      {running.length > 0 && (
        <ul className="jobs__list" aria-label="Running jobs">
          {running.map((job) => (
            <RunningJob key={job.id} job={job} databaseName={nameOf(job.db)} now={now} mayCancel={mayCancel} />
          ))}
        </ul>
      )}
      {ended.length > 0 && (
        <ul className="jobs__list" id="jobs-ended" aria-label="Recent jobs">
          {shown.map((job) => (
            <EndedJob key={job.id} job={job} databaseName={nameOf(job.db)} now={now} />
          ))}
        </ul>
      )}
      {earlier > 0 && (
        <Button variant="ghost" size="small" className="jobs__fold" aria-expanded={unfolded} aria-controls="jobs-ended" onClick={() => setUnfolded(!unfolded)}>
          <span aria-hidden="true">{unfolded ? '▾' : '▸'}</span> {unfolded ? 'Fold the earlier jobs' : plural(earlier, 'earlier job')}
        </Button>
      )}
      {unfolded && ended.length > RECENT_SHOWN && (
        <Button variant="ghost" size="small" className="jobs__fold" onClick={() => setShowAll(!showAll)}>
          {showAll ? 'Show fewer' : `Show all ${formatCount(ended.length)} ended jobs`}
        </Button>
      )}
    </section>
  );
}
