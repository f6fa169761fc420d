import type { EngineJob, EngineJobName, EngineRunner, JobReporting } from './engine-runner';
import { EngineWorkers, type EngineWorkersOptions } from './engine-workers';

// Two lanes of engine workers. A query, or a page of rows over a view, costs what the caller's SQL
// decides, up to its time limit (ten minutes at most): in workers of their own, two runaway ones
// can hold only each other up, never a status, a backup or a migrate (two held a read-only status
// for 19 s when all work shared one pool). Health has a worker of its own in the HTTP host.

/** The jobs whose cost the caller's SQL decides. */
const QUERY_LANE: ReadonlySet<EngineJobName> = new Set<EngineJobName>(['query', 'rows']);

/** Workers for queries: each only waits for its query's own process (read-process.ts), so they cost little; two runaway queries still leave two for the other consoles. */
export const QUERY_WORKERS = 4;

export class EngineLanes implements EngineRunner {
  private readonly work: EngineWorkers;
  private readonly queries: EngineWorkers;

  /** `size`: the workers for every other job. */
  constructor(options: EngineWorkersOptions) {
    this.work = new EngineWorkers(options);
    this.queries = new EngineWorkers({ ...options, size: QUERY_WORKERS });
  }

  run(job: EngineJob, reporting?: JobReporting): Promise<unknown> {
    return (QUERY_LANE.has(job.name) ? this.queries : this.work).run(job, reporting);
  }

  async close(): Promise<void> {
    await Promise.all([this.work.close(), this.queries.close()]);
  }
}
