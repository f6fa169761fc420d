import { queryOptions, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { withProgress } from '../../../shared/job-progress';
import type { HostEvent, Job, JobKind } from '../../../shared/types/jobs';
import type { Api } from '../api/client';
import { useApi, useHostEvents } from '../api/connection-context';
import { databaseKeys } from './database-keys';

// The host's jobs (issue 14): read once with `jobs`, then kept current from the host's events —
// a `job` event when one starts or ends, `progress` events while it runs.

export const jobKeys = {
  all: ['jobs'] as const,
};

/** Jobs that change the database: when one ends, everything shown about that database is read again. */
const WRITES: ReadonlySet<JobKind> = new Set(['initialize', 'migrate', 'repair', 'backup', 'restore', 'recoverRows']);

export function jobsQueryOptions(api: Api) {
  return queryOptions({ queryKey: jobKeys.all, queryFn: () => api.jobs({}) });
}

/** Every job the host keeps: the running ones first, then those that ended, newest first. */
export function useJobs() {
  return useQuery(jobsQueryOptions(useApi()));
}

/** The running jobs on one database (the sidebar marks it). */
export function useRunningJobs(db: string): Job[] {
  return useJobs().data?.filter((job) => job.db === db && job.state === 'running') ?? [];
}

/** The jobs list with one job added or replaced, in the host's order. */
function withJob(jobs: Job[], job: Job): Job[] {
  const others = jobs.filter((j) => j.id !== job.id);
  // Running ones oldest first, then ended ones newest first: a new job goes between the two.
  return [...others.filter((j) => j.state === 'running'), job, ...others.filter((j) => j.state !== 'running')];
}

function applyEvent(queryClient: QueryClient, event: HostEvent): void {
  if (event.type === 'job') {
    queryClient.setQueryData(jobKeys.all, (jobs: Job[] | undefined) => (jobs ? withJob(jobs, event.job) : jobs));
    // Whichever view started it, and whether or not it is still open.
    if (event.job.state !== 'running' && WRITES.has(event.job.kind)) void queryClient.invalidateQueries({ queryKey: databaseKeys.one(event.job.db) });
  } else if (event.type === 'progress' && event.operationId) {
    const id = event.operationId;
    queryClient.setQueryData(jobKeys.all, (jobs: Job[] | undefined) =>
      jobs?.some((j) => j.id === id && j.state === 'running') ? jobs.map((j) => (j.id === id ? withProgress(j, event.progress, new Date()) : j)) : jobs,
    );
  }
}

/** Keeps the jobs list current from the host's events, for the whole session. */
export function useJobAnnouncements(): void {
  const subscribe = useHostEvents();
  const queryClient = useQueryClient();
  useEffect(() => subscribe((event) => applyEvent(queryClient, event)), [subscribe, queryClient]);
}

/** One job by its operation id, while the host keeps it. */
export function useJob(id: string | null): Job | null {
  return useJobs().data?.find((job) => job.id === id) ?? null;
}
