import type { DatabaseHealth, HealthDocument } from '../../shared/types/status';
import { healthDocument } from '../engine';

// GET /api/health must stay fast however often it is polled: the document is rebuilt at most once
// per interval, by one refresh that concurrent requests share. The checks themselves (status +
// quick_check per database) run in a worker of their own, so a long migration or full integrity
// check in the API's workers never holds a health check up. Once started, it also re-checks every
// interval by itself, so that a database broken behind the host's back shows in open consoles.

export class HealthMonitor {
  private latest: { document: HealthDocument; at: number } | null = null;
  private refreshing: Promise<HealthDocument> | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** Bumped when the served databases change: a round that started before is not kept. */
  private generation = 0;

  constructor(
    private readonly check: () => Promise<DatabaseHealth[]>,
    private readonly intervalMs: number,
  ) {}

  async current(): Promise<HealthDocument> {
    if (this.latest && Date.now() - this.latest.at < this.intervalMs) return this.latest.document;
    this.refreshing ??= this.refresh();
    return this.refreshing;
  }

  start(): void {
    this.timer ??= setInterval(
      () => {
        this.refreshing ??= this.refresh();
        // A failed round is reported by the next GET /api/health; the timer tries again next interval.
        this.refreshing.catch((err: unknown) => console.error('warden serve: the health check could not run:', err));
        // At least a second apart: an interval of 0 means "never reuse a result", not "check without pause".
      },
      Math.max(this.intervalMs, 1_000),
    ).unref();
  }

  /** The served databases changed (one was closed or created): the next answer checks afresh. */
  invalidate(): void {
    this.generation++;
    this.latest = null;
    this.refreshing = null;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async refresh(): Promise<HealthDocument> {
    const generation = this.generation;
    try {
      const document = healthDocument(await this.check());
      if (generation === this.generation) this.latest = { document, at: Date.now() };
      return document;
    } finally {
      if (generation === this.generation) this.refreshing = null;
    }
  }
}
