import { randomUUID } from 'node:crypto';
import { isMethodName, type MethodName } from '../../shared/contract';
import type { CallEnvelope } from '../../shared/transport';
import type { DatabaseEntry } from '../../shared/types/databases';
import type { JobKind } from '../../shared/types/jobs';
import type { StatusReport } from '../../shared/types/status';
import type { QueryResult } from '../../shared/types/data';
import type { ErrorInfo } from '../../shared/errors';
import { actorFor, isVerb, type VerbName, verbOf, WardenError } from '../engine';
import { errorInfoOf } from './error-info';
import { handlers, type HostHandler } from './handlers';
import type { Caller, HostContext } from './host-context';
import { validateInput } from './validate-input';

// The one way into the API for both hosts: method name and raw input in, envelope out.
// Unknown method → NOT_SUPPORTED; bad input → INVALID_INPUT naming the field (before any handler
// runs); contract method without a handler → NOT_SUPPORTED; any failure → its code and sentence.

/** A backup opened to look at (openBackup) is reached only by the verbs that read, so it stays byte for byte what was verified. */
function assertMayReach(entry: DatabaseEntry, method: VerbName): void {
  if (entry.backupOf === undefined || verbOf(method).readsOnly) return;
  throw new WardenError(
    'READ_ONLY',
    `${entry.name} is a backup opened to look at (read-only): ${method} would change it, so it was not run. Nothing was changed.`,
    `Close it, and run ${method} on the database itself; to put this backup's content back, restore it from the Backups view of ${entry.backupOf}.`,
  );
}

/** "alice via warden serve": the operator a call acts for, or the host's own (none: the process's user alone). */
function operatorOf(ctx: HostContext, caller: Caller): string | undefined {
  const name = caller.operator ?? ctx.identity.operator;
  return name ? `${name} via ${ctx.identity.via}` : undefined;
}

/** A query run into the database's history: its SQL, when, who, and its rows or how it failed. */
function rememberQuery(
  ctx: HostContext,
  db: string,
  options: Record<string, unknown>,
  operationId: string | null,
  operator: string | undefined,
  started: Date,
  ended: QueryResult | ErrorInfo,
): void {
  const failed = 'code' in ended;
  ctx.queryHistory.record(db, {
    id: operationId ?? `query-${randomUUID()}`,
    sql: String(options.sql),
    at: started.toISOString(),
    by: actorFor(operator),
    outcome: failed ? (ended.code === 'CANCELLED' ? 'cancelled' : 'failed') : 'done',
    rows: failed ? null : ended.rows.length,
    more: failed ? false : ended.more,
    durationMs: Date.now() - started.getTime(),
  });
}

/** Runs an engine method on a registered database, with its events tagged by operation and database, kept as a job when it is a long one. */
async function runOnDatabase(ctx: HostContext, method: VerbName, input: { db: string; operationId?: string }, caller: Caller): Promise<unknown> {
  const { db, operationId: given, ...options } = input;
  const entry = ctx.registry.get(db);
  assertMayReach(entry, method);
  const verb = verbOf(method);
  // Long work is kept as a job; its dry run is a quick read, and is not.
  const kept = verb.job && (options as { dryRun?: boolean }).dryRun !== true;
  // A job without an id from its caller gets one, so that the Jobs panel can cancel it.
  const operationId = given ?? (kept ? `job-${randomUUID()}` : null);
  const operation = ctx.operations.start(operationId);
  const operator = operatorOf(ctx, caller);
  const job = kept && operationId ? ctx.jobs.start({ id: operationId, kind: method as JobKind, db, options, startedBy: actorFor(operator) }) : null;
  const started = new Date();
  const knownIntegrity = verb.usesKnownIntegrity ? ctx.integrity.recall(entry.path) : undefined;
  try {
    const result = await ctx.engine.run(
      { name: method, options, dbPath: entry.path, schemaDir: ctx.schemas.dirOf(entry.schema), operator, knownIntegrity },
      {
        signal: operation.signal,
        onProgress: (progress) => {
          job?.progress(progress);
          ctx.emit({ type: 'progress', operationId, db, progress });
        },
        onLog: (log) => ctx.emit({ type: 'log', operationId, db, log }),
      },
    );
    if (verb.checksIntegrity) ctx.integrity.remember(entry.path, result as StatusReport);
    job?.done(verb.keepsResult ? result : null);
    if (verb.inQueryHistory) rememberQuery(ctx, db, options, operationId, operator, started, result as QueryResult);
    return result;
  } catch (err) {
    job?.failed(errorInfoOf(err));
    if (verb.inQueryHistory) rememberQuery(ctx, db, options, operationId, operator, started, errorInfoOf(err));
    throw err;
  } finally {
    operation.finish();
  }
}

function notSupported(method: MethodName): WardenError {
  return new WardenError(
    'NOT_SUPPORTED',
    `${method} is not available in this host.`,
    'It arrives with a later version of Schema Warden, or only in the other host (desktop or web).',
    { method },
  );
}

async function runOnHost(ctx: HostContext, method: MethodName, input: unknown, caller: Caller): Promise<unknown> {
  const handler = handlers[method] as HostHandler<MethodName> | undefined;
  if (!handler) throw notSupported(method);
  return handler.handle(input as never, ctx, { operator: operatorOf(ctx, caller), readOnly: caller.readOnly === true });
}

export async function dispatch(ctx: HostContext, method: string, rawInput: unknown, caller: Caller = {}): Promise<CallEnvelope<unknown>> {
  try {
    if (!isMethodName(method)) {
      throw new WardenError('NOT_SUPPORTED', `There is no API method named "${method}".`, 'See shared/contract.ts for the methods.', { method });
    }
    const input = validateInput(method, rawInput);
    const result = isVerb(method)
      ? await runOnDatabase(ctx, method, input as { db: string; operationId?: string }, caller)
      : await runOnHost(ctx, method, input, caller);
    return { ok: true, result };
  } catch (err) {
    // A bug, not a bad request: the stack goes to the operator's console, never to the client.
    if (!(err instanceof WardenError)) console.error(`warden: ${method} failed unexpectedly:`, err);
    return { ok: false, error: errorInfoOf(err) };
  }
}
