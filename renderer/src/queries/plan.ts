import { queryOptions, useQuery } from '@tanstack/react-query';
import type { Api } from '../api/client';
import { useApi } from '../api/connection-context';
import { databaseKeys } from './database-keys';

export const planKeys = {
  toLatest: (db: string) => [...databaseKeys.one(db), 'plan'] as const,
};

export function planQueryOptions(api: Api, db: string) {
  return queryOptions({ queryKey: planKeys.toLatest(db), queryFn: () => api.plan({ db }) });
}

/** The pending steps to the latest version, with their SQL, linter warnings, blockers and the tables it leaves. */
export function usePlan(db: string, { enabled }: { enabled: boolean }) {
  return useQuery({ ...planQueryOptions(useApi(), db), enabled });
}
