import { withProgress } from '../../shared/job-progress';
import type { ErrorInfo } from '../../shared/errors';
import type { Job, JobKind, Progress } from '../../shared/types/jobs';

// The host's long operations (issue 14): every verify, backup, migrate, rehearsal, repair,
// restore, row recovery and query a host runs is kept here with its progress, result and who
// started it, so a console that reloads, or another console, finds it; `jobs` lists them and each
// start and end is announced as a `job` event. The running ones, the last RECENT_JOBS ended, and
// the last that ended well of each kind on each database (the Plan view shows the last rehearsal
// as long as the plan and the database are those it ran on, however much ran since).

export const RECENT_JOBS = 50;

export interface NewJob {
  id: string;
  kind: JobKind;
  db: string;
  options: Record<string, unknown>;
  startedBy: string;
}

export interface RunningJob {
  progress(progress: Progress): void;
  done(result: unknown): void;
  failed(error: ErrorInfo): void;
}

/**
 * A job as the read-only token sees it: what ran, on which database, who started it, when, and how
 * it ended, but not its content: a query's SQL, or an error's words (one carried a file's hash).
 */
export function jobForReadOnly(job: Job): Job {
  const options = job.kind === 'query' ? {} : job.options;
  const error = job.error && {
    code: job.error.code,
    message: `The ${job.kind} ended with ${job.error.code}; its details are shown to the operator token only.`,
  };
  return { ...job, options, error };
}

export class Jobs {
  private readonly running = new Map<string, Job>();
  /** Ended jobs, newest first. */
  private ended: Job[] = [];
  /** The last job that ended well, by database and kind. */
  private readonly lastDone = new Map<string, Job>();

  constructor(
    /** Tells every console (the `job` event). */
    private readonly announce: (job: Job) => void,
    private readonly keep = RECENT_JOBS,
    private readonly now: () => Date = () => new Date(),
  ) {}

  start(init: NewJob): RunningJob {
    let job: Job = {
      ...init,
      state: 'running',
      progress: null,
      phaseStartedAt: null,
      phaseStartDone: 0,
      startedAt: this.now().toISOString(),
      endedAt: null,
      result: null,
      error: null,
    };
    this.running.set(job.id, job);
    this.announce(job);
    const end = (ending: Pick<Job, 'state' | 'result' | 'error'>) => {
      if (!this.running.delete(job.id)) return;
      job = { ...job, ...ending, endedAt: this.now().toISOString() };
      this.ended = [job, ...this.ended].slice(0, this.keep);
      if (job.state === 'done') this.lastDone.set(`${job.db}\u0000${job.kind}`, job);
      this.announce(job);
    };
    return {
      progress: (progress) => {
        if (!this.running.has(job.id)) return;
        job = withProgress(job, progress, this.now());
        this.running.set(job.id, job);
      },
      done: (result) => end({ state: 'done', result, error: null }),
      failed: (error) => end({ state: error.code === 'CANCELLED' ? 'cancelled' : 'failed', result: null, error }),
    };
  }

  /** Jobs a previous run of the host never ended (job-journal.ts): listed with the ended ones, newest first. */
  keepInterrupted(jobs: Job[]): void {
    const newestFirst = [...jobs].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
    this.ended = [...this.ended, ...newestFirst].slice(0, this.keep);
  }

  /** Whether a job with this id (its operation id) was started here: running, or kept after it ended. */
  has(id: string): boolean {
    return this.running.has(id) || this.ended.some((job) => job.id === id) || [...this.lastDone.values()].some((job) => job.id === id);
  }

  /** The running jobs (oldest first), then the ended ones (newest first), then older ones kept as the last of their kind. */
  list(): Job[] {
    const older = [...this.lastDone.values()].filter((job) => !this.ended.includes(job)).sort((a, b) => b.startedAt.localeCompare(a.startedAt));
    return [...this.running.values(), ...this.ended, ...older];
  }
}
