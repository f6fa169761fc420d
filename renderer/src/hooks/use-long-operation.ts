import { useMutation } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Job, JobKind } from '../../../shared/types/jobs';
import { ApiError } from '../api/api-error';
import { useApi } from '../api/connection-context';
import { newOperationId } from '../api/operation-activity';
import { useJobs } from '../queries/jobs';

interface LongOperationOptions<TVars, TResult> {
  /** The database it runs on and the kind of job the host keeps it as: how a view finds its job again. */
  db: string;
  kind: JobKind;
  /** Starts the call with the operation id the host will tag its progress events with. */
  run: (vars: TVars, operationId: string) => Promise<TResult>;
  /** What a job was started with, read back from its options (a view that finds its job again shows it). */
  varsOf: (options: Record<string, unknown>) => TVars;
  onSuccess?: (result: TResult, vars: TVars) => unknown;
  /** Runs after success and failure alike: a failed write may still have changed something. */
  onSettled?: () => unknown;
}

/** The job this view followed last, per database and kind, for this browser tab: it outlives a reload. */
const followedKey = (db: string, kind: JobKind) => `warden.job.${db}.${kind}`;

/**
 * A long engine call (verify, backup, migrate, rehearse, repair, restore…) as a view sees it. It
 * gets a fresh operation id per run, so its progress bar can follow it and `cancel` can stop it.
 * The host keeps it as a job, so the view does not own it: a view opened later, after a reload or
 * in another console finds the running job of its kind on its database, follows its progress,
 * can cancel it, and shows how it ended.
 */
export function useLongOperation<TVars, TResult>({ db, kind, run, varsOf, onSuccess, onSettled }: LongOperationOptions<TVars, TResult>) {
  const api = useApi();
  const jobs = useJobs().data;
  const [followed, setFollowed] = useState<string | null>(() => sessionStorage.getItem(followedKey(db, kind)));
  const follow = (id: string) => {
    setFollowed(id);
    sessionStorage.setItem(followedKey(db, kind), id);
  };
  const mutation = useMutation({
    mutationFn: ({ vars, id }: { vars: TVars; id: string }) => run(vars, id),
    onSuccess: (result, { vars }) => onSuccess?.(result, vars),
    onSettled,
  });
  const cancellation = useMutation({ mutationFn: (id: string) => api.cancel({ operationId: id }) });

  const local = mutation.variables && mutation.variables.id === followed ? mutation : null;
  // Its own call, once answered, is over even if the host's `job` event that says so is still on its way.
  const ownEnded = local && !local.isPending ? local.variables?.id : undefined;
  const running = jobs?.find((j) => j.db === db && j.kind === kind && j.state === 'running' && j.id !== ownEnded) ?? null;
  // What this view shows: its own call while it runs, else a running job of its kind (another
  // console's, or its own from before a reload), else how the one it followed last ended.
  const job: Job | null = local?.isPending ? null : (running ?? (local ? null : (jobs?.find((j) => j.id === followed) ?? null)));

  // Follow a running job found this way, so that its end is still shown after the next reload.
  const runningId = running?.id;
  useEffect(() => {
    if (runningId && !local?.isPending && runningId !== followed) {
      setFollowed(runningId);
      sessionStorage.setItem(followedKey(db, kind), runningId);
    }
  }, [runningId, local?.isPending, followed, db, kind]);

  // A job this view did not start that ends while it is shown: the same follow-up as its own call.
  const seen = useRef<{ id: string; state: Job['state'] } | null>(null);
  useEffect(() => {
    const before = seen.current;
    seen.current = job ? { id: job.id, state: job.state } : null;
    if (!job || before?.id !== job.id || before.state !== 'running' || job.state === 'running') return;
    if (job.state === 'done') onSuccess?.(job.result as TResult, varsOf(job.options));
    onSettled?.();
  });

  const operationId = job?.id ?? local?.variables?.id ?? null;
  const isRunning = job ? job.state === 'running' : (local?.isPending ?? false);
  const jobError = job?.error;
  const failure = useMemo(() => (jobError ? new ApiError(jobError) : null), [jobError]);
  const error = job ? failure : (local?.error ?? null);
  const cancelling = cancellation.variables === operationId && (cancellation.isPending || (cancellation.isSuccess && isRunning));
  return {
    start(vars: TVars) {
      const id = newOperationId();
      follow(id);
      cancellation.reset();
      mutation.mutate({ vars, id });
    },
    cancel() {
      if (operationId && isRunning) cancellation.mutate(operationId);
    },
    operationId,
    isRunning,
    isCancelling: cancelling,
    result: (job ? (job.state === 'done' && job.result !== null ? job.result : undefined) : local?.data) as TResult | undefined,
    error: error ?? (cancellation.variables === operationId ? cancellation.error : null),
    variables: job ? varsOf(job.options) : local?.variables?.vars,
  };
}

export type LongOperation<TVars, TResult> = ReturnType<typeof useLongOperation<TVars, TResult>>;
