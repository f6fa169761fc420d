import { randomUUID } from 'node:crypto';
import { newestVerifiedBackup } from '../../shared/newest-verified-backup';
import type { BackupInfo, BackupScheduleInfo } from '../../shared/types/backups';
import type { DatabaseEntry } from '../../shared/types/databases';
import type { HostEvent } from '../../shared/types/jobs';
import { actorFor } from '../engine';
import { errorInfoOf } from './error-info';
import type { DatabaseRegistry } from './database-registry';
import type { EngineRunner } from './engine-runner';
import type { Jobs } from './jobs';
import type { Operations } from './operations';
import type { SchemaCatalog } from './schema-catalog';

// Scheduled backups (`warden serve --backup-every 6h`, the desktop app's setting): the host's
// timer takes a verified backup of each database it serves once its newest verified backup is
// older than the interval, through the engine's own backup (reason 'scheduled', under the same
// retention rules), kept as a host job. Due times come from the backups themselves, so a host
// restarted every hour still backs up once a day; a database with a write running is skipped and
// looked at again a minute later.

/** What the schedule uses of its host (HostContext's parts, named here so the two do not import each other). */
export interface ScheduleHost {
  registry: DatabaseRegistry;
  schemas: SchemaCatalog;
  engine: EngineRunner;
  jobs: Jobs;
  operations: Operations;
  identity: { via: string };
  emit(event: HostEvent): void;
}

/** Jobs that write the database (or take a backup of it themselves): a scheduled backup waits for them. */
const WRITING_JOBS = new Set(['backup', 'migrate', 'repair', 'restore', 'recoverRows', 'initialize']);
const RETRY_BUSY_MS = 60_000;

interface DatabaseSchedule {
  nextAt: number | null;
  last: BackupScheduleInfo['last'];
}

export class BackupSchedule {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private readonly state = new Map<string, DatabaseSchedule>();
  private stopped = false;

  constructor(
    private readonly host: ScheduleHost,
    private everyMs: number | null,
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts the timer: the first look is at once (a database never backed up is due now). */
  start(): void {
    this.stopped = false;
    this.arm(0);
  }

  /** A new interval (null: off), e.g. from the desktop app's setting: due times are worked out again at once. */
  setEvery(everyMs: number | null): void {
    this.everyMs = everyMs;
    this.state.clear();
    if (!this.stopped) this.arm(0);
  }

  get every(): number | null {
    return this.everyMs;
  }

  /** Stops the timer and waits for a backup it started. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** What the Backups view shows: the interval, the last scheduled backup (or failure) and when the next is due. */
  infoOf(db: string): Omit<BackupScheduleInfo, 'settable'> {
    const found = this.state.get(db);
    return { everyMs: this.everyMs, last: found?.last ?? null, nextAt: this.everyMs && found?.nextAt != null ? new Date(found.nextAt).toISOString() : null };
  }

  /** One look at every database: back up those due, then sleep until the earliest next one. Exposed for tests. */
  async runDue(): Promise<void> {
    if (this.running) return this.running;
    this.running = (async () => {
      const next: number[] = [];
      for (const db of this.host.registry.list().filter((d) => d.backupOf === undefined)) {
        if (this.everyMs === null || this.stopped) break;
        next.push(await this.lookAt(db, this.everyMs));
      }
      if (next.length && !this.stopped) this.arm(Math.max(1000, Math.min(...next) - this.now()));
    })().finally(() => (this.running = null));
    return this.running;
  }

  private arm(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.everyMs === null || this.stopped) return;
    this.timer = setTimeout(() => void this.runDue(), delayMs);
    this.timer.unref?.();
  }

  private remember(db: string, change: Partial<DatabaseSchedule>): void {
    this.state.set(db, { nextAt: null, last: null, ...this.state.get(db), ...change });
  }

  /** When `db` is due next, after backing it up if it is due now. */
  private async lookAt(db: DatabaseEntry, everyMs: number): Promise<number> {
    const job = { dbPath: db.path, schemaDir: this.host.schemas.dirOf(db.schema), options: {} };
    let newest: BackupInfo | null = null;
    try {
      newest = newestVerifiedBackup((await this.host.engine.run({ ...job, name: 'backups' })) as BackupInfo[]);
    } catch {
      newest = null; // an unreadable folder: the backup itself says why
    }
    const dueAt = newest ? Date.parse(newest.createdAt) + everyMs : this.now();
    if (dueAt > this.now()) {
      this.remember(db.id, { nextAt: dueAt });
      return dueAt;
    }
    if (this.host.jobs.list().some((j) => j.state === 'running' && j.db === db.id && WRITING_JOBS.has(j.kind))) {
      const retryAt = this.now() + Math.min(everyMs, RETRY_BUSY_MS);
      this.remember(db.id, { nextAt: retryAt });
      return retryAt;
    }
    await this.backUp(db, job);
    const nextAt = this.now() + everyMs;
    this.remember(db.id, { nextAt });
    return nextAt;
  }

  private async backUp(db: DatabaseEntry, job: { dbPath: string; schemaDir: string; options: Record<string, unknown> }): Promise<void> {
    const operator = `backup schedule via ${this.host.identity.via}`;
    const id = `job-${randomUUID()}`;
    const operation = this.host.operations.start(id);
    const kept = this.host.jobs.start({ id, kind: 'backup', db: db.id, options: { scheduled: true }, startedBy: actorFor(operator) });
    try {
      const taken = (await this.host.engine.run(
        { ...job, name: 'scheduledBackup', operator },
        {
          signal: operation.signal,
          onProgress: (progress) => {
            kept.progress(progress);
            this.host.emit({ type: 'progress', operationId: id, db: db.id, progress });
          },
        },
      )) as BackupInfo;
      kept.done(taken);
      this.remember(db.id, { last: { at: taken.createdAt, ok: true, name: taken.name, error: null } });
    } catch (err) {
      const error = errorInfoOf(err);
      kept.failed(error);
      this.remember(db.id, { last: { at: new Date(this.now()).toISOString(), ok: false, name: null, error: error.message } });
    } finally {
      operation.finish();
    }
  }
}
