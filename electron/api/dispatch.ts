import { randomUUID } from 'node:crypto';
import { isMethodName, type MethodName } from '../../shared/contract';
import type { CallEnvelope } from '../../shared/transport';
import type { DatabaseEntry, JobKind, StatusReport } from '../../shared/types';
import { actorFor } from '../engine/actor';
import { WardenError } from '../engine/errors';
import { errorInfoOf } from './error-info';
import type { DatabaseMethod } from './engine-runner';
import { handlers, type EngineHandler, type HostHandler } from './handlers';
import type { Caller, HostContext } from './host-context';
import { validateInput } from './validate-input';

// The one way into the API for both hosts: method name and raw input in, envelope out.
// Unknown method → NOT_SUPPORTED; bad input → INVALID_INPUT naming the field (before any handler
// runs); contract method without a handler → NOT_SUPPORTED; any failure → its code and sentence.

/** The long operations kept as jobs (their dry runs are quick reads, and are not). */
const JOB_KINDS: ReadonlySet<string> = new Set<JobKind>(['verify', 'initialize', 'migrate', 'rehearse', 'repair', 'backup', 'verifyBackup', 'restore', 'recoverRows', 'salvage', 'query']);

function isJob(method: DatabaseMethod, options: Record<string, unknown>): method is DatabaseMethod & JobKind {
  return JOB_KINDS.has(method) && options.dryRun !== true;
}

/** What a backup opened to look at (openBackup) may be asked: reading only, so the backup stays byte for byte what was verified. */
const READS_ONLY: ReadonlySet<string> = new Set(['status', 'history', 'tables', 'schemaObjects', 'schemaDiagram', 'sizes', 'query', 'rows', 'rowChildren', 'verify', 'plan']);

function assertMayReach(entry: DatabaseEntry, method: DatabaseMethod): void {
  if (entry.backupOf === undefined || READS_ONLY.has(method)) return;
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

/** Runs an engine method on a registered database, with its events tagged by operation and database, kept as a job when it is a long one. */
async function runOnDatabase(ctx: HostContext, method: DatabaseMethod, input: { db: string; operationId?: string }, caller: Caller): Promise<unknown> {
  const { db, operationId: given, ...options } = input;
  const entry = ctx.registry.get(db);
  assertMayReach(entry, method);
  const kept = isJob(method, options);
  // A job without an id from its caller gets one, so that the Jobs panel can cancel it.
  const operationId = given ?? (kept ? `job-${randomUUID()}` : null);
  const operation = ctx.operations.start(operationId);
  const operator = operatorOf(ctx, caller);
  const job = kept && operationId ? ctx.jobs.start({ id: operationId, kind: method, db, options, startedBy: actorFor(operator) }) : null;
  // tables too: damage a recent check placed on a table's pages is shown in the Data view.
  const knownIntegrity = method === 'status' || method === 'tables' ? ctx.integrity.recall(entry.path) : undefined;
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
    if (method === 'status') ctx.integrity.remember(entry.path, result as StatusReport);
    // A query's rows stay with the one who asked; the job keeps that it ran.
    job?.done(method === 'query' ? null : result);
    return result;
  } catch (err) {
    job?.failed(errorInfoOf(err));
    throw err;
  } finally {
    operation.finish();
  }
}

function notSupported(method: MethodName): WardenError {
  return new WardenError('NOT_SUPPORTED', `${method} is not available in this host.`, 'It arrives with a later version of Schema Warden, or only in the other host (desktop or web).', { method });
}

export async function dispatch(ctx: HostContext, method: string, rawInput: unknown, caller: Caller = {}): Promise<CallEnvelope<unknown>> {
  try {
    if (!isMethodName(method)) {
      throw new WardenError('NOT_SUPPORTED', `There is no API method named "${method}".`, 'See shared/contract.ts for the methods.', { method });
    }
    const input = validateInput(method, rawInput);
    const handler = handlers[method] as HostHandler<MethodName> | EngineHandler<MethodName> | undefined;
    if (!handler) throw notSupported(method);
    const result =
      handler.runs === 'host'
        ? await handler.handle(input, ctx, { operator: operatorOf(ctx, caller), readOnly: caller.readOnly === true })
        : await runOnDatabase(ctx, method as DatabaseMethod, input as { db: string; operationId?: string }, caller);
    return { ok: true, result };
  } catch (err) {
    // A bug, not a bad request: the stack goes to the operator's console, never to the client.
    if (!(err instanceof WardenError)) console.error(`warden: ${method} failed unexpectedly:`, err);
    return { ok: false, error: errorInfoOf(err) };
  }
}
