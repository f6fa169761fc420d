import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isMethodName } from '../../shared/contract';
import type { ErrorInfo } from '../../shared/errors';
import { HTTP_EVENTS_ROUTE, HTTP_HEALTH_ROUTE, type CallEnvelope } from '../../shared/transport';
import { publicHealthDocument } from '../engine';
import { CONTENT_SECURITY_POLICY } from '../api/content-security-policy';
import { dispatch } from '../api/dispatch';
import { errorInfoOf } from '../api/error-info';
import type { HostContext } from '../api/host-context';
import { jobForReadOnly } from '../api/jobs';
import { methodsAllowed } from '../api/read-only-methods';
import { type EventStream, MAX_STREAMS, type EventView } from './event-stream';
import type { HealthMonitor } from './health-monitor';
import { HTTP_STATUS } from './http-status';
import { readJsonBody } from './json-body';
import { bearerToken, hostAllowed, operatorFrom } from './request-guards';
import type { FleetProxy } from '../fleet/fleet-proxy';
import { metricsText, METRICS_CONTENT_TYPE, type DatabaseSample } from './metrics';
import { mayCall, refusedToReadOnly, roleOf, type HostTokens } from './token-roles';
import type { HostInfo } from '../../shared/types/jobs';
import { resolveStaticFile, sendStaticFile } from './static-files';
import { EXPORT_DOWNLOAD_ROUTE } from '../api/result-export';
import { answerDownload } from './export-download';

// warden serve's routes: GET /api/health for load balancers, POST /api/<method> into the one
// dispatch both hosts share, the events stream, GET /metrics, each fleet deployment's API through
// this host, and the built console as static files. The listener (http-host.ts) builds the host and
// hands every request here. See shared/transport.ts for the wire format.

const METRICS_ROUTE = '/metrics';
/** How much of a refused body is read (and dropped) so that its 413 reaches the client, and for how long. */
export const DISCARD_MAX_BYTES = 64 * 1024 * 1024;
export const DISCARD_MAX_MS = 10_000;

const SECURITY_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  // The console's URL carries the token: never send it on as a referrer.
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

function sendJson(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    ...extra,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, error: ErrorInfo, extra: Record<string, string> = {}): void {
  const envelope: CallEnvelope<never> = { ok: false, error };
  sendJson(res, status, envelope, extra);
}

/** The read-only token's events: jobs without their content (a query's SQL, an error's words), and errors without their words (an export's query). */
const readOnlyView: EventView = (event) => {
  if (event.type === 'job') return { ...event, job: jobForReadOnly(event.job) };
  if (event.type === 'log' && event.log.level === 'error') return { ...event, log: { ...event.log, message: 'An operation failed; the operator sees why.' } };
  return event;
};

/** What the routes answer from: the host, its tokens, its health checks and event stream, its fleet. */
export interface RouteDeps {
  host: HostContext;
  tokens: HostTokens;
  health: HealthMonitor;
  events: EventStream;
  /** The last check of each database, for GET /metrics. */
  samples: Map<string, DatabaseSample>;
  proxy: FleetProxy | null;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  maxBodyBytes: number;
  /** The Host headers this server answers to (known once it listens). */
  allowedHosts: () => Set<string>;
}

