import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../api/connection-context';
import { databaseKeys } from './database-keys';

/** A byte copy of the (damaged) file as it is, kept in the backup folder as a damaged copy; only the backups list changes. */
export function usePreserveCopy(db: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.preserveCopy({ db }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: databaseKeys.backups(db) }),
  });
}
