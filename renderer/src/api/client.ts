import { contract, METHOD_NAMES, type MethodInput, type MethodName } from '../../../shared/contract';
import type { ApiResults } from '../../../shared/api-results';
import { ApiError } from './api-error';
import type { Transport } from './transport';

/** One typed function per method of the contract: `api.status({ db })` → StatusReport. */
export type Api = { [M in MethodName]: (input: MethodInput<M>) => Promise<ApiResults[M]> };

function invalidInput(method: MethodName, issues: { path: PropertyKey[]; message: string }[]): ApiError {
  const first = issues[0];
  const where = first.path.length ? ` (${first.path.map(String).join('.')})` : '';
  return new ApiError(
    {
      code: 'INVALID_INPUT',
      message: `The console sent ${method} an input the contract refuses${where}: ${first.message}.`,
      consoleHint: 'This is a bug in the console; report it with what you were doing.',
    },
    method,
  );
}

/**
 * Generated from the contract table: each method validates its input with the contract's own
 * validator (the host validates again), calls the transport and unwraps the envelope — an error
 * envelope becomes an ApiError carrying the ErrorInfo.
 */
export function createApi(transport: Transport): Api {
  const call = async (method: MethodName, input: unknown): Promise<unknown> => {
    const parsed = contract[method].safeParse(input);
    if (!parsed.success) throw invalidInput(method, parsed.error.issues);
    const envelope = await transport.call(method, parsed.data);
    if (!envelope.ok) throw new ApiError(envelope.error, method);
    return envelope.result;
  };
  return Object.fromEntries(METHOD_NAMES.map((method) => [method, (input: unknown) => call(method, input)])) as Api;
}
