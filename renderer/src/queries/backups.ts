import { queryOptions, useQuery } from '@tanstack/react-query';
import type { Api } from '../api/client';
import { useApi } from '../api/connection-context';
import { databaseKeys } from './database-keys';

export function backupsQueryOptions(api: Api, db: string) {
  return queryOptions({ queryKey: databaseKeys.backups(db), queryFn: () => api.backups({ db }) });
}

/** The database's backups, newest first (the Overview shows the latest, the Backups view all). */
export function useBackups(db: string) {
  return useQuery(backupsQueryOptions(useApi(), db));
}
