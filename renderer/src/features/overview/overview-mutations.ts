import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../api/connection-context';
import { useLongOperation } from '../../hooks/use-long-operation';
import { databaseKeys } from '../../queries/database-keys';

function useRefreshDatabase(db: string) {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: databaseKeys.one(db) });
}

export function useInitialize(db: string) {
  const api = useApi();
  const refresh = useRefreshDatabase(db);
  return useLongOperation({
    db,
    kind: 'initialize',
    run: (to: string, operationId) => api.initialize({ db, to, operationId }),
    varsOf: (options) => String(options.to ?? ''),
    onSettled: refresh,
  });
}

/** Adopts an unversioned database whose schema matches `version` (refused, with the differences, otherwise). */
export function useBaseline(db: string) {
  const api = useApi();
  const refresh = useRefreshDatabase(db);
  return useMutation({ mutationFn: (version: string) => api.baseline({ db, version }), onSettled: refresh });
}

export function useAcceptChecksum(db: string) {
  const api = useApi();
  const refresh = useRefreshDatabase(db);
  return useMutation({
    mutationFn: ({ version, reason }: { version: string; reason: string }) => api.acceptChecksum({ db, version, reason }),
    onSettled: refresh,
  });
}

/** A verified backup, from the Overview's next step (not backed up). */
export function useBackUp(db: string) {
  const api = useApi();
  const refresh = useRefreshDatabase(db);
  return useLongOperation({
    db,
    kind: 'backup',
    run: (_: void, operationId) => api.backup({ db, operationId }),
    varsOf: () => undefined,
    onSettled: refresh,
  });
}
