import { Worker } from 'node:worker_threads';
import { WardenError } from '../engine';
import type { EngineJob, EngineRunner, JobReporting, WorkerReply, WorkerRequest } from './engine-runner';
import { errorFromInfo } from './error-info';

// A small pool of worker threads running engine jobs, one job per worker at a time. SQLite itself
// serializes writers across connections (BEGIN IMMEDIATE + busy timeout), so parallel jobs on one
// database are as safe as parallel processes.
//
// Cancelling: a queued job is dropped at once; a running one sees a shared flag at its next
// progress or log report, or within 50 ms while it awaits (the worker turns it into an abort of
// the engine's AbortSignal), because a synchronous engine call cannot receive a message until it
// returns.

export interface EngineWorkersOptions {
  /** The worker's entry: engine-worker-tsx.mjs under Node, the bundled engine-worker under Electron. */
  entry: URL | string;
  size: number;
  /** better-sqlite3's addon for this runtime, when it is not node_modules' build (Electron). */
  sqliteAddon?: string;
}

interface Pending {
  job: EngineJob;
  reporting: JobReporting;
  cancelFlag: Int32Array;
  resolve(result: unknown): void;
  reject(error: Error): void;
}

function cancelled(job: EngineJob): WardenError {
  return new WardenError('CANCELLED', `${job.name} was cancelled before it started; nothing was changed.`, 'Run it again when you are ready.');
}

export class EngineWorkers implements EngineRunner {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Pending>();
  private readonly queue: Pending[] = [];
  private closed = false;

  constructor(private readonly options: EngineWorkersOptions) {}

  run(job: EngineJob, reporting: JobReporting = {}): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new WardenError('INTERNAL', 'The host is stopping and takes no more work.'));
      if (reporting.signal?.aborted) return reject(cancelled(job));
      const pending: Pending = { job, reporting, cancelFlag: new Int32Array(new SharedArrayBuffer(4)), resolve, reject };
      reporting.signal?.addEventListener('abort', () => this.cancel(pending), { once: true });
      this.queue.push(pending);
      this.startQueuedJobs();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0)) pending.reject(new WardenError('INTERNAL', 'The host stopped before this job started.'));
    const workers = [...this.idle, ...this.busy.keys()];
    this.idle.length = 0;
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private cancel(pending: Pending): void {
    const queued = this.queue.indexOf(pending);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      pending.reject(cancelled(pending.job));
    } else {
      Atomics.store(pending.cancelFlag, 0, 1);
    }
  }

  private startQueuedJobs(): void {
    while (this.queue.length) {
      const worker = this.idle.pop() ?? (this.idle.length + this.busy.size < this.options.size ? this.spawn() : undefined);
      if (!worker) return;
      const pending = this.queue.shift()!;
      this.busy.set(worker, pending);
      const request: WorkerRequest = { ...pending.job, cancelFlag: pending.cancelFlag.buffer as SharedArrayBuffer };
      worker.postMessage(request);
    }
  }

  private spawn(): Worker {
    const worker = new Worker(this.options.entry, { workerData: { sqliteAddon: this.options.sqliteAddon } });
    worker.on('message', (reply: WorkerReply) => this.onReply(worker, reply));
    worker.on('error', (err) => this.onWorkerLost(worker, `${err.message}`));
    worker.on('exit', (code) => this.onWorkerLost(worker, `it exited with code ${code}`));
    return worker;
  }

  private onReply(worker: Worker, reply: WorkerReply): void {
    const pending = this.busy.get(worker);
    if (!pending) return;
    if (reply.kind === 'progress') return pending.reporting.onProgress?.(reply.progress);
    if (reply.kind === 'log') return pending.reporting.onLog?.(reply.log);
    this.busy.delete(worker);
    if (!this.closed) this.idle.push(worker);
    if (reply.kind === 'done') pending.resolve(reply.result);
    else pending.reject(errorFromInfo(reply.error));
    this.startQueuedJobs();
  }

  /** A worker that crashed or exited fails its job; the next job gets a fresh worker. */
  private onWorkerLost(worker: Worker, why: string): void {
    const idleAt = this.idle.indexOf(worker);
    if (idleAt >= 0) this.idle.splice(idleAt, 1);
    const pending = this.busy.get(worker);
    this.busy.delete(worker);
    if (pending && !this.closed)
      pending.reject(
        new WardenError(
          'INTERNAL',
          `The engine worker running ${pending.job.name} stopped: ${why}.`,
          'Try again; if it happens again, report it with what you did.',
        ),
      );
    if (!this.closed) this.startQueuedJobs();
  }
}
