import { queryOptions, useQuery } from '@tanstack/react-query';
import type { Api } from '../../api/client';
import { useApi } from '../../api/connection-context';
import { databaseKeys } from '../../queries/database-keys';

export const schemaDiagramKeys = {
  diagram: (db: string) => [...databaseKeys.one(db), 'schema-diagram'] as const,
};

export function schemaDiagramQueryOptions(api: Api, db: string) {
  return queryOptions({ queryKey: schemaDiagramKeys.diagram(db), queryFn: () => api.schemaDiagram({ db }) });
}

/** The expected schema's tables and foreign keys, with the live database's drift on each. */
export function useSchemaDiagram(db: string, { enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({ ...schemaDiagramQueryOptions(useApi(), db), enabled });
}
