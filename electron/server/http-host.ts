import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { isMethodName } from '../../shared/contract';
import type { ErrorInfo } from '../../shared/errors';
import { HTTP_EVENTS_ROUTE, HTTP_HEALTH_ROUTE, type CallEnvelope } from '../../shared/transport';
import type { DatabaseEntry } from '../../shared/types/databases';
import { detectedFormatNote, type HealthCheck, loadSchema, publicHealthDocument } from '../engine';
import { CONTENT_SECURITY_POLICY } from '../api/content-security-policy';
import { DatabaseRegistry } from '../api/database-registry';
import { dispatch } from '../api/dispatch';
import { ENGINE_WORKER_ENTRY } from '../api/engine-worker-entry';
import { EngineLanes } from '../api/engine-lanes';
import { EngineWorkers } from '../api/engine-workers';
import { errorInfoOf } from '../api/error-info';
import type { HostContext } from '../api/host-context';
import { IntegrityMemory } from '../api/integrity-memory';
import { jobForReadOnly, Jobs } from '../api/jobs';
import { methodsAllowed } from '../api/read-only-methods';
import { describeRemoved, interruptedJobs, JobJournal, removeAbandonedCopiesOf } from '../api/job-journal';
import { fleetCapabilities, type FleetDeadlines } from '../fleet/fleet-capabilities';
import { Operations } from '../api/operations';
import { SchemaCatalog } from '../api/schema-catalog';
import { EventStream, MAX_STREAMS, type EventView } from './event-stream';
import { HealthMonitor } from './health-monitor';
import { HTTP_STATUS } from './http-status';
import { BodyTooLarge, ClientGone, discardBody, readJsonBody } from './json-body';
import { bearerToken, createToken, hostAllowed, hostHeadersFor, operatorFrom } from './request-guards';
import { FleetProxy } from './fleet-proxy';
import type { Fleet } from '../fleet/fleet-file';
import { metricsText, METRICS_CONTENT_TYPE, type DatabaseSample } from './metrics';
import { mayCall, refusedToReadOnly, roleOf, type HostTokens } from './token-roles';
import { BackupSchedule } from '../api/backup-schedule';
import { newestVerifiedBackup } from '../../shared/newest-verified-backup';
import type { BackupInfo } from '../../shared/types/backups';
import type { HostInfo } from '../../shared/types/jobs';
import { resolveStaticFile, sendStaticFile } from './static-files';

// The headless host: the API of the handler table over HTTP (POST /api/<method>), events as
// server-sent events, GET /api/health for load balancers, and the built console as static files.
// See shared/transport.ts for the wire format.

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

const METRICS_ROUTE = '/metrics';
const HEALTH_BUSY_TIMEOUT_MS = 2_000;
const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
/** How much of a refused body is read (and dropped) so that its 413 reaches the client, and for how long. */
const DISCARD_MAX_BYTES = 64 * 1024 * 1024;
const DISCARD_MAX_MS = 10_000;

const SECURITY_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  // The console's URL carries the token: never send it on as a referrer.
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

function sendJson(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...SECURITY_HEADERS, ...extra, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, error: ErrorInfo, extra: Record<string, string> = {}): void {
  const envelope: CallEnvelope<never> = { ok: false, error };
  sendJson(res, status, envelope, extra);
}

