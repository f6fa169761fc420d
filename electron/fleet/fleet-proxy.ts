import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isMethodName, type MethodName } from '../../shared/contract';
import type { ErrorInfo } from '../../shared/errors';
import { HTTP_OPERATOR_HEADER, type CallEnvelope } from '../../shared/transport';
import { DatabaseRegistry } from '../api/database-registry';
import { dispatch } from '../api/dispatch';
import { Jobs } from '../api/jobs';
import { Operations } from '../api/operations';
import type { HostContext } from '../api/host-context';
import {
  AnswerAbandoned,
  answerDeadlineMs,
  envelopeOf,
  openEndpoint,
  refusalOf,
  send,
  Unreachable,
  type ClientOptions,
  type OpenEndpoint,
} from './deployment-client';
import type { Deployment, Fleet } from './fleet-file';
import type { HostEvent } from '../../shared/types/jobs';
import { subscribeAgentEvents } from './agent-events';
import type { EventStream } from '../server/event-stream';
import { HTTP_STATUS } from '../server/http-status';

// `warden serve --fleet FILE` opens any deployment in the full console: the page calls
// /fleet/<name>/api/<method> on this host, which passes the call on to that deployment's agent
// with the agent's token (read from where the fleet file says), so the browser never sees an
// agent's token. A local file of the fleet is served by this host's own engine. SSH tunnels are
// opened on first use and kept until the host stops.

/** Calls that are about this host's own list of databases, not about a deployment. */
const NOT_THROUGH_THE_FLEET = new Set<MethodName>([
  'openDatabase',
  'chooseSchemaFolder',
  'createDatabase',
  'closeDatabase',
  'fleetStatus',
  'fleetMigrate',
  'fleetVerify',
  'fleetBackup',
  'fleetCompare',
]);

export interface ProxyAnswer {
  status: number;
  body: CallEnvelope<unknown>;
}

const answer = (status: number, error: ErrorInfo): ProxyAnswer => ({ status, body: { ok: false, error } });

export class FleetProxy {
  private readonly endpoints = new Map<string, Promise<OpenEndpoint>>();
  private readonly localHosts = new Map<string, HostContext>();

  constructor(
    private readonly fleet: Fleet,
    private readonly host: HostContext,
    private readonly deadlines: Pick<ClientOptions, 'timeoutMs' | 'quickTimeoutMs'> = {},
  ) {}

  deployment(name: string): Deployment | null {
    return this.fleet.deployments.find((d) => d.name === name) ?? null;
  }

  /**
   * The host context a local file of the fleet is served with: this host's engine, that one file,
   * and jobs and operations of its own, so that whoever has the deployment open lists and cancels
   * only the deployment's jobs, never those of the host's own consoles.
   */
  private localHost(deployment: Deployment & { reach: { kind: 'file' } }): HostContext {
    let ctx = this.localHosts.get(deployment.name);
    if (!ctx) {
      const registry = new DatabaseRegistry();
      registry.add(deployment.reach.file, this.host.schemas.schemaOfFile(deployment.reach.file));
      const jobs = new Jobs((job) => this.host.emit({ type: 'job', job }));
      ctx = { ...this.host, registry, jobs, operations: new Operations() };
      this.localHosts.set(deployment.name, ctx);
    }
    return ctx;
  }

  /** Whether an operation (a job's id, a progress or log event's operationId) is one of a local file deployment's own. */
  ownsOperation(deploymentName: string, operationId: string | null): boolean {
    return operationId !== null && (this.localHosts.get(deploymentName)?.jobs.has(operationId) ?? false);
  }

  private endpoint(deployment: Deployment): Promise<OpenEndpoint> {
    let open = this.endpoints.get(deployment.name);
    if (!open) {
      const opening = openEndpoint(deployment, {});
      // A tunnel that failed, or that ends later (the VM rebooted, the connection dropped), is opened again at the next call.
      opening
        .then(
          (e) => e.ended,
          () => undefined,
        )
        .then(() => this.forget(deployment, opening));
      this.endpoints.set(deployment.name, (open = opening));
    }
    return open;
  }

  /** The next call opens the deployment again: a new tunnel, and its token read afresh. */
  private forget(deployment: Deployment, open?: Promise<OpenEndpoint>): void {
    if (open === undefined || this.endpoints.get(deployment.name) === open) this.endpoints.delete(deployment.name);
  }

