import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { MethodInput } from '../../../../shared/contract';
import type { DatabaseEntry } from '../../../../shared/types/databases';
import type { Api } from '../../api/client';
import { useApi, useHostEvents } from '../../api/connection-context';
import { navigateHome, navigateTo, parseRoute } from '../../lib/routes';
import { databaseKeys } from '../../queries/database-keys';

export function databasesQueryOptions(api: Api) {
  return queryOptions({ queryKey: databaseKeys.list(), queryFn: () => api.listDatabases({}) });
}

export function useDatabases() {
  return useQuery(databasesQueryOptions(useApi()));
}

/**
 * The host announces changes to its list of databases it made on its own (File → Open or New in
 * Electron's menu, a database created by another client): take the new list and show its choice.
 */
export function useDatabaseAnnouncements(): void {
  const subscribe = useHostEvents();
  const queryClient = useQueryClient();
  useEffect(
    () =>
      subscribe((event) => {
        if (event.type !== 'databases') return;
        queryClient.setQueryData(databaseKeys.list(), event.databases);
        if (event.selected) navigateTo(event.selected);
      }),
    [subscribe, queryClient],
  );
}

/** After a database joins the list: refresh the list and show the newcomer. */
function useShowNewDatabase() {
  const queryClient = useQueryClient();
  return async (entry: DatabaseEntry | null) => {
    await queryClient.invalidateQueries({ queryKey: databaseKeys.list() });
    if (entry) navigateTo(entry.id);
  };
}

/** Electron only: the user picks a database file in a native dialog (null when they cancel). */
export function useOpenDatabase() {
  const api = useApi();
  const show = useShowNewDatabase();
  return useMutation({ mutationFn: () => api.openDatabase({}), onSuccess: show });
}

export function useCreateDatabase() {
  const api = useApi();
  const show = useShowNewDatabase();
  return useMutation({ mutationFn: (input: MethodInput<'createDatabase'>) => api.createDatabase(input), onSuccess: show });
}

export function useCloseDatabase() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (db: string) => api.closeDatabase({ db }),
    onSuccess: async (_result, db) => {
      // Off its page first, to the landing: its queries are about to go.
      if (parseRoute(window.location.hash).db === db) navigateHome();
      queryClient.removeQueries({ queryKey: databaseKeys.one(db) });
      await queryClient.invalidateQueries({ queryKey: databaseKeys.list() });
    },
  });
}
