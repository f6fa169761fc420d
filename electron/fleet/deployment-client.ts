import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { ApiResults } from '../../shared/api-results';
import type { ValidInput } from '../../shared/contract';
import type { ErrorInfo } from '../../shared/errors';
import { HTTP_OPERATOR_HEADER, type CallEnvelope } from '../../shared/transport';
import type { LogEvent, Progress } from '../../shared/types/jobs';
import type { DatabaseMethod } from '../api/engine-runner';
import { type EngineContext, loadSchema, type SchemaDefinition, type VerbName, verbOf, WardenError } from '../engine';
import type { EngineRunner } from '../api/engine-runner';
import { validateInput } from '../api/validate-input';
import { readToken, type Deployment, type TokenSource } from './fleet-file';
import { ANSWER_LIMITS, misshapen, overLimits, type AgentMethod } from './agent-answers';
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
  /** How long one long call to an agent (migrate, rehearse, verify, backup) may take before the agent counts as unreachable. */
  timeoutMs?: number;
  /** How long a read (status, backups, plan…) may take: a stuck agent must not hold a fleet status up for long. */
  quickTimeoutMs?: number;
  sshCommand?: string;
  /** Whom the calls act for ("alice via warden serve"): a local file's history rows name them, an agent is told (X-Warden-Operator). */
  operator?: string;
  /** Abandons the calls to agents under way, unanswered (a `fleet status` that has reported without them). */
  signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 30 * 60_000;
const DEFAULT_QUICK_TIMEOUT_MS = 20_000;

/** Calls an agent answers from what it already holds (status reuses its last quick_check): short deadline. */
const QUICK_METHODS: ReadonlySet<string> = new Set([
  'listSchemas',
  'listDatabases',
  'hostInfo',
  'jobs',
  'status',
  'history',
  'backups',
  'plan',
  'schemaObjects',
  'cancel',
]);

