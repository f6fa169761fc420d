import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { DatabaseEntry } from '../../shared/types/databases';
import { detectedFormatNote, type HealthCheck, loadSchema } from '../engine';
import { DatabaseRegistry } from '../api/database-registry';
import { ENGINE_WORKER_ENTRY } from '../api/engine-worker-entry';
import { EngineLanes } from '../api/engine-lanes';
import { EngineWorkers } from '../api/engine-workers';
import { errorInfoOf } from '../api/error-info';
import { ExportTickets } from '../api/export-tickets';
import { composeHost } from '../api/compose-host';
import { describeRemoved, interruptedJobs, JobJournal, removeAbandonedCopiesOf } from '../api/job-journal';
import { fleetCapabilities, type FleetDeadlines } from '../fleet/fleet-capabilities';
import { SchemaCatalog } from '../api/schema-catalog';
import { EventStream } from './event-stream';
import { HealthMonitor } from './health-monitor';
import { HTTP_STATUS } from './http-status';
import { BodyTooLarge, ClientGone, discardBody } from './json-body';
import { createToken, hostHeadersFor } from './request-guards';
import { FleetProxy } from '../fleet/fleet-proxy';
import type { Fleet } from '../fleet/fleet-file';
import type { DatabaseSample } from './metrics';
import type { HostTokens } from './token-roles';
import { BackupSchedule } from '../api/backup-schedule';
import { newestVerifiedBackup } from '../../shared/newest-verified-backup';
import type { BackupInfo } from '../../shared/types/backups';
import { DISCARD_MAX_BYTES, DISCARD_MAX_MS, httpRoutes, sendError } from './http-routes';

// The headless host's listener: builds the host (composeHost), its engine and health workers, its
// fleet and schedule, listens, and hands each request to its routes (http-routes.ts).

/** A database file to serve: its path (under schemaDir), or its path with its own schema folder. */
export type ServedDatabase = string | { path: string; schemaDir: string };

export interface HttpHostOptions {
  /** The database files this host serves; no others can be reached. */
  databases: ServedDatabase[];
  /** The schema of the databases named without their own; the schemas beside it can be used by createDatabase. */
  schemaDir: string;
  /** Where createDatabase puts new files (default: the folder of the first database). */
  dataDir?: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  healthIntervalMs: number;
  workers?: number;
  maxBodyBytes?: number;
  /** The person actions are recorded for when the console names none (`--operator`); without it the console asks. */
  operator?: string;
  /** `--fleet FILE`: the fleet page, and each deployment opened in the console through this host. */
  fleet?: { fleet: Fleet; defaultSchemaDir: string; deadlines?: FleetDeadlines };
  /** The operator's and the read-only token (each made at random when not given). */
  tokens?: Partial<HostTokens>;
  /** `--backup-every`: scheduled verified backups of each served database (see backup-schedule.ts). */
  backupEveryMs?: number;
}

export interface HttpHost {
  /** The server's address, e.g. http://127.0.0.1:7373 */
  origin: string;
  /** The console's address with this start's token. */
  consoleUrl: string;
  token: string;
  /** The read-only token: view and verify, change and download nothing (see token-roles.ts). */
  readOnlyToken: string;
  registry: DatabaseRegistry;
  close(): Promise<void>;
}

const HEALTH_BUSY_TIMEOUT_MS = 2_000;
const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

