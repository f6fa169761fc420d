import { parentPort, workerData } from 'node:worker_threads';
import { useSqliteAddon, WardenError } from '../engine';
import { runEngineJob } from './engine-job';
import type { WorkerReply, WorkerRequest } from './engine-runner';
import { errorInfoOf } from './error-info';

// The engine worker thread: runs one job at a time for EngineWorkers and reports back.

const port = parentPort!;
useSqliteAddon((workerData as { sqliteAddon?: string } | null)?.sqliteAddon);

function reply(message: WorkerReply): void {
  port.postMessage(message);
}

port.on('message', async (request: WorkerRequest) => {
  const cancelFlag = new Int32Array(request.cancelFlag);
  const controller = new AbortController();
  // The engine checks its signal between steps; the host's cancel arrives as a shared flag.
  const noticeCancel = () => {
    if (Atomics.load(cancelFlag, 0) === 1 && !controller.signal.aborted) controller.abort();
  };
  noticeCancel();
  // A job that awaits (a query in its own process) reports nothing while it waits, so the flag is
  // also polled; a synchronous job blocks this timer and is served by its reports as before.
  const poll = setInterval(noticeCancel, 50);
  try {
    const result = await runEngineJob(request, {
      signal: controller.signal,
      onProgress: (progress) => {
        noticeCancel();
        reply({ kind: 'progress', progress });
      },
      onLog: (log) => {
        noticeCancel();
        reply({ kind: 'log', log });
      },
    });
    reply({ kind: 'done', result });
  } catch (err) {
    if (!(err instanceof WardenError)) console.error(`warden engine worker: ${request.name} failed unexpectedly:`, err);
    reply({ kind: 'failed', error: errorInfoOf(err) });
  } finally {
    clearInterval(poll);
  }
});
