import type { DeploymentStatus } from '../../shared/types/fleet';
import { nowIso } from '../engine';
import { addressOf, type Deployment } from './fleet-file';

// `fleet status` asks every deployment at once and reports after a bounded wait: one hung agent
// held the whole status (CLI, HTTP fleet API, the Fleet page) for its 20 s deadline. What has
// answered by then is reported; the rest are named as still waiting. A host keeps its asks
// across reports, so an answer that comes after one report is in the next (the Fleet page polls
// while a deployment is waiting), and a deployment already being asked is not asked again.

export type AskStatus = (deployment: Deployment, signal: AbortSignal) => Promise<DeploymentStatus>;

interface Ask {
  promise: Promise<DeploymentStatus>;
  since: string;
}

type Settled = { ok: true; status: DeploymentStatus } | { ok: false; error: unknown };

export class StatusAsking {
  private readonly underWay = new Map<string, Ask>();
  /** Each deployment's last answer, however late it came. */
  private readonly lastAnswers = new Map<string, DeploymentStatus>();
  private readonly abandoned = new AbortController();
  private running = 0;
  private readonly queue: (() => void)[] = [];

  /**
   * `concurrency`: how many deployments are asked at the same time. `whatNext`: what the person
   * can do about a deployment still waiting, in the report's words.
   */
  constructor(
    private readonly concurrency: number,
    private readonly whatNext: string,
  ) {}

  /** Every deployment's answer that comes within `waitMs`; the others as still waiting (their last answer, if any). */
  async collect(deployments: Deployment[], ask: AskStatus, waitMs: number): Promise<DeploymentStatus[]> {
    const asks = deployments.map((d) => this.askOnce(d, ask));
    const settled = new Map<Ask, Settled>();
    const all = Promise.all(
      asks.map((a) =>
        a.promise.then(
          (status) => settled.set(a, { ok: true, status }),
          (error: unknown) => settled.set(a, { ok: false, error }),
        ),
      ),
    );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([all, new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)))]);
    clearTimeout(timer);
    return deployments.map((d, i) => {
      const outcome = settled.get(asks[i]);
      if (outcome === undefined) return this.stillWaiting(d, asks[i].since, waitMs);
      if (!outcome.ok) throw outcome.error; // a fault of this host, not of the deployment: as before the wait, the status fails
      return outcome.status;
    });
  }

  /** Stops every ask under way (a CLI that has printed its report must not wait for them to end). */
  abandon(): void {
    this.abandoned.abort();
  }

  private askOnce(deployment: Deployment, ask: AskStatus): Ask {
    const under = this.underWay.get(deployment.name);
    if (under) return under;
    const promise = this.inLane(() => ask(deployment, this.abandoned.signal)).then((status) => {
      this.lastAnswers.set(deployment.name, status);
      return status;
    });
    const done = () => this.underWay.delete(deployment.name);
    promise.then(done, done); // also handles a late failure, which no report is waiting for any more
    const fresh = { promise, since: nowIso() };
    this.underWay.set(deployment.name, fresh);
    return fresh;
  }

  /** At most `concurrency` asks at once; a freed place is handed straight to the next in line. */
  private async inLane<T>(work: () => Promise<T>): Promise<T> {
    if (this.running < this.concurrency) this.running++;
    else await new Promise<void>((resolve) => this.queue.push(resolve));
    try {
      // Still in line when the report went out without it: not started at all (a local file would still be read).
      if (this.abandoned.signal.aborted) throw new Error('abandoned before it was asked');
      return await work();
    } finally {
      const next = this.queue.shift();
      if (next) next();
      else this.running--;
    }
  }

  private stillWaiting(deployment: Deployment, since: string, waitMs: number): DeploymentStatus {
    const waited = `no answer within ${waitMs / 1000} s (asked at ${since})`;
    const last = this.lastAnswers.get(deployment.name);
    if (last)
      return { ...last, waitingSince: since, reason: `Still waiting: ${waited}; its last answer, checked at ${last.checkedAt}, follows. ${last.reason}` };
    return {
      name: deployment.name,
      group: deployment.group,
      address: addressOf(deployment),
      status: 'waiting',
      waitingSince: since,
      reason: `Still waiting: ${waited}, and no earlier answer; ${this.whatNext}.`,
      version: null,
      latest: null,
      pending: [],
      drift: { errors: 0, warnings: 0, first: null },
      lastVerifiedBackup: null,
      checkedAt: nowIso(),
    };
  }
}