/** The read-only token's events: jobs without their content (a query's SQL, an error's words). */
const readOnlyView: EventView = (event) => (event.type === 'job' ? { ...event, job: jobForReadOnly(event.job) } : event);

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
  const schemas = new SchemaCatalog(dirname(schema.dir), schema.name, served.map((db) => db.schemaDir));
  for (const db of served) registry.add(db.path, schemas.nameOfDir(db.schemaDir));
  // What a previous run killed mid-job left: its unfinished copies are removed now, and its jobs listed as interrupted.
  const say = (message: string) => console.error(`warden serve: ${message}`);
  const detected = detectedFormatNote(schema);
  if (detected) say(detected);
  const removedCopies = removeAbandonedCopiesOf(registry.list().map((d) => d.path), say);
  for (const line of describeRemoved(removedCopies)) say(line);
  const interrupted = interruptedJobs(dataDir, removedCopies);
  const journal = new JobJournal(dataDir, say);
  const pathOf = (db: string) => registry.list().find((d) => d.id === db)?.path ?? null;
  const events = new EventStream();
  registry.onChange((selected) => events.broadcast({ type: 'databases', databases: registry.list(), selected: selected?.id ?? null }));

  const size = options.workers ?? Math.max(2, Math.min(4, availableParallelism()));
  const engine = new EngineLanes({ entry: ENGINE_WORKER_ENTRY, size });
  const healthWorker = new EngineWorkers({ entry: ENGINE_WORKER_ENTRY, size: 1 });
  const host: HostContext = {
    registry,
    schemas,
    operations: new Operations(),
    jobs: new Jobs((job) => {
      journal.record(job, pathOf(job.db));
      events.broadcast({ type: 'job', job });
      // A backup, migrate, restore… has just changed what /api/health and /metrics report: the next answer checks afresh, not up to an interval later.
      if (job.state !== 'running' && job.kind !== 'query') health.invalidate();
    }),
    integrity: new IntegrityMemory(),
    identity: { via: 'warden serve', operator: options.operator ?? null, asksForOperator: !options.operator },
    engine,
    emit: (event) => events.broadcast(event),
    capabilities: {
      placeNewDatabase: async (fileName) => join(dataDir, fileName),
    },
  };
  host.jobs.keepInterrupted(interrupted);
  for (const job of interrupted) say(`The ${job.kind} on ${job.db} started by ${job.startedBy} at ${job.startedAt} was interrupted. ${job.left?.join(' ') ?? ''}`);
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
    const job = { name: 'health' as const, options: { name: db.id }, dbPath: db.path, schemaDir: schemas.dirOf(db.schema), busyTimeoutMs: HEALTH_BUSY_TIMEOUT_MS, knownIntegrity: host.integrity.recall(db.path) };
    const started = performance.now();
    const { status, health } = (await healthWorker.run(job)) as HealthCheck;
    const checkMs = performance.now() - started;
    host.integrity.remember(db.path, status);
    events.broadcast({ type: 'status', db: db.id, status });
    samples.set(db.id, { health, checkMs, lastVerifiedBackupAt: await lastVerifiedBackupAt(job) });
    return health;
  }
  // A backup opened to look at (openBackup) is not a served database: the health endpoint and /metrics leave it out.
  const health = new HealthMonitor(() => Promise.all(registry.list().filter((d) => d.backupOf === undefined).map(checkDatabase)), options.healthIntervalMs);
  health.start();
  // A database closed or created: the health endpoint answers for the new list at once.
  registry.onChange(() => health.invalidate());

  let allowedHosts = new Set<string>();

  async function answerHealth(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, { code: 'NOT_SUPPORTED', message: 'The health endpoint answers GET.' }, { Allow: 'GET, HEAD' });
    // Probes need no token, but paths and reasons are for those who hold it.
    const authorized = roleOf(tokens, bearerToken(req)) !== null;
    try {
      const document = await health.current();
      sendJson(res, document.status === 'unhealthy' ? 503 : 200, authorized ? document : publicHealthDocument(document));
    } catch (err) {
      // The checks themselves could not run: to a load balancer that is as bad as a broken database.
      console.error('warden serve: the health check could not run:', err);
      sendError(res, 503, authorized ? errorInfoOf(err) : { code: 'INTERNAL', message: 'The health check could not run; the server log says why.' });
    }
  }

  async function answerApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const isEvents = url.pathname === HTTP_EVENTS_ROUTE;
    // EventSource cannot send headers, so the events stream alone also takes the token in its URL.
    const presented = bearerToken(req) ?? (isEvents ? url.searchParams.get('token') : null);
    const role = roleOf(tokens, presented);
    if (role === null) {
      return sendError(res, 401, { code: 'UNAUTHORIZED', message: 'This request needs the token that `warden serve` printed when it started.', hint: 'Send it as "Authorization: Bearer <token>".' }, { 'WWW-Authenticate': 'Bearer' });
    }
    if (isEvents) {
      if (req.method !== 'GET') return sendError(res, 405, { code: 'NOT_SUPPORTED', message: 'The events stream answers GET.' }, { Allow: 'GET' });
      if (events.attach(req, res, SECURITY_HEADERS, role === 'read-only' ? readOnlyView : undefined)) return;
      return sendError(res, 503, { code: 'LOCKED', message: `${MAX_STREAMS} consoles are connected to this server already, the most it serves at once.`, hint: 'Close a console tab you no longer use, then reload this one.' }, { 'Retry-After': '30' });
    }
    const method = url.pathname.slice('/api/'.length);
    if (!isMethodName(method)) return sendError(res, 404, { code: 'NOT_FOUND', message: `There is no API method named "${method}".`, hint: 'See shared/contract.ts for the methods.' });
    if (req.method !== 'POST') return sendError(res, 405, { code: 'NOT_SUPPORTED', message: `API methods are called with POST (got ${req.method}).` }, { Allow: 'POST' });
    if (!mayCall(role, method)) return sendError(res, 403, refusedToReadOnly(method));
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? 'application/json')) {
      return sendError(res, 415, { code: 'INVALID_INPUT', message: 'The request body must be JSON (Content-Type: application/json).' });
    }
    // The body is read first, so that a refusal reaches a client still sending it.
    const body = await readJsonBody(req, maxBodyBytes);
    const operator = operatorFrom(req);
    if (typeof operator === 'object') return sendError(res, 400, operator);
    const envelope = await dispatch(host, method, body, { operator, readOnly: role === 'read-only' });
    sendJson(res, envelope.ok ? 200 : HTTP_STATUS[envelope.error.code], envelope);
  }

  /** GET /metrics for Prometheus, with either token (a scraper's `authorization` bearer token). */
  async function answerMetrics(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (roleOf(tokens, bearerToken(req)) === null) {
      return sendError(res, 401, { code: 'UNAUTHORIZED', message: 'GET /metrics needs the operator or the read-only token of this `warden serve`.', hint: 'Send it as "Authorization: Bearer <token>" (Prometheus: authorization.credentials_file in the scrape config).' }, { 'WWW-Authenticate': 'Bearer' });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, { code: 'NOT_SUPPORTED', message: 'The metrics endpoint answers GET.' }, { Allow: 'GET, HEAD' });
    const document = await health.current();
    const current = document.databases.flatMap((d) => samples.get(d.name) ?? []);
    const text = await metricsText(current);
    res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': METRICS_CONTENT_TYPE, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : text);
  }

  /** /fleet/<name>/api/<method>: a deployment's API through this host, with this host's token (see fleet-proxy.ts). */
  async function answerFleet(req: IncomingMessage, res: ServerResponse, url: URL, name: string, method: string): Promise<void> {
    const isEvents = method === 'events';
    const role = roleOf(tokens, bearerToken(req) ?? (isEvents ? url.searchParams.get('token') : null));
    if (role === null) return sendError(res, 401, { code: 'UNAUTHORIZED', message: 'This request needs the token that `warden serve` printed when it started.' }, { 'WWW-Authenticate': 'Bearer' });
    const deployment = proxy?.deployment(name) ?? null;
    if (!proxy || !deployment) return sendError(res, 404, { code: 'NOT_FOUND', message: `The fleet of this host has no deployment named "${name}".` });
    if (isEvents) return proxy.attachEvents(deployment, events, req, res, SECURITY_HEADERS);
    if (req.method !== 'POST') return sendError(res, 405, { code: 'NOT_SUPPORTED', message: `API methods are called with POST (got ${req.method}).` }, { Allow: 'POST' });
    if (isMethodName(method) && !mayCall(role, method)) return sendError(res, 403, refusedToReadOnly(method));
    const body = await readJsonBody(req, maxBodyBytes);
    const operator = operatorFrom(req);
    if (typeof operator === 'object') return sendError(res, 400, operator);
    const reply = await proxy.call(deployment, method, body, operator);
    // The agent answers for its own (operator) token; what this console may do is this host's token's.
    if (method === 'hostInfo' && reply.body.ok) Object.assign(reply.body.result as HostInfo, { readOnly: role === 'read-only', mayCall: methodsAllowed(role === 'read-only') });
    sendJson(res, reply.status, reply.body);
  }

  function answerStatic(req: IncomingMessage, res: ServerResponse, url: URL): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, { code: 'NOT_SUPPORTED', message: 'Only GET is served here.' }, { Allow: 'GET, HEAD' });
    const file = resolveStaticFile(options.rendererDir, url.pathname);
    if (file) return sendStaticFile(res, file, req.method === 'HEAD', SECURITY_HEADERS);
    const built = existsSync(options.rendererDir);
    sendError(res, 404, built ? { code: 'NOT_FOUND', message: `Nothing is served at ${url.pathname}.` } : { code: 'NOT_FOUND', message: 'The console is not built.', hint: 'Run `npx electron-vite build`, then reload.' });
  }

  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://warden.invalid');
    if (url.pathname === HTTP_HEALTH_ROUTE) return answerHealth(req, res);
    if (!hostAllowed(req, allowedHosts)) {
      return sendError(res, 421, { code: 'UNAUTHORIZED', message: `This server answers only requests addressed to it (Host: ${[...allowedHosts][0]}), not to "${req.headers.host ?? ''}".`, hint: 'Use the URL `warden serve` printed.' });
    }
    if (url.pathname.startsWith('/api/')) return answerApi(req, res, url);
    const fleetRoute = /^\/fleet\/([A-Za-z0-9_.-]{1,64})\/api\/([A-Za-z]+)$/.exec(url.pathname);
    if (fleetRoute) return answerFleet(req, res, url, fleetRoute[1], fleetRoute[2]);
    if (url.pathname === METRICS_ROUTE) return answerMetrics(req, res);
    answerStatic(req, res, url);
  }

  const server: Server = createServer((req, res) => {
    answer(req, res).catch((err: unknown) => {
      if (err instanceof BodyTooLarge) {
        // Drop the rest of the body (up to a point), answer, then close the connection.
        return void discardBody(req, DISCARD_MAX_BYTES, DISCARD_MAX_MS).then((drained) => drained && sendError(res, 413, err.toInfo(), { Connection: 'close' }));
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