function bracketed(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export async function startHttpHost(options: HttpHostOptions): Promise<HttpHost> {
  const bindHost = options.host ?? '127.0.0.1';
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const schema = loadSchema(options.schemaDir);
  const served = options.databases.map((db) => (typeof db === 'string' ? { path: db, schemaDir: schema.dir } : db));
  const dataDir = resolve(options.dataDir ?? dirname(resolve(served[0]?.path ?? '.')));
  const tokens: HostTokens = { operator: options.tokens?.operator ?? createToken(), readOnly: options.tokens?.readOnly ?? createToken() };
  if (tokens.operator === tokens.readOnly) throw new Error('The operator token and the read-only token must differ.');
  const token = tokens.operator;

  const registry = new DatabaseRegistry();
  const schemas = new SchemaCatalog(
    dirname(schema.dir),
    schema.name,
    served.map((db) => db.schemaDir),
  );
  for (const db of served) registry.add(db.path, schemas.nameOfDir(db.schemaDir));
  // What a previous run killed mid-job left: its unfinished copies are removed now, and its jobs listed as interrupted.
  const say = (message: string) => console.error(`warden serve: ${message}`);
  const detected = detectedFormatNote(schema);
  if (detected) say(detected);
  const removedCopies = removeAbandonedCopiesOf(
    registry.list().map((d) => d.path),
    say,
  );
  for (const line of describeRemoved(removedCopies)) say(line);
  const interrupted = interruptedJobs(dataDir, removedCopies);
  const journal = new JobJournal(dataDir, say);
  const pathOf = (db: string) => registry.list().find((d) => d.id === db)?.path ?? null;
  const events = new EventStream();
  registry.onChange((selected) => events.broadcast({ type: 'databases', databases: registry.list(), selected: selected?.id ?? null }));

  const size = options.workers ?? Math.max(2, Math.min(4, availableParallelism()));
  const engine = new EngineLanes({ entry: ENGINE_WORKER_ENTRY, size });
  const healthWorker = new EngineWorkers({ entry: ENGINE_WORKER_ENTRY, size: 1 });
  const host = composeHost({
    registry,
    schemas,
    identity: { via: 'warden serve', operator: options.operator ?? null, asksForOperator: !options.operator },
    engine,
    emit: (event) => events.broadcast(event),
    capabilities: {
      placeNewDatabase: async (fileName) => join(dataDir, fileName),
      exportTickets: new ExportTickets(),
    },
    onJob: (job) => {
      journal.record(job, pathOf(job.db));
      // A backup, migrate, restore… has just changed what /api/health and /metrics report: the next answer checks afresh, not up to an interval later.
      if (job.state !== 'running' && job.kind !== 'query') health.invalidate();
    },
  });
  host.jobs.keepInterrupted(interrupted);
  for (const job of interrupted)
    say(`The ${job.kind} on ${job.db} started by ${job.startedBy} at ${job.startedAt} was interrupted. ${job.left?.join(' ') ?? ''}`);
  if (options.fleet) Object.assign(host.capabilities, fleetCapabilities(host, options.fleet.fleet, options.fleet.defaultSchemaDir, options.fleet.deadlines));
  if (options.backupEveryMs) {
    host.capabilities.backupSchedule = new BackupSchedule(host, options.backupEveryMs);
    host.capabilities.backupSchedule.start();
  }
  const proxy = options.fleet ? new FleetProxy(options.fleet.fleet, host, options.fleet.deadlines) : null;
  /** The last check of each database, for GET /metrics. */
  const samples = new Map<string, DatabaseSample>();
  /** When the newest verified backup was taken; a backup folder that cannot be read counts as none (its check says why). */
  async function lastVerifiedBackupAt(job: { dbPath: string; schemaDir: string }): Promise<string | null> {
    try {
      const backups = (await healthWorker.run({ ...job, name: 'backups', options: {} })) as BackupInfo[];
      return newestVerifiedBackup(backups)?.createdAt ?? null;
    } catch {
      return null;
    }
  }
  /** One database checked in the health worker; its status goes to every open console as it is found. */
  async function checkDatabase(db: DatabaseEntry) {
    const job = {
      name: 'health' as const,
      options: { name: db.id },
      dbPath: db.path,
      schemaDir: schemas.dirOf(db.schema),
      busyTimeoutMs: HEALTH_BUSY_TIMEOUT_MS,
      knownIntegrity: host.integrity.recall(db.path),
    };
    const started = performance.now();
    const { status, health } = (await healthWorker.run(job)) as HealthCheck;
    const checkMs = performance.now() - started;
    host.integrity.remember(db.path, status);
    events.broadcast({ type: 'status', db: db.id, status });
    samples.set(db.id, { health, checkMs, lastVerifiedBackupAt: await lastVerifiedBackupAt(job) });
    return health;
  }
  // A backup opened to look at (openBackup) is not a served database: the health endpoint and /metrics leave it out.
  const health = new HealthMonitor(
    () =>
      Promise.all(
        registry
          .list()
          .filter((d) => d.backupOf === undefined)
          .map(checkDatabase),
      ),
    options.healthIntervalMs,
  );
  health.start();
  // A database closed or created: the health endpoint answers for the new list at once.
  registry.onChange(() => health.invalidate());

  let allowedHosts = new Set<string>();
  const answer = httpRoutes({ host, tokens, health, events, samples, proxy, rendererDir: options.rendererDir, maxBodyBytes, allowedHosts: () => allowedHosts });

  const server: Server = createServer((req, res) => {
    answer(req, res).catch((err: unknown) => {
      if (err instanceof BodyTooLarge) {
        // Drop the rest of the body (up to a point), answer, then close the connection.
        return void discardBody(req, DISCARD_MAX_BYTES, DISCARD_MAX_MS).then(
          (drained) => drained && sendError(res, 413, err.toInfo(), { Connection: 'close' }),
        );
      }
      if (err instanceof ClientGone) return void res.destroy();
      const info = errorInfoOf(err);
      if (info.code === 'INTERNAL') console.error('warden serve: a request failed unexpectedly:', err);
      if (res.headersSent) res.destroy();
      else sendError(res, HTTP_STATUS[info.code], info);
    });
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, bindHost, () => resolveListen());
  });
  const { port } = server.address() as AddressInfo;
  allowedHosts = hostHeadersFor(bindHost, port);
  const shownHost = bindHost === '0.0.0.0' || bindHost === '::' ? '127.0.0.1' : bracketed(bindHost);
  const origin = `http://${shownHost}:${port}`;

  return {
    origin,
    consoleUrl: `${origin}/?token=${token}`,
    token,
    readOnlyToken: tokens.readOnly,
    registry,
    async close() {
      health.stop();
      await host.capabilities.backupSchedule?.stop();
      events.close();
      await proxy?.close();
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
      await Promise.all([engine.close(), healthWorker.close()]);
    },
  };
}
