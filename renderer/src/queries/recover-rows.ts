import { queryOptions, useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../api/connection-context';
import { useLongOperation } from '../hooks/use-long-operation';
import { databaseKeys } from './database-keys';

// Recover rows: copies back from a verified backup the rows a table lacks. Offered by the
// Integrity view after a repair and by the Overview while child rows point at missing parents.

/** How many rows a recovery would copy back (a dry run): shown before it runs. */
export const recoveryPlanKey = (db: string, table: string, backup: string) => [...databaseKeys.one(db), 'recovery-plan', table, backup] as const;

/** The rows per table a recovery would copy back; nothing is written. */
export function useRecoveryPlan(db: string, table: string, backup: string) {
  const api = useApi();
  return useQuery({
    ...queryOptions({ queryKey: recoveryPlanKey(db, table, backup), queryFn: () => api.recoverRows({ db, table, backup, dryRun: true }) }),
    staleTime: 0,
  });
}

/** Copies the rows back after a pre-recover backup; everything about the database is re-read after. */
export function useRecoverRows(db: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useLongOperation({
    db,
    kind: 'recoverRows',
    run: ({ table, backup }: { table: string; backup: string }, operationId) => api.recoverRows({ db, table, backup, operationId }),
    varsOf: (options) => ({ table: String(options.table), backup: String(options.backup) }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: databaseKeys.one(db) }),
  });
}
