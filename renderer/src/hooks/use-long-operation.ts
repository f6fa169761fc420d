import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useApi } from '../api/connection-context';
import { newOperationId } from '../api/operation-activity';

interface LongOperationOptions<TVars, TResult> {
  /** Starts the call with the operation id the host will tag its progress events with. */
  run: (vars: TVars, operationId: string) => Promise<TResult>;
  onSuccess?: (result: TResult, vars: TVars) => unknown;
  /** Runs after success and failure alike: a failed write may still have changed something. */
  onSettled?: () => unknown;
}

/**
 * A mutation for a long engine call (initialize, migrate, verify, backup, restore…): it gets a
 * fresh operation id per run, so its progress bar can follow it and `cancel` can stop it.
 */
export function useLongOperation<TVars, TResult>({ run, onSuccess, onSettled }: LongOperationOptions<TVars, TResult>) {
  const api = useApi();
  const [operationId, setOperationId] = useState<string | null>(null);
  const mutation = useMutation({
    mutationFn: ({ vars, id }: { vars: TVars; id: string }) => run(vars, id),
    onSuccess: (result, { vars }) => onSuccess?.(result, vars),
    onSettled,
  });
  const cancellation = useMutation({ mutationFn: (id: string) => api.cancel({ operationId: id }) });

  return {
    start(vars: TVars) {
      const id = newOperationId();
      setOperationId(id);
      cancellation.reset();
      mutation.mutate({ vars, id });
    },
    cancel() {
      if (operationId && mutation.isPending) cancellation.mutate(operationId);
    },
    operationId,
    isRunning: mutation.isPending,
    isCancelling: cancellation.isPending || (cancellation.isSuccess && mutation.isPending),
    result: mutation.data,
    error: mutation.error ?? cancellation.error,
    variables: mutation.variables?.vars,
  };
}

export type LongOperation<TVars, TResult> = ReturnType<typeof useLongOperation<TVars, TResult>>;
