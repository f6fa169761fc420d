import { vi, type Mock } from 'vitest';
import { METHOD_NAMES, type MethodInput, type MethodName } from '../../../shared/contract';
import type { ApiResults } from '../../../shared/api-results';
import { ApiError } from '../api/api-error';

// A test double of the api object, typed from the contract and ApiResults. Every method is a
// vi.fn; a method without a handler answers NOT_SUPPORTED, as a host that lacks it would.

type Handler<M extends MethodName> = (input: MethodInput<M>) => ApiResults[M] | Promise<ApiResults[M]>;
type FakeHandlers = { [M in MethodName]?: Handler<M> };
export type FakeApi = { [M in MethodName]: Mock<(input: MethodInput<M>) => Promise<ApiResults[M]>> };

function notSupported(method: string): ApiError {
  return new ApiError({ code: 'NOT_SUPPORTED', message: `This host does not offer ${method} yet.`, hint: 'Update the Schema Warden host.' });
}

export function createFakeApi(handlers: FakeHandlers = {}): FakeApi {
  const entries = METHOD_NAMES.map((method) => {
    const handler = handlers[method] as ((input: unknown) => unknown) | undefined;
    return [
      method,
      vi.fn(async (input: unknown) => {
        if (!handler) throw notSupported(method);
        return handler(input);
      }),
    ];
  });
  return Object.fromEntries(entries) as FakeApi;
}
