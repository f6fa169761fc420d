import { useMemo } from 'react';
import type { Job } from '../../../../shared/types/jobs';
import { Panel } from '../../components/Panel';
import { formatTimestamp } from '../../lib/format';
import { useJobs } from '../../queries/jobs';
import { jobOutcome, jobTitle } from '../../lib/job-text';

// Rehearsals and integrity checks only read the database, so nothing about them is written into
// its history (a rehearsal even promises to leave the file untouched, and writing there would
// change the very database state it is remembered against). The host keeps them instead; they are
// listed here beside the database's own history.

const READS_ONLY = new Set<Job['kind']>(['rehearse', 'verify', 'verifyBackup']);

/** The rehearsals and checks of this database that the host keeps and that have ended, newest first. */
export function useHostKeptChecks(db: string): Job[] {
  const jobs = useJobs().data;
  return useMemo(() => jobs?.filter((job) => job.db === db && READS_ONLY.has(job.kind) && job.state !== 'running') ?? [], [jobs, db]);
}

/** The rehearsals and checks of this database that the host keeps, newest first. */
export function HostKeptChecks({ db }: { db: string }) {
  const jobs = useHostKeptChecks(db);
  if (jobs.length === 0) return null;
  return (
    <Panel title="Rehearsals and checks" subtitle="They only read the database, so this host keeps them, not the file: they are gone when it restarts" flush>
      <div className="table-frame">
        <table className="data-table">
          <caption className="visually-hidden">Rehearsals and checks this host ran on the database, newest first</caption>
          <thead>
            <tr>
              <th>When</th>
              <th>What</th>
              <th>Outcome</th>
              <th>Who</th>
            </tr>
          </thead>
          <tbody>
            {jobs.map((job) => (
              <tr key={job.id}>
                <td className="mono">{formatTimestamp(job.endedAt ?? job.startedAt)}</td>
                <td>{jobTitle(job)}</td>
                <td>{jobOutcome(job)}</td>
                <td className="muted">{job.startedBy}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Panel>
  );
}
