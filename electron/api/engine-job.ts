import type { ErrorInfo } from '../../shared/errors';
import type { CheckedIntegrity, LogEvent, Progress } from '../../shared/types';
import { actingAs } from '../engine/actor';
import { throwIfCancelled, type EngineContext } from '../engine/context';
import { WardenError } from '../engine/errors';
import { backup } from '../engine/backup';
import { checkHealth } from '../engine/health';
import { loadSchema } from '../engine/schema-folder';
import { handlers, type DatabaseMethod } from './handlers';

// One engine function on one database, described in plain data so it can run in a worker thread:
// engine functions are synchronous (better-sqlite3), and a host that ran them on its own thread
// could not answer a health check, a cancel or another client until they finished.

/** health: the health worker's check; scheduledBackup: a backup the host's timer takes (reason 'scheduled'), not a contract method. */
export type EngineJobName = DatabaseMethod | 'health' | 'scheduledBackup';

export interface EngineJob {
  name: EngineJobName;
  /** The method's own options (for 'health': the database's name in the document). */
  options: Record<string, unknown>;
  dbPath: string;
  schemaDir: string;
  busyTimeoutMs?: number;
  /** Whom the host runs it for ("alice via warden serve"): the history rows it writes name them. */
  operator?: string;
  /** The latest quick_check the host kept for this file (status and health reuse it while the file is unchanged). */
  knownIntegrity?: CheckedIntegrity;
}

export interface JobReporting {
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
  onLog?: (log: LogEvent) => void;
}

/** Runs engine jobs somewhere that keeps the host responsive (see engine-workers.ts). */
export interface EngineRunner {
  run(job: EngineJob, reporting?: JobReporting): Promise<unknown>;
  close(): Promise<void>;
}

export type WorkerRequest = EngineJob & { cancelFlag: SharedArrayBuffer };
export type WorkerReply =
  | { kind: 'progress'; progress: Progress }
  | { kind: 'log'; log: LogEvent }
  | { kind: 'done'; result: unknown }
  | { kind: 'failed'; error: ErrorInfo };

/** Runs a job on this thread with a context built from it (the worker's side). */
export function runEngineJob(job: EngineJob, reporting: Omit<EngineContext, 'dbPath' | 'schema' | 'busyTimeoutMs'>): unknown {
  const ctx: EngineContext = { dbPath: job.dbPath, schema: loadSchema(job.schemaDir), busyTimeoutMs: job.busyTimeoutMs, knownIntegrity: job.knownIntegrity, ...reporting };
  if (job.name === 'health') return checkHealth(ctx, String(job.options.name));
  if (job.name === 'scheduledBackup') return actingAs(job.operator, () => backup(ctx, { reason: 'scheduled' }));
  const handler = handlers[job.name];
  if (handler?.runs !== 'engine') throw new WardenError('NOT_SUPPORTED', `${job.name} is not an engine method of this version.`);
  // Cancelled between the host's queue and this worker: it never starts.
  throwIfCancelled(ctx, job.name);
  return actingAs(job.operator, () => (handler.handle as (ctx: EngineContext, options: Record<string, unknown>) => unknown)(ctx, job.options));
}
