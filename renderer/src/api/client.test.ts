import { describe, expect, it, vi } from 'vitest';
import { METHOD_NAMES } from '../../../shared/contract';
import type { CallEnvelope } from '../../../shared/transport';
import { ApiError } from './api-error';
import { createApi } from './client';
import type { Transport } from './transport';

function transportAnswering(envelope: CallEnvelope<unknown>) {
  const call = vi.fn(async () => envelope);
  const transport: Transport = { kind: 'http', call, subscribe: () => () => undefined };
  return { transport, call };
}

describe('createApi', () => {
  it('has one function per method of the contract', () => {
    const api = createApi(transportAnswering({ ok: true, result: null }).transport);
    expect(Object.keys(api).sort()).toEqual([...METHOD_NAMES].sort());
  });

  it('sends the validated input (with the contract defaults) and returns the result', async () => {
    const { transport, call } = transportAnswering({ ok: true, result: { cancelled: true } });
    const api = createApi(transport);
    await expect(api.cancel({ operationId: 'op-12345678' })).resolves.toEqual({ cancelled: true });
    await api.verify({ db: 'main' });
    expect(call).toHaveBeenLastCalledWith('verify', { db: 'main', level: 'quick' });
  });

  it('turns an error envelope into an ApiError carrying the ErrorInfo', async () => {
    const info = { code: 'LOCKED' as const, message: 'The database is locked.', hint: 'Wait, then try again.' };
    const api = createApi(transportAnswering({ ok: false, error: info }).transport);
    const error = await api.status({ db: 'main' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).info).toEqual(info);
  });

  it('refuses input the contract refuses, without calling the host', async () => {
    const { transport, call } = transportAnswering({ ok: true, result: null });
    const error = await createApi(transport)
      .status({ db: '../etc/passwd' })
      .catch((e: unknown) => e);
    expect((error as ApiError).info.code).toBe('INVALID_INPUT');
    expect((error as ApiError).info.message).toMatch(/status .*\(db\)/);
    expect(call).not.toHaveBeenCalled();
  });
});