/** How long an agent may take to answer `method`, from its first byte sent to its last byte received. */
export function answerDeadlineMs(method: string, options: Pick<ClientOptions, 'timeoutMs' | 'quickTimeoutMs'> = {}): number {
  return QUICK_METHODS.has(method) ? (options.quickTimeoutMs ?? DEFAULT_QUICK_TIMEOUT_MS) : (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
}

/** More than any answer of the API (a query's 100,000 rows included): an endless body is not an answer. */
export const MAX_ANSWER_BYTES = 256 * 1024 * 1024;

/** Schema folders read once per process: a fleet of a hundred local files shares one. */
const schemas = new Map<string, SchemaDefinition>();

function schemaIn(dir: string): SchemaDefinition {
  let schema = schemas.get(dir);
  if (!schema) schemas.set(dir, (schema = loadSchema(dir)));
  return schema;
}

/** The engine called through its table of verbs, as an agent's worker calls it: in a host's workers, or on this thread. */
function localClient(file: string, schemaDir: string, engine: EngineRunner | undefined, operator: string | undefined): DeploymentClient {
  return {
    address: file,
    async call(method, input, reporting = {}) {
      const { db: _db, operationId: _op, ...options } = validateInput(method, { ...input, db: 'local' }) as Record<string, unknown>;
      if (engine) return (await engine.run({ name: method, options, dbPath: file, schemaDir, operator }, reporting)) as never;
      const ctx: EngineContext = { dbPath: file, schema: schemaIn(schemaDir), ...reporting };
      return (await verbOf(method as VerbName).run(ctx, options as never)) as never;
    },
    close: async () => undefined,
  };
}

function errorFromAgent(info: ErrorInfo): WardenError {
  return new WardenError(info.code, info.message, info.hint, info.details, info.next);
}

export interface Endpoint {
  /** Where to connect: the agent, or the local end of its tunnel. */
  origin: string;
  /** The Host header the agent expects (its own address: it refuses others, against DNS rebinding). */
  host: string;
  token: string;
  /** Where the token came from, for messages ("the environment variable WARDEN_VM1_TOKEN"); never the token. */
  tokenFrom: string;
  /** For messages. */
  address: string;
  /** What the SSH tunnel's ssh has said so far, for an endpoint reached through one. */
  sshSaid?: () => string;
}

/** Why an answer was given up on, in words (no answer in time, too long an answer). */
export class AnswerAbandoned extends Error {}

/**
 * POSTs JSON with node:http (fetch cannot send the Host header a tunnelled agent expects). The
 * deadline is for the whole answer, not for silence: an agent that sends a byte now and then
 * must not hold a caller forever, and neither may an endless body.
 */
export function send(
  endpoint: Endpoint,
  path: string,
  body: string,
  deadlineMs: number,
  extraHeaders: Record<string, string> = {},
  maxBytes = MAX_ANSWER_BYTES,
  signal?: AbortSignal,
): Promise<{ status: number; text: string }> {
  const url = new URL(path, endpoint.origin);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  // Through a tunnel, a failure's why is often only in what ssh says meanwhile ("open failed: connect failed: Connection refused": no agent on that port).
  const sshBefore = endpoint.sshSaid?.().length ?? 0;
  return new Promise((resolve, fail) => {
    const reject = (err: Error) => {
      const said = endpoint.sshSaid?.().slice(sshBefore).trim().split(/\r?\n/).pop();
      fail(said && !(err instanceof AnswerAbandoned) ? new AnswerAbandoned(`${(err as NodeJS.ErrnoException).code ?? err.message}; ssh says: ${said}`) : err);
    };
    const req = request(
      url,
      {
        method: 'POST',
        headers: {
          ...extraHeaders,
          Host: endpoint.host,
          Authorization: `Bearer ${endpoint.token}`,
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(body),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let bytes = 0;
        res.on('data', (c: Buffer) => {
          bytes += c.length;
          if (bytes > maxBytes) req.destroy(new AnswerAbandoned(`its answer ran past ${maxBytes / 1024 / 1024} MB, more than this call ever needs`));
          else chunks.push(c);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    const deadline = setTimeout(() => req.destroy(new AnswerAbandoned(`no complete answer in ${Math.round(deadlineMs / 1000)} s`)), deadlineMs);
    const abandon = () => req.destroy(new AnswerAbandoned('its answer was no longer waited for'));
    if (signal?.aborted) abandon();
    signal?.addEventListener('abort', abandon, { once: true });
    req.on('close', () => {
      clearTimeout(deadline);
      signal?.removeEventListener('abort', abandon);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const clauseOf = (text: string) => text.replace(/\.+$/, '');

/** A Schema Warden answer (an envelope), or null for anything else: another program on that port, a proxy's page. */
export function envelopeOf(text: string): CallEnvelope<unknown> | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { ok, error } = value as { ok?: unknown; error?: { code?: unknown; message?: unknown } };
  if (ok === true) return value as CallEnvelope<unknown>;
  if (ok === false && typeof error?.code === 'string' && typeof error.message === 'string') return value as CallEnvelope<unknown>;
  return null;
}

/** The agent refused this host's credentials, in words that say where the token came from (never the token). */
export function refusalOf(endpoint: Endpoint, method: string, status: number, error: ErrorInfo): string {
  if (status === 401)
    return `${endpoint.address} refused the token from ${endpoint.tokenFrom} (HTTP 401): it is neither of that agent's tokens. Put the agent's operator token there (the one its --token-file or $WARDEN_TOKEN holds).`;
  if (status === 403)
    return `${endpoint.address} refused ${method} with the token from ${endpoint.tokenFrom}: ${error.message} The fleet needs the agent's operator token there.`;
  return `${endpoint.address} refused ${method}: ${error.message}`;
}

async function post(endpoint: Endpoint, method: AgentMethod, body: unknown, deadlineMs: number, operator?: string, signal?: AbortSignal): Promise<unknown> {
  const { address } = endpoint;
  const limits = ANSWER_LIMITS[method];
  let response: { status: number; text: string };
  // The agent names its own way in ("… via warden serve"): it is told the person alone.
  const person = operator?.replace(/ via .*$/, '');
  try {
    response = await send(
      endpoint,
      `/api/${method}`,
      JSON.stringify(body),
      deadlineMs,
      person ? { [HTTP_OPERATOR_HEADER]: encodeURIComponent(person) } : {},
      limits.bytes,
      signal,
    );
  } catch (err) {
    const why = err instanceof AnswerAbandoned ? err.message : ((err as NodeJS.ErrnoException).code ?? (err as Error).message);
    throw new Unreachable(`${address} did not answer ${method} (${why}).`);
  }
  // Measured before it is parsed: what an answer would cost in memory is decided on its text.
  const tooCostly = overLimits(response.text, limits);
  if (tooCostly) throw new Unreachable(`${address} answered ${method}, but ${tooCostly}; the answer was dropped unread. Is it a warden serve agent?`);
  const envelope = envelopeOf(response.text);
  // Every method a fleet calls answers an object or a list: anything else is not a Schema Warden agent.
  if (envelope === null || (envelope.ok && (typeof envelope.result !== 'object' || envelope.result === null))) {
    throw new Unreachable(`${address} answered ${method} with HTTP ${response.status} and no Schema Warden answer: is it a warden serve agent?`);
  }
  if (envelope.ok) {
    const wrong = misshapen(method, envelope.result);
    if (wrong)
      throw new Unreachable(
        `${address} answered ${method} with something that is not Schema Warden's answer (${wrong}): is it a warden serve agent of this version?`,
      );
    return envelope.result;
  }
  // Refused credentials (or a Host it does not answer to) are a way of not reaching it: nothing about the database was learned.
  if ([401, 403, 421].includes(response.status)) throw new Unreachable(refusalOf(endpoint, method, response.status, envelope.error));
  // The fleet file names a database the agent does not serve: nothing was learned about any database (not "unhealthy").
  if (envelope.error.code === 'UNKNOWN_DATABASE') throw new Unreachable(`${address}: ${clauseOf(envelope.error.message)}; check "database" in the fleet file.`);
  throw errorFromAgent(envelope.error);
}

/** How often, and how far apart, an agent is asked to cancel an operation it may not have started yet. */
const CANCEL_ATTEMPTS = 20;
const CANCEL_RETRY_MS = 100;

/** The fleet methods an agent runs as cancellable operations (their input takes an operationId). */
const CANCELLABLE: ReadonlySet<FleetMethod> = new Set<FleetMethod>(['verify', 'rehearse', 'migrate', 'backup']);

function agentClient(
  endpoint: Endpoint,
  database: string | null,
  deadlines: Pick<ClientOptions, 'timeoutMs' | 'quickTimeoutMs'>,
  operator: string | undefined,
  onClose: () => Promise<void>,
  abandon?: AbortSignal,
): DeploymentClient {
  const { address } = endpoint;
  let db: Promise<string> | null = null;
  const whichDatabase = async (): Promise<string> => {
    if (database !== null) return database;
    const served = (await post(endpoint, 'listDatabases', {}, answerDeadlineMs('listDatabases', deadlines), undefined, abandon)) as ApiResults['listDatabases'];
    if (served.length === 1) return served[0].id;
    throw new Unreachable(
      `${address} serves ${served.length} databases (${served.map((d) => d.id).join(', ') || 'none'}): the fleet file must say which, with "database".`,
    );
  };
  return {
    address,
    async call(method, input, reporting = {}) {
      db ??= whichDatabase();
      const { signal } = reporting;
      if (!signal || !CANCELLABLE.has(method))
        return (await post(endpoint, method, { ...input, db: await db }, answerDeadlineMs(method, deadlines), operator, abandon)) as never;
      if (signal.aborted)
        throw new WardenError(
          'CANCELLED',
          `${method} was cancelled before it was sent to ${address}; nothing was changed there.`,
          'Start it again when you are ready.',
        );
      // The agent runs it as an operation of its own, under an id chosen here, so that Cancel reaches it.
      const operationId = randomUUID();
      let underWay = true;
      const cancelOnAgent = async () => {
        // The agent may not have started the operation yet when Cancel comes: ask again while the call is under way.
        // Best effort: a cancel that cannot be delivered leaves the call's own answer to say how it ended.
        for (let attempt = 0; underWay && attempt < CANCEL_ATTEMPTS; attempt++) {
          const answer = (await post(endpoint, 'cancel', { operationId }, answerDeadlineMs('cancel', deadlines), operator).catch(() => null)) as {
            cancelled: boolean;
          } | null;
          if (answer?.cancelled) return;
          await new Promise((resolve) => setTimeout(resolve, CANCEL_RETRY_MS));
        }
      };
      const onAbort = () => void cancelOnAgent();
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        return (await post(endpoint, method, { ...input, db: await db, operationId }, answerDeadlineMs(method, deadlines), operator, abandon)) as never;
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
  /** Settles when its SSH tunnel has ended (never for an agent reached directly). */
  ended: Promise<void>;
  /** Closes the SSH tunnel, if there is one. */
  close(): Promise<void>;
}

function describeTokenSource(source: TokenSource): string {
  if ('keychain' in source) return "the desktop app's keychain";
  return 'env' in source ? `the environment variable ${source.env}` : `the file ${source.file}`;
}

/** Where an agent deployment answers (through its SSH tunnel, opened here); throws Unreachable when it cannot be reached. */
export async function openEndpoint(deployment: Deployment, options: Pick<ClientOptions, 'sshCommand' | 'signal'>): Promise<OpenEndpoint> {
  const { reach } = deployment;
  if (reach.kind === 'file') throw new Error(`${deployment.name} is a local file, not an agent`);
  let token: string;
  try {
    token = readToken(reach.token, deployment.name);
  } catch (err) {
    throw new Unreachable((err as Error).message);
  }
  const tokenFrom = describeTokenSource(reach.token);
  if (reach.kind === 'agent')
    return {
      endpoint: { origin: reach.url, host: new URL(reach.url).host, token, tokenFrom, address: reach.url },
      ended: new Promise<void>(() => undefined),
      close: async () => undefined,
    };
  const address = `${reach.ssh.user}@${reach.ssh.host}:${reach.ssh.port} → 127.0.0.1:${reach.remotePort}`;
  // ssh would only say "No host key is known … Host key verification failed", naming no file.
  const knownHosts = reach.ssh.knownHostsFile;
  if (knownHosts !== null && !existsSync(knownHosts)) {
    throw new Unreachable(
      `The known_hosts file of ${deployment.name}, ${knownHosts}, does not exist, so ssh cannot check the VM's host key. Add the key to it (ssh-keyscan -p ${reach.ssh.port} ${reach.ssh.host} >> ${knownHosts}, then compare the fingerprint with the VM's own).`,
    );
  }
  let tunnel: Tunnel;
  try {
    tunnel = await openTunnel(reach.ssh, reach.remotePort, options.sshCommand, options.signal);
  } catch (err) {
    if (err instanceof TunnelFailed) throw new Unreachable(err.message);
    throw err;
  }
  // The agent on the VM answers to its own loopback address, which is what the tunnel reaches.
  return {
    endpoint: { origin: tunnel.origin, host: `127.0.0.1:${reach.remotePort}`, token, tokenFrom, address, sshSaid: tunnel.said },
    ended: tunnel.ended,
    close: () => tunnel.close(),
  };
}

/** A client for one deployment; an SSH tunnel is opened here and closed by close(). Throws Unreachable when it cannot be reached. */
export async function connectTo(deployment: Deployment, options: ClientOptions): Promise<DeploymentClient> {
  const { reach } = deployment;
  if (reach.kind === 'file') return localClient(reach.file, reach.schemaDir ?? options.defaultSchemaDir, options.engine, options.operator);
  const { endpoint, close } = await openEndpoint(deployment, options);
  return agentClient(endpoint, reach.database, options, options.operator, close, options.signal);
}
