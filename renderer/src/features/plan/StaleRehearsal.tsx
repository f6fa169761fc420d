import type { Job } from '../../../../shared/types/jobs';
import { formatAgo } from '../../lib/format';
import { startedByName } from '../../lib/job-text';

// The host keeps the last rehearsal of each database with the plan checksum and the database
// stamp it ran on (issue 14): this view shows it as long as both still hold, and says so when not.

function whenAndWho(job: Job | null): string {
  return job?.endedAt ? ` (${formatAgo(job.endedAt)}, by ${startedByName(job)})` : '';
}

/** Where a rehearsal shown here comes from when this page did not run it. */
export function RememberedRehearsal({ job }: { job: Job }) {
  return <p className="muted">The last rehearsal of this plan{whenAndWho(job)}, on the database as it is now.</p>;
}

/**
 * Why the last rehearsal is no longer shown: the plan or the database changed since it ran. Once
 * nothing is pending (the migration it rehearsed was applied) there is nothing left to rehearse.
 */
export function StaleRehearsal({ why, job, nothingPending }: { why: 'plan-changed' | 'database-changed' | null; job: Job | null; nothingPending: boolean }) {
  if (nothingPending)
    return (
      <p className="muted">
        The last rehearsal{whenAndWho(job)} was of a migration that has since been applied: nothing is pending, so there is nothing to rehearse.
      </p>
    );
  const since =
    why === 'plan-changed'
      ? 'a different plan (the database moved to another version, or a migration file changed)'
      : 'the database before it was last written to';
  return (
    <p className="muted">
      The last rehearsal{whenAndWho(job)} ran on {since}, so its result may not hold now. Rehearse on a copy again to see how this plan does.
    </p>
  );
}
