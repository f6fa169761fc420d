import { queryOptions, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { Api } from '../api/client';
import { useApi, useHostEvents } from '../api/connection-context';
import { isLocked } from '../lib/locked';
import { databaseKeys } from './database-keys';

/** Per database, when the first call that found it locked started: how long it has been waited for. */
const waitingSince = new Map<string, number>();

export function lockedSince(db: string): number | null {
  return waitingSince.get(db) ?? null;
}

async function readStatus(api: Api, db: string) {
  const started = Date.now();
  try {
    const report = await api.status({ db });
    waitingSince.delete(db);
    return report;
  } catch (err) {
    if (isLocked(err) && !waitingSince.has(db)) waitingSince.set(db, started);
    throw err;
  }
}

export function statusQueryOptions(api: Api, db: string) {
  return queryOptions({ queryKey: databaseKeys.status(db), queryFn: () => readStatus(api, db) });
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
        if (event.status) {
          waitingSince.delete(event.db);
          queryClient.setQueryData(databaseKeys.status(event.db), event.status);
        }
        // Keep a call already under way: restarting it would restart its wait for a lock every interval.
        else void queryClient.invalidateQueries({ queryKey: databaseKeys.status(event.db) }, { cancelRefetch: false });
      }),
    [subscribe, queryClient],
  );
}
