import type { StatusReport } from '../../shared/types/status';
import type { HostContext } from './host-context';

// The desktop host's live status: every interval, each open database's status is read again in
// the engine workers and sent to the window, as `warden serve`'s health monitor does over HTTP.

/** A short wait for a lock: a locked database is reported as such next round rather than holding a worker. */
const WATCH_BUSY_TIMEOUT_MS = 2_000;

async function announceStatuses(host: HostContext): Promise<void> {
  await Promise.all(
    host.registry.list().map(async (db) => {
      const job = {
        name: 'status' as const,
        options: {},
        dbPath: db.path,
        schemaDir: host.schemas.dirOf(db.schema),
        busyTimeoutMs: WATCH_BUSY_TIMEOUT_MS,
        knownIntegrity: host.integrity.recall(db.path),
      };
      let status: StatusReport | null = null;
      try {
        status = (await host.engine.run(job)) as StatusReport;
      } catch {
        // The console asks again itself and shows the error in words (locked, not a database, …).
      }
      host.integrity.remember(db.path, status);
      host.emit({ type: 'status', db: db.id, status });
    }),
  );
}

/** Starts re-reading every interval; a round still running when the next is due is not doubled. Returns stop. */
export function watchStatuses(host: HostContext, intervalMs: number): () => void {
  let round: Promise<void> | null = null;
  const timer = setInterval(() => {
    round ??= announceStatuses(host).finally(() => (round = null));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
