import { queryOptions, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Api } from '../../api/client';
import { useApi } from '../../api/connection-context';
import { useLongOperation } from '../../hooks/use-long-operation';
import { databaseKeys } from '../../queries/database-keys';

export const dataKeys = {
  tables: (db: string) => [...databaseKeys.one(db), 'tables'] as const,
  queryHistory: (db: string) => [...databaseKeys.one(db), 'queryHistory'] as const,
};

export function tablesQueryOptions(api: Api, db: string) {
  return queryOptions({ queryKey: dataKeys.tables(db), queryFn: () => api.tables({ db }) });
}

/** Every table and view with its rows, its size and its indexes' sizes. */
export function useTables(db: string) {
  return useQuery(tablesQueryOptions(useApi(), db));
}

export interface QueryRequest {
  sql: string;
  limit: number;
}

/** One read-only query on the host (a child process it can stop), cancellable while it runs; the host's query history is read again when it ends. */
export function useReadOnlyQuery(db: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useLongOperation({
    db,
    kind: 'query',
    run: ({ sql, limit }: QueryRequest, operationId) => api.query({ db, sql, limit, operationId }),
    varsOf: (options) => ({ sql: String(options.sql), limit: Number(options.limit) }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: dataKeys.queryHistory(db) }),
  });
}
