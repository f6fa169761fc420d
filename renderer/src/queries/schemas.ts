import { queryOptions, useQuery } from '@tanstack/react-query';
import type { Api } from '../api/client';
import { useApi } from '../api/connection-context';
import { schemaKeys } from './database-keys';

export function schemasQueryOptions(api: Api) {
  return queryOptions({ queryKey: schemaKeys.all, queryFn: () => api.listSchemas({}), staleTime: Infinity });
}

/** The schemas the host knows, with their versions (they change only when the host restarts). */
export function useSchemas() {
  return useQuery(schemasQueryOptions(useApi()));
}
