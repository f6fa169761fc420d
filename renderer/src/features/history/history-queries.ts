import { queryOptions, useQuery } from '@tanstack/react-query';
import type { Api } from '../../api/client';
import { useApi } from '../../api/connection-context';
import { databaseKeys } from '../../queries/database-keys';

export const historyKeys = {
  all: (db: string) => [...databaseKeys.one(db), 'history'] as const,
};

export function historyQueryOptions(api: Api, db: string) {
  return queryOptions({ queryKey: historyKeys.all(db), queryFn: () => api.history({ db }) });
}

/** Every applied version and every lifecycle event, newest first. */
export function useHistory(db: string, { enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({ ...historyQueryOptions(useApi(), db), enabled });
}
