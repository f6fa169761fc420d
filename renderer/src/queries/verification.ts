import { queryOptions, useQuery } from '@tanstack/react-query';
import type { Api } from '../api/client';
import { useApi } from '../api/connection-context';
import { databaseKeys } from './database-keys';

/**
 * The last verification of a database. Read for the first time, it runs a quick check; a check
 * started from the Integrity view replaces it (setQueryData), and a write invalidates it.
 */
export function verificationQueryOptions(api: Api, db: string) {
  return queryOptions({
    queryKey: databaseKeys.verification(db),
    queryFn: () => api.verify({ db, level: 'quick' }),
    staleTime: 5 * 60_000,
    refetchOnWindowFocus: false,
  });
}

/** `enabled: false` for a database file that does not exist yet: there is nothing to check. */
export function useVerification(db: string, { enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({ ...verificationQueryOptions(useApi(), db), enabled });
}
