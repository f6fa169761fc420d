import { useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../api/connection-context';
import { useLongOperation } from '../../hooks/use-long-operation';
import type { Job } from '../../../../shared/types/jobs';
import type { MigrationPlan, RehearsalReport } from '../../../../shared/types/migrations';
import { databaseKeys } from '../../queries/database-keys';
import { planKeys } from '../../queries/plan';
import { useJobs } from '../../queries/jobs';

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
