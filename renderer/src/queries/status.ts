import { queryOptions, useQuery } from '@tanstack/react-query';
import type { Api } from '../api/client';
import { useApi } from '../api/connection-context';
import { databaseKeys } from './database-keys';

export function statusQueryOptions(api: Api, db: string) {
  return queryOptions({ queryKey: databaseKeys.status(db), queryFn: () => api.status({ db }) });
}

/** Version, pending migrations, drift and the status in words: cheap, read on every view. */
export function useStatus(db: string) {
  return useQuery(statusQueryOptions(useApi(), db));
}
