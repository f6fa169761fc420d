import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { ApiResults } from '../../shared/api-results';
import type { ValidInput } from '../../shared/contract';
import type { ErrorInfo } from '../../shared/errors';
import { HTTP_OPERATOR_HEADER, type CallEnvelope } from '../../shared/transport';
import type { LogEvent, Progress } from '../../shared/types';
import { handlers, type DatabaseMethod, type EngineHandler } from '../api/handlers';
import type { EngineContext } from '../engine/context';
import type { EngineRunner } from '../api/engine-job';
import { loadSchema, type SchemaDefinition } from '../engine/schema-folder';
import { validateInput } from '../api/validate-input';
import { WardenError } from '../engine/errors';
import { readToken, type Deployment } from './fleet-file';
import { openTunnel, TunnelFailed, type Tunnel } from './ssh-tunnel';

// One deployment's API, however it is reached: a local file (the engine called directly, as the
// CLI does), a `warden serve` agent over HTTP, or an agent through an SSH tunnel. Either way each
// call is one contract method, so each deployment's own rules hold (the agent's engine takes the
// verified backup, one transaction per step).

/** The deployment could not be asked at all (network, tunnel, token, unknown database): the fleet's "unreachable". */
export class Unreachable extends Error {}

/** The methods a fleet calls, with their input minus the database (the client knows which). */
export type FleetMethod = Extract<DatabaseMethod, 'status' | 'verify' | 'plan' | 'rehearse' | 'migrate' | 'backup' | 'backups' | 'schemaObjects'>;
export type FleetInput<M extends FleetMethod> = Omit<ValidInput<M>, 'db' | 'operationId'> | Partial<Omit<ValidInput<M>, 'db' | 'operationId'>>;

export interface CallReporting {
  onProgress?: (progress: Progress) => void;
  onLog?: (log: LogEvent) => void;
  /** Cancels the call: a local file's engine job is aborted; an agent is asked to cancel it (its own operation id). */
  signal?: AbortSignal;
}

export interface DeploymentClient {
  /** Where the deployment is, for people: a path, a URL, user@host. */
  address: string;
  call<M extends FleetMethod>(method: M, input: FleetInput<M>, reporting?: CallReporting): Promise<ApiResults[M]>;
  close(): Promise<void>;
}

export interface ClientOptions {
  /** The schema folder of local files that do not name their own. */
  defaultSchemaDir: string;
  /** Where local files' engine calls run: a host's worker threads (default: this thread, as the CLI does). */
  engine?: EngineRunner;
  /** How long one call to an agent may take before the agent counts as unreachable. */
  timeoutMs?: number;
  sshCommand?: string;
  /** Whom the calls act for ("alice via warden serve"): a local file's history rows name them, an agent is told (X-Warden-Operator). */
  operator?: string;
}

const DEFAULT_TIMEOUT_MS = 30 * 60_000;

/** Schema folders read once per process: a fleet of a hundred local files shares one. */
const schemas = new Map<string, SchemaDefinition>();

function schemaIn(dir: string): SchemaDefinition {
  let schema = schemas.get(dir);
  if (!schema) schemas.set(dir, (schema = loadSchema(dir)));
  return schema;
}

/** The engine called through the handler table, as an agent's worker calls it: in a host's workers, or on this thread. */
function localClient(file: string, schemaDir: string, engine: EngineRunner | undefined, operator: string | undefined): DeploymentClient {
  return {
    address: file,
    async call(method, input, reporting = {}) {
      const { db: _db, operationId: _op, ...options } = validateInput(method, { ...input, db: 'local' }) as Record<string, unknown>;
      if (engine) return (await engine.run({ name: method, options, dbPath: file, schemaDir, operator }, reporting)) as never;
      const handler = handlers[method] as EngineHandler<typeof method>;
      const ctx: EngineContext = { dbPath: file, schema: schemaIn(schemaDir), ...reporting };
      return (await handler.handle(ctx, options as never)) as never;
    },
    close: async () => undefined,
  };
}

function errorFromAgent(info: ErrorInfo): WardenError {
  return new WardenError(info.code, info.message, info.hint, info.details);
}

export interface Endpoint {
  /** Where to connect: the agent, or the local end of its tunnel. */
  origin: string;
  /** The Host header the agent expects (its own address: it refuses others, against DNS rebinding). */
  host: string;
  token: string;
  /** For messages. */
  address: string;
}

