import { queryOptions, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { Api } from '../api/client';
import { useApi, useHostEvents } from '../api/connection-context';
import { databaseKeys } from './database-keys';

export function statusQueryOptions(api: Api, db: string) {
  return queryOptions({ queryKey: databaseKeys.status(db), queryFn: () => api.status({ db }) });
}

/** Version, pending migrations, drift and the status in words: cheap, read on every view. */
export function useStatus(db: string) {
  return useQuery(statusQueryOptions(useApi(), db));
}

/**
 * The host re-checks its databases by itself and announces each status: show it at once, so that
 * a database broken behind the console's back turns unhealthy without a reload. A database it
 * could not read is asked again, to get the error in words.
 */
export function useStatusAnnouncements(): void {
  const subscribe = useHostEvents();
  const queryClient = useQueryClient();
  useEffect(
    () =>
      subscribe((event) => {
        if (event.type !== 'status') return;
        if (event.status) queryClient.setQueryData(databaseKeys.status(event.db), event.status);
        else void queryClient.invalidateQueries({ queryKey: databaseKeys.status(event.db) });
      }),
    [subscribe, queryClient],
  );
}
