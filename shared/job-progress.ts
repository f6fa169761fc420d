import type { Job, Progress } from './types/jobs';

// A job's progress as the host keeps it and as the console follows it from `progress` events:
// the same rule in both places, so the time left looks the same before and after a reload.

/** The job with its latest progress; a new phase restarts the rate the time left is estimated from. */
export function withProgress(job: Job, progress: Progress, at: Date): Job {
  const samePhase =
    job.progress !== null && job.progress.phase === progress.phase && job.progress.operation === progress.operation && progress.done >= job.phaseStartDone;
  return samePhase ? { ...job, progress } : { ...job, progress, phaseStartedAt: at.toISOString(), phaseStartDone: progress.done };
}

/** Milliseconds the current phase still needs at the rate since it started; null until a rate is known. */
export function estimatedMsLeft(job: Job, now: number): number | null {
  const { progress, phaseStartedAt } = job;
  if (job.state !== 'running' || !progress || !phaseStartedAt || progress.total <= 0) return null;
  const elapsed = now - Date.parse(phaseStartedAt);
  const advanced = progress.done - job.phaseStartDone;
  if (advanced <= 0 || elapsed < 500) return null;
  return Math.max(0, ((progress.total - progress.done) * elapsed) / advanced);
}
