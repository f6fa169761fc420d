import { useQueryClient } from '@tanstack/react-query';
import type { VerifyReport } from '../../../../shared/types';
import { useApi } from '../../api/connection-context';
import { useLongOperation } from '../../hooks/use-long-operation';
import { databaseKeys } from '../../queries/database-keys';

export const integrityKeys = {
  /** The last verification (shared with the Overview): a check run here replaces it. */
  lastCheck: (db: string) => databaseKeys.verification(db),
};

/** A quick or full check with progress and cancel; its report becomes the database's last verification. */
export function useIntegrityCheck(db: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useLongOperation({
    run: (level: 'quick' | 'full', operationId) => api.verify({ db, level, operationId }),
    onSuccess: async (report: VerifyReport) => {
      queryClient.setQueryData(integrityKeys.lastCheck(db), report);
      await queryClient.invalidateQueries({ queryKey: databaseKeys.status(db) });
    },
  });
}

/** Recreates missing objects after a pre-repair backup; everything about the database is re-read after. */
export function useRepair(db: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useLongOperation({
    run: (_: void, operationId) => api.repair({ db, operationId, backup: true }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: databaseKeys.one(db) }),
  });
}