  /** `operator`: the person the call acts for; a local file records it, an agent is told it (X-Warden-Operator). */
  async call(deployment: Deployment, method: string, input: unknown, operator?: string): Promise<ProxyAnswer> {
    if (!isMethodName(method)) return answer(404, { code: 'NOT_FOUND', message: `There is no API method named "${method}".` });
    if (NOT_THROUGH_THE_FLEET.has(method)) {
      return answer(501, {
        code: 'NOT_SUPPORTED',
        message: `${method} is not available on a fleet deployment opened in this console.`,
        hint: 'Run it on the deployment itself.',
      });
    }
    if (deployment.reach.kind === 'file') {
      const envelope = await dispatch(this.localHost(deployment as Deployment & { reach: { kind: 'file' } }), method, input, { operator });
      return { status: envelope.ok ? 200 : HTTP_STATUS[envelope.error.code], body: envelope };
    }
    const hint = 'Check that its agent runs (and its SSH tunnel, if it has one) and that the fleet file gives its operator token, then Refresh.';
    const unreachable = (why: string) =>
      answer(502, { code: 'INTERNAL', message: `The deployment ${deployment.name} cannot be reached: ${why}`, hint, consoleHint: hint });
    let reply: { status: number; text: string };
    let endpoint;
    try {
      endpoint = (await this.endpoint(deployment)).endpoint;
      const named = operator ?? this.host.identity.operator;
      reply = await send(
        endpoint,
        `/api/${method}`,
        JSON.stringify(input ?? {}),
        answerDeadlineMs(method, this.deadlines),
        named ? { [HTTP_OPERATOR_HEADER]: encodeURIComponent(named) } : {},
      );
    } catch (err) {
      if (err instanceof Unreachable) return unreachable(err.message);
      return unreachable(
        `${deployment.name} did not answer ${method} (${err instanceof AnswerAbandoned ? err.message : ((err as NodeJS.ErrnoException).code ?? (err as Error).message)}).`,
      );
    }
    const envelope = envelopeOf(reply.text);
    if (envelope === null)
      return unreachable(`${endpoint.address} answered ${method} with HTTP ${reply.status} and no Schema Warden answer: is it a warden serve agent?`);
    // The agent refused this host's token for it (from the fleet file), not this console's: say so, never "your token".
    if (!envelope.ok && [401, 403, 421].includes(reply.status)) {
      // The token may have been replaced in its file since: read it again at the next call.
      if (reply.status === 401) this.forget(deployment);
      const refusal = { code: envelope.error.code, message: refusalOf(endpoint, method, reply.status, envelope.error), hint, consoleHint: hint };
      return reply.status === 403 ? answer(403, refusal) : unreachable(refusal.message);
    }
    return { status: reply.status, body: envelope };
  }

  /** The deployment's events: this host's own stream for a local file, the agent's stream passed on otherwise. */
  async attachEvents(deployment: Deployment, events: EventStream, req: IncomingMessage, res: ServerResponse, headers: Record<string, string>): Promise<void> {
    if (deployment.reach.kind === 'file') {
      if (!events.attach(req, res, headers)) res.writeHead(503, { ...headers, 'Retry-After': '30' }).end();
      return;
    }
    let endpoint;
    try {
      endpoint = (await this.endpoint(deployment)).endpoint;
    } catch {
      res.writeHead(502, headers).end();
      return;
    }
    const url = new URL('/api/events', endpoint.origin);
    const upstream = (url.protocol === 'https:' ? httpsRequest : httpRequest)(
      url,
      { headers: { Host: endpoint.host, Authorization: `Bearer ${endpoint.token}` } },
      (events) => {
        res.writeHead(events.statusCode ?? 502, {
          ...headers,
          'Content-Type': 'text/event-stream; charset=utf-8',
          'Cache-Control': 'no-store',
          'X-Accel-Buffering': 'no',
        });
        events.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.on('close', () => upstream.destroy());
    upstream.end();
  }

  /** The next call to the deployment reads its token and opens its tunnel again (the desktop app: its token was set or forgotten). */
  async reconnect(name: string): Promise<void> {
    const open = this.endpoints.get(name);
    this.endpoints.delete(name);
    await open?.then(
      (e) => e.close(),
      () => undefined,
    );
  }

  /** An agent deployment's events, passed to `listener` until the returned function is called (the desktop app's deployment windows); `onDropped` hears why a stream was dropped. */
  subscribe(deployment: Deployment, listener: (event: HostEvent) => void, onDropped?: (why: string) => void): () => void {
    return subscribeAgentEvents(async () => (await this.endpoint(deployment)).endpoint, listener, onDropped);
  }

  async close(): Promise<void> {
    const open = [...this.endpoints.values()];
    this.endpoints.clear();
    await Promise.all(
      open.map((p) =>
        p.then(
          (e) => e.close(),
          () => undefined,
        ),
      ),
    );
  }
}
