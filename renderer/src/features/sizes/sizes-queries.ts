import { queryOptions, useQuery } from '@tanstack/react-query';
import type { Api } from '../../api/client';
import { useApi } from '../../api/connection-context';
import { databaseKeys } from '../../queries/database-keys';

export const sizesKeys = {
  sizes: (db: string) => [...databaseKeys.one(db), 'sizes'] as const,
};

export function sizesQueryOptions(api: Api, db: string) {
  return queryOptions({ queryKey: sizesKeys.sizes(db), queryFn: () => api.sizes({ db }) });
}

/** Bytes per table and index (dbstat) and the free pages, of one moment of the file. */
export function useSizes(db: string, { enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({ ...sizesQueryOptions(useApi(), db), enabled });
}
