import { queryOptions, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Api } from '../../api/client';
import { useApi } from '../../api/connection-context';
import { useLongOperation } from '../../hooks/use-long-operation';
import type { Job, MigrationPlan, RehearsalReport } from '../../../../shared/types';
import { databaseKeys } from '../../queries/database-keys';
import { useJobs } from '../../queries/jobs';

export const planKeys = {
  toLatest: (db: string) => [...databaseKeys.one(db), 'plan'] as const,
};

export function planQueryOptions(api: Api, db: string) {
  return queryOptions({ queryKey: planKeys.toLatest(db), queryFn: () => api.plan({ db }) });
}

/** The pending steps to the latest version, with their SQL, linter warnings and blockers. */
export function usePlan(db: string, { enabled }: { enabled: boolean }) {
  return useQuery({ ...planQueryOptions(useApi(), db), enabled });
}

/** Applies the plan to a copy of the database; the real file is never opened for writing. */
export function useRehearsal(db: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useLongOperation({
    db,
    kind: 'rehearse',
    run: (to: string, operationId) => api.rehearse({ db, to, operationId }),
    varsOf: (options) => String(options.to ?? ''),
    // The plan is read again, so that its stamp of the database is as recent as the rehearsal's.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: planKeys.toLatest(db) }),
  });
}

/** The host's last rehearsal of this database that ended well (kept however many jobs ran since), if any. */
export function useLastRehearsal(db: string): Job | null {
  return useJobs().data?.find((job) => job.db === db && job.kind === 'rehearse' && job.state === 'done') ?? null;
}

/** Whether a rehearsal ran on this very plan and on the database as the plan read it. */
export function rehearsalApplies(report: RehearsalReport, plan: MigrationPlan): 'yes' | 'plan-changed' | 'database-changed' {
  if (report.planChecksum !== plan.checksum) return 'plan-changed';
  return report.databaseStamp === plan.databaseStamp ? 'yes' : 'database-changed';
}

/** Applies the pending migrations after a verified pre-migrate backup, one transaction per step. */
export function useMigration(db: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useLongOperation({
    db,
    kind: 'migrate',
    run: (to: string, operationId) => api.migrate({ db, to, operationId, backup: true }),
    varsOf: (options) => String(options.to ?? ''),
    onSettled: () => queryClient.invalidateQueries({ queryKey: databaseKeys.one(db) }),
  });
}