/** The function that answers each request. */
export function httpRoutes(deps: RouteDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { host, tokens, health, events, samples, proxy, rendererDir, maxBodyBytes } = deps;

  async function answerHealth(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return sendError(res, 405, { code: 'NOT_SUPPORTED', message: 'The health endpoint answers GET.' }, { Allow: 'GET, HEAD' });
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
      return sendError(
        res,
        401,
        {
          code: 'UNAUTHORIZED',
          message: 'This request needs the token that `warden serve` printed when it started.',
          hint: 'Send it as "Authorization: Bearer <token>".',
        },
        { 'WWW-Authenticate': 'Bearer' },
      );
    }
    if (isEvents) {
      if (req.method !== 'GET') return sendError(res, 405, { code: 'NOT_SUPPORTED', message: 'The events stream answers GET.' }, { Allow: 'GET' });
      if (events.attach(req, res, SECURITY_HEADERS, role === 'read-only' ? readOnlyView : undefined)) return;
      return sendError(
        res,
        503,
        {
          code: 'LOCKED',
          message: `${MAX_STREAMS} consoles are connected to this server already, the most it serves at once.`,
          hint: 'Close a console tab you no longer use, then reload this one.',
        },
        { 'Retry-After': '30' },
      );
    }
    const method = url.pathname.slice('/api/'.length);
    if (!isMethodName(method))
      return sendError(res, 404, { code: 'NOT_FOUND', message: `There is no API method named "${method}".`, hint: 'See shared/contract.ts for the methods.' });
    if (req.method !== 'POST')
      return sendError(res, 405, { code: 'NOT_SUPPORTED', message: `API methods are called with POST (got ${req.method}).` }, { Allow: 'POST' });
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
      return sendError(
        res,
        401,
        {
          code: 'UNAUTHORIZED',
          message: 'GET /metrics needs the operator or the read-only token of this `warden serve`.',
          hint: 'Send it as "Authorization: Bearer <token>" (Prometheus: authorization.credentials_file in the scrape config).',
        },
        { 'WWW-Authenticate': 'Bearer' },
      );
    }
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return sendError(res, 405, { code: 'NOT_SUPPORTED', message: 'The metrics endpoint answers GET.' }, { Allow: 'GET, HEAD' });
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
    if (role === null)
      return sendError(
        res,
        401,
        { code: 'UNAUTHORIZED', message: 'This request needs the token that `warden serve` printed when it started.' },
        { 'WWW-Authenticate': 'Bearer' },
      );
    const deployment = proxy?.deployment(name) ?? null;
    if (!proxy || !deployment) return sendError(res, 404, { code: 'NOT_FOUND', message: `The fleet of this host has no deployment named "${name}".` });
    if (isEvents) return proxy.attachEvents(deployment, events, req, res, SECURITY_HEADERS);
    if (req.method !== 'POST')
      return sendError(res, 405, { code: 'NOT_SUPPORTED', message: `API methods are called with POST (got ${req.method}).` }, { Allow: 'POST' });
    if (isMethodName(method) && !mayCall(role, method)) return sendError(res, 403, refusedToReadOnly(method));
    const body = await readJsonBody(req, maxBodyBytes);
    const operator = operatorFrom(req);
    if (typeof operator === 'object') return sendError(res, 400, operator);
    const reply = await proxy.call(deployment, method, body, operator);
    // The agent answers for its own (operator) token; what this console may do is this host's token's.
    if (method === 'hostInfo' && reply.body.ok)
      Object.assign(reply.body.result as HostInfo, { readOnly: role === 'read-only', mayCall: methodsAllowed(role === 'read-only') });
    sendJson(res, reply.status, reply.body);
  }

  function answerStatic(req: IncomingMessage, res: ServerResponse, url: URL): void {
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return sendError(res, 405, { code: 'NOT_SUPPORTED', message: 'Only GET is served here.' }, { Allow: 'GET, HEAD' });
    const file = resolveStaticFile(rendererDir, url.pathname);
    if (file) return sendStaticFile(res, file, req.method === 'HEAD', SECURITY_HEADERS);
    const built = existsSync(rendererDir);
    sendError(
      res,
      404,
      built
        ? { code: 'NOT_FOUND', message: `Nothing is served at ${url.pathname}.` }
        : { code: 'NOT_FOUND', message: 'The console is not built.', hint: 'Run `npx electron-vite build`, then reload.' },
    );
  }

  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://warden.invalid');
    if (url.pathname === HTTP_HEALTH_ROUTE) return answerHealth(req, res);
    if (!hostAllowed(req, deps.allowedHosts())) {
      return sendError(res, 421, {
        code: 'UNAUTHORIZED',
        message: `This server answers only requests addressed to it (Host: ${[...deps.allowedHosts()][0]}), not to "${req.headers.host ?? ''}".`,
        hint: 'Use the URL `warden serve` printed.',
      });
    }
    // A download carries its one-time ticket, not the token (a browser's download sends no header).
    if (url.pathname.startsWith(EXPORT_DOWNLOAD_ROUTE) && host.capabilities.exportTickets) {
      const ticket = url.pathname.slice(EXPORT_DOWNLOAD_ROUTE.length);
      return answerDownload(req, res, ticket, host, host.capabilities.exportTickets, SECURITY_HEADERS, sendError);
    }
    if (url.pathname.startsWith('/api/')) return answerApi(req, res, url);
    const fleetRoute = /^\/fleet\/([A-Za-z0-9_.-]{1,64})\/api\/([A-Za-z]+)$/.exec(url.pathname);
    if (fleetRoute) return answerFleet(req, res, url, fleetRoute[1], fleetRoute[2]);
    if (url.pathname === METRICS_ROUTE) return answerMetrics(req, res);
    answerStatic(req, res, url);
  }

  return answer;
}
