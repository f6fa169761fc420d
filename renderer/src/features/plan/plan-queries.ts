import { useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../api/connection-context';
import { useLongOperation } from '../../hooks/use-long-operation';
import { databaseKeys } from '../../queries/database-keys';

/** Applies the plan to a copy of the database; the real file is never opened for writing. */
export function useRehearsal(db: string) {
  const api = useApi();
  return useLongOperation({ run: (to: string, operationId) => api.rehearse({ db, to, operationId }) });
}

/** Applies the pending migrations after a verified pre-migrate backup, one transaction per step. */
export function useMigration(db: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useLongOperation({
    run: (to: string, operationId) => api.migrate({ db, to, operationId, backup: true }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: databaseKeys.one(db) }),
  });
}
