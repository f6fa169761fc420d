import type { ErrorInfo } from '../../../../shared/errors';
import type { AppliedStep, PlanStep } from '../../../../shared/types/migrations';

export type StepState = { state: 'pending' } | { state: 'running' } | { state: 'applied'; executionMs: number | null } | { state: 'failed'; message: string };

interface MigrationRun {
  running: boolean;
  /** The host's latest progress phase ("applying 1.1.0 …"). */
  phase: string | null;
  applied: AppliedStep[] | null;
  error: ErrorInfo | null;
}

/**
 * Where each step of the plan stands during and after a migration: steps before the one being
 * applied are done, the failing step is named by the error's version, the rest are pending.
 */
export function stepStates(steps: Pick<PlanStep, 'version'>[], run: MigrationRun): StepState[] {
  const appliedMs = new Map((run.applied ?? []).map((s) => [s.version, s.executionMs]));
  const failedVersion = run.error?.code === 'MIGRATION_FAILED' ? String(run.error.details?.version ?? '') : null;
  const runningIndex = run.running && run.phase ? steps.findIndex((s) => run.phase?.includes(s.version)) : -1;
  const failedIndex = failedVersion ? steps.findIndex((s) => s.version === failedVersion) : -1;

  return steps.map((step, index): StepState => {
    if (appliedMs.has(step.version)) return { state: 'applied', executionMs: appliedMs.get(step.version) ?? null };
    if (index === failedIndex && run.error) return { state: 'failed', message: run.error.message };
    if (failedIndex > index) return { state: 'applied', executionMs: null };
    if (index === runningIndex) return { state: 'running' };
    if (runningIndex > index) return { state: 'applied', executionMs: null };
    return { state: 'pending' };
  });
}
