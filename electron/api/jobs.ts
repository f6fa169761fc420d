import { withProgress } from '../../shared/job-progress';
import type { ErrorInfo } from '../../shared/errors';
import type { Job, JobKind, Progress } from '../../shared/types';

// The host's long operations (issue 14): every verify, backup, migrate, rehearsal, repair,
// restore, row recovery and query a host runs is kept here with its progress, result and who
// started it, so a console that reloads, or another console, finds it; `jobs` lists them and each
// start and end is announced as a `job` event. The running ones, plus the last RECENT_JOBS ended.

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

export class Jobs {
  private readonly running = new Map<string, Job>();
  /** Ended jobs, newest first. */
  private ended: Job[] = [];

  constructor(
    /** Tells every console (the `job` event). */
    private readonly announce: (job: Job) => void,
    private readonly keep = RECENT_JOBS,
    private readonly now: () => Date = () => new Date(),
  ) {}

  start(init: NewJob): RunningJob {
    let job: Job = { ...init, state: 'running', progress: null, phaseStartedAt: null, phaseStartDone: 0, startedAt: this.now().toISOString(), endedAt: null, result: null, error: null };
    this.running.set(job.id, job);
    this.announce(job);
    const end = (ending: Pick<Job, 'state' | 'result' | 'error'>) => {
      if (!this.running.delete(job.id)) return;
      job = { ...job, ...ending, endedAt: this.now().toISOString() };
      this.ended = [job, ...this.ended].slice(0, this.keep);
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

  /** The running jobs (oldest first), then the ended ones (newest first). */
  list(): Job[] {
    return [...this.running.values(), ...this.ended];
  }

  /** The most recent job of this kind on this database that ended well (a rehearsal, a check), if the host still keeps it. */
  lastDone(db: string, kind: JobKind): Job | null {
    return this.ended.find((job) => job.db === db && job.kind === kind && job.state === 'done') ?? null;
  }
}
