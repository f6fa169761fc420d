import { isMethodName, type MethodName } from '../../shared/contract';
import type { CallEnvelope } from '../../shared/transport';
import { WardenError } from '../engine/errors';
import { errorInfoOf } from './error-info';
import { handlers, type DatabaseMethod, type EngineHandler, type HostHandler } from './handlers';
import type { HostContext } from './host-context';
import { validateInput } from './validate-input';

// The one way into the API for both hosts: method name and raw input in, envelope out.
// Unknown method → NOT_SUPPORTED; bad input → INVALID_INPUT naming the field (before any handler
// runs); contract method without a handler → NOT_SUPPORTED; any failure → its code and sentence.

/** Runs an engine method on a registered database, with its events tagged by operation and database. */
async function runOnDatabase(ctx: HostContext, method: DatabaseMethod, input: { db: string; operationId?: string }): Promise<unknown> {
  const { db, operationId = null, ...options } = input;
  const entry = ctx.registry.get(db);
  const operation = ctx.operations.start(operationId);
  try {
    return await ctx.engine.run(
      { name: method, options, dbPath: entry.path, schemaDir: ctx.schemas.dirOf(entry.schema) },
      {
        signal: operation.signal,
        onProgress: (progress) => ctx.emit({ type: 'progress', operationId, db, progress }),
        onLog: (log) => ctx.emit({ type: 'log', operationId, db, log }),
      },
    );
  } finally {
    operation.finish();
  }
}

function notSupported(method: MethodName): WardenError {
  return new WardenError('NOT_SUPPORTED', `${method} is not available in this host.`, 'It arrives with a later version of Schema Warden, or only in the other host (desktop or web).', { method });
}

export async function dispatch(ctx: HostContext, method: string, rawInput: unknown): Promise<CallEnvelope<unknown>> {
  try {
    if (!isMethodName(method)) {
      throw new WardenError('NOT_SUPPORTED', `There is no API method named "${method}".`, 'See shared/contract.ts for the methods.', { method });
    }
    const input = validateInput(method, rawInput);
    const handler = handlers[method] as HostHandler<MethodName> | EngineHandler<MethodName> | undefined;
    if (!handler) throw notSupported(method);
    const result =
      handler.runs === 'host'
        ? await handler.handle(input, ctx)
        : await runOnDatabase(ctx, method as DatabaseMethod, input as { db: string; operationId?: string });
    return { ok: true, result };
  } catch (err) {
    // A bug, not a bad request: the stack goes to the operator's console, never to the client.
    if (!(err instanceof WardenError)) console.error(`warden: ${method} failed unexpectedly:`, err);
    return { ok: false, error: errorInfoOf(err) };
  }
}
