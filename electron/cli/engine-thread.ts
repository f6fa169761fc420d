import { ENGINE_WORKER_ENTRY } from '../api/engine-worker-entry';
import type { EngineJob } from '../api/engine-runner';
import { EngineWorkers } from '../api/engine-workers';
import type { EngineContext } from '../engine';

// The long commands (init, migrate, verify) run the engine on a worker thread: its calls are
// synchronous (better-sqlite3), and the main thread must stay free to hear Ctrl-C while they run.

/** Runs one engine job on a worker thread with the context's database, reporting and cancel. */
export async function onEngineThread(ctx: EngineContext, name: EngineJob['name'], options: Record<string, unknown>): Promise<unknown> {
  const workers = new EngineWorkers({ entry: ENGINE_WORKER_ENTRY, size: 1 });
  try {
    const job: EngineJob = { name, options, dbPath: ctx.dbPath, schemaDir: ctx.schema.dir, busyTimeoutMs: ctx.busyTimeoutMs, backupDir: ctx.backupDir };
    return await workers.run(job, { signal: ctx.signal, onProgress: ctx.onProgress, onLog: ctx.onLog });
  } finally {
    await workers.close();
  }
}
