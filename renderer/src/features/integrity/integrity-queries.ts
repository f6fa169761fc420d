import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { VerifyReport } from '../../../../shared/types/integrity';
import { useApi } from '../../api/connection-context';
import { useLongOperation } from '../../hooks/use-long-operation';
import { hrefFor } from '../../lib/routes';
import { databaseKeys } from '../../queries/database-keys';

export const integrityKeys = {
  /** The last verification (shared with the Overview): a check run here replaces it. */
  lastCheck: (db: string) => databaseKeys.verification(db),
  /** What repair would run now (a dry run): shown in its confirmation. */
  repairPlan: (db: string) => [...databaseKeys.one(db), 'repair-plan'] as const,
};

/** A quick or full check with progress and cancel; its report becomes the database's last verification. */
export function useIntegrityCheck(db: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useLongOperation({
    db,
    kind: 'verify',
    run: (level: 'quick' | 'full', operationId) => api.verify({ db, level, operationId }),
    varsOf: (options) => (options.level === 'full' ? 'full' : 'quick'),
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
    db,
    kind: 'repair',
    run: (_: void, operationId) => api.repair({ db, operationId, backup: true }),
    varsOf: () => undefined,
    onSettled: () => queryClient.invalidateQueries({ queryKey: databaseKeys.one(db) }),
  });
}

/** The statements repair would run, read while its confirmation is open; nothing is written. */
export function useRepairPlan(db: string, enabled: boolean) {
  const api = useApi();
  return useQuery({
    ...queryOptions({ queryKey: integrityKeys.repairPlan(db), queryFn: () => api.repair({ db, dryRun: true, backup: false }) }),
    enabled,
    staleTime: 0,
  });
}

/** Recovers what can be read into a new file beside the database; the database itself is only read. */
export function useSalvage(db: string) {
  const api = useApi();
  // recoverFrom: the backup to copy the damaged tables' missing rows back from (the "both" way out); undefined: salvage alone.
  return useLongOperation({
    db,
    kind: 'salvage',
    run: (recoverFrom: string | undefined, operationId) => api.salvage({ db, operationId, recoverFrom }),
    varsOf: () => undefined,
  });
}

/** The file name at the end of a path the host reported (the salvage's new file): what openSalvaged is given, never the path. */
export function fileNameOf(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** Serves the file a salvage made as a database of its own and shows its Overview: to check that it is healthy, then work on it. */
export function useOpenSalvaged(db: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (out: string) => api.openSalvaged({ db, file: fileNameOf(out) }),
    onSuccess: async (entry) => {
      await queryClient.invalidateQueries({ queryKey: databaseKeys.list() });
      window.location.hash = hrefFor(entry.id, 'overview');
    },
  });
}