/** POSTs JSON with node:http (fetch cannot send the Host header a tunnelled agent expects). */
export function send(endpoint: Endpoint, path: string, body: string, timeoutMs: number, extraHeaders: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const url = new URL(path, endpoint.origin);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      headers: { ...extraHeaders, Host: endpoint.host, Authorization: `Bearer ${endpoint.token}`, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
      timeout: timeoutMs,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer in ${Math.round(timeoutMs / 1000)} s`), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end(body);
  });
}

async function post(endpoint: Endpoint, method: string, body: unknown, timeoutMs: number, operator?: string): Promise<unknown> {
  const { address } = endpoint;
  let response: { status: number; text: string };
  // The agent names its own way in ("… via warden serve"): it is told the person alone.
  const person = operator?.replace(/ via .*$/, '');
  try {
    response = await send(endpoint, `/api/${method}`, JSON.stringify(body), timeoutMs, person ? { [HTTP_OPERATOR_HEADER]: encodeURIComponent(person) } : {});
  } catch (err) {
    throw new Unreachable(`${address} did not answer ${method} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`);
  }
  let envelope: CallEnvelope<unknown>;
  try {
    envelope = JSON.parse(response.text) as CallEnvelope<unknown>;
  } catch {
    throw new Unreachable(`${address} answered ${method} with HTTP ${response.status} and no Schema Warden answer: is it a warden serve agent?`);
  }
  if (envelope.ok) return envelope.result;
  // Refused credentials (or a Host it does not answer to) are a way of not reaching it: nothing about the database was learned.
  if ([401, 403, 421].includes(response.status)) throw new Unreachable(`${address} refused ${method}: ${envelope.error.message}`);
  throw errorFromAgent(envelope.error);
}

/** How often, and how far apart, an agent is asked to cancel an operation it may not have started yet. */
const CANCEL_ATTEMPTS = 20;
const CANCEL_RETRY_MS = 100;

/** The fleet methods an agent runs as cancellable operations (their input takes an operationId). */
const CANCELLABLE: ReadonlySet<FleetMethod> = new Set<FleetMethod>(['verify', 'rehearse', 'migrate', 'backup']);

function agentClient(endpoint: Endpoint, database: string | null, timeoutMs: number, operator: string | undefined, onClose: () => Promise<void>): DeploymentClient {
  const { address } = endpoint;
  let db: Promise<string> | null = null;
  const whichDatabase = async (): Promise<string> => {
    if (database !== null) return database;
    const served = (await post(endpoint, 'listDatabases', {}, timeoutMs)) as ApiResults['listDatabases'];
    if (served.length === 1) return served[0].id;
    throw new Unreachable(`${address} serves ${served.length} databases (${served.map((d) => d.id).join(', ') || 'none'}): the fleet file must say which, with "database".`);
  };
  return {
    address,
    async call(method, input, reporting = {}) {
      db ??= whichDatabase();
      const { signal } = reporting;
      if (!signal || !CANCELLABLE.has(method)) return (await post(endpoint, method, { ...input, db: await db }, timeoutMs, operator)) as never;
      if (signal.aborted) throw new WardenError('CANCELLED', `${method} was cancelled before it was sent to ${address}; nothing was changed there.`, 'Start it again when you are ready.');
      // The agent runs it as an operation of its own, under an id chosen here, so that Cancel reaches it.
      const operationId = randomUUID();
      let underWay = true;
      const cancelOnAgent = async () => {
        // The agent may not have started the operation yet when Cancel comes: ask again while the call is under way.
        // Best effort: a cancel that cannot be delivered leaves the call's own answer to say how it ended.
        for (let attempt = 0; underWay && attempt < CANCEL_ATTEMPTS; attempt++) {
          const answer = (await post(endpoint, 'cancel', { operationId }, timeoutMs, operator).catch(() => null)) as { cancelled: boolean } | null;
          if (answer?.cancelled) return;
          await new Promise((resolve) => setTimeout(resolve, CANCEL_RETRY_MS));
        }
      };
      const onAbort = () => void cancelOnAgent();
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        return (await post(endpoint, method, { ...input, db: await db, operationId }, timeoutMs, operator)) as never;
      } finally {
        underWay = false;
        signal.removeEventListener('abort', onAbort);
      }
    },
    close: onClose,
  };
}

export interface OpenEndpoint {
  endpoint: Endpoint;
  /** Closes the SSH tunnel, if there is one. */
  close(): Promise<void>;
}

/** Where an agent deployment answers (through its SSH tunnel, opened here); throws Unreachable when it cannot be reached. */
export async function openEndpoint(deployment: Deployment, options: Pick<ClientOptions, 'sshCommand'>): Promise<OpenEndpoint> {
  const { reach } = deployment;
  if (reach.kind === 'file') throw new Error(`${deployment.name} is a local file, not an agent`);
  let token: string;
  try {
    token = readToken(reach.token, deployment.name);
  } catch (err) {
    throw new Unreachable((err as Error).message);
  }
  if (reach.kind === 'agent') return { endpoint: { origin: reach.url, host: new URL(reach.url).host, token, address: reach.url }, close: async () => undefined };
  const address = `${reach.ssh.user}@${reach.ssh.host}:${reach.ssh.port} → 127.0.0.1:${reach.remotePort}`;
  let tunnel: Tunnel;
  try {
    tunnel = await openTunnel(reach.ssh, reach.remotePort, options.sshCommand);
  } catch (err) {
    if (err instanceof TunnelFailed) throw new Unreachable(err.message);
    throw err;
  }
  // The agent on the VM answers to its own loopback address, which is what the tunnel reaches.
  return { endpoint: { origin: tunnel.origin, host: `127.0.0.1:${reach.remotePort}`, token, address }, close: () => tunnel.close() };
}

/** A client for one deployment; an SSH tunnel is opened here and closed by close(). Throws Unreachable when it cannot be reached. */
export async function connectTo(deployment: Deployment, options: ClientOptions): Promise<DeploymentClient> {
  const { reach } = deployment;
  if (reach.kind === 'file') return localClient(reach.file, reach.schemaDir ?? options.defaultSchemaDir, options.engine, options.operator);
  const { endpoint, close } = await openEndpoint(deployment, options);
  return agentClient(endpoint, reach.database, options.timeoutMs ?? DEFAULT_TIMEOUT_MS, options.operator, close);
}
