import {
  actingAs,
  backup,
  checkHealth,
  type EngineContext,
  initialize,
  type InitializeOptions,
  isVerb,
  loadSchema,
  migrate,
  throwIfCancelled,
  verbOf,
  WardenError,
} from '../engine';
import type { EngineJob } from './engine-runner';

// One engine function on one database, described in plain data so it can run in a worker thread:
// engine functions are synchronous (better-sqlite3), and a host that ran them on its own thread
// could not answer a health check, a cancel or another client until they finished.

/** Runs a job on this thread with a context built from it (the worker's side). */
export async function runEngineJob(job: EngineJob, reporting: Omit<EngineContext, 'dbPath' | 'schema' | 'busyTimeoutMs' | 'backupDir'>): Promise<unknown> {
  const ctx: EngineContext = {
    dbPath: job.dbPath,
    schema: loadSchema(job.schemaDir),
    busyTimeoutMs: job.busyTimeoutMs,
    backupDir: job.backupDir,
    knownIntegrity: job.knownIntegrity,
    ...reporting,
  };
  if (job.name === 'health') return checkHealth(ctx, String(job.options.name));
  if (job.name === 'scheduledBackup') return actingAs(job.operator, () => backup(ctx, { reason: 'scheduled' }));
  if (job.name === 'initCommand') return actingAs(job.operator, () => initialize(ctx, job.options as InitializeOptions));
  if (job.name === 'migrateCommand') return actingAs(job.operator, () => migrate(ctx, job.options as InitializeOptions));
  if (!isVerb(job.name)) throw new WardenError('NOT_SUPPORTED', `${job.name} is not an engine method of this version.`);
  const verb = verbOf(job.name);
  // Cancelled between the host's queue and this worker: it never starts.
  throwIfCancelled(ctx, job.name);
  return actingAs(job.operator, () => verb.run(ctx, job.options as never));
}
