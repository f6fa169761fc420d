import { queryOptions, useQueries, useQuery } from '@tanstack/react-query';
import type { Api } from '../../api/client';
import { useApi } from '../../api/connection-context';
import type { BrowseTarget } from '../../lib/browse-link';
import { databaseKeys } from '../../queries/database-keys';

/** Rows fetched per request: a screenful or three, so scrolling far asks for few pages. */
export const PAGE_ROWS = 100;
/** Pages scrolled out of view are dropped from memory this soon: 100k rows never sit in the console at once. */
const PAGE_GC_MS = 20_000;

export const rowsKeys = {
  page: (db: string, target: BrowseTarget, page: number) => [...databaseKeys.one(db), 'rows', target, page] as const,
  children: (db: string, table: string, row: Record<string, unknown>) => [...databaseKeys.one(db), 'row-children', table, row] as const,
};

/** Page `page` of the rows; the first one also counts them. */
export function rowsPageOptions(api: Api, db: string, target: BrowseTarget, page: number) {
  return queryOptions({
    queryKey: rowsKeys.page(db, target, page),
    queryFn: () => api.rows({ db, table: target.table, sort: target.sort, filters: target.filters, offset: page * PAGE_ROWS, limit: PAGE_ROWS, withTotal: page === 0 }),
    gcTime: PAGE_GC_MS,
  });
}

/** The first page: columns, keys, the count, and the first rows. */
export function useFirstRowsPage(db: string, target: BrowseTarget) {
  // While another sort or filter of the same table loads, its columns stay on screen.
  return useQuery({ ...rowsPageOptions(useApi(), db, target, 0), placeholderData: (previous) => (previous?.table === target.table ? previous : undefined) });
}

/** The pages holding the rows in view, fetched on demand as they scroll in (when `fetch`; cached ones show at once). */
export function useRowsPages(db: string, target: BrowseTarget, pages: number[], fetch: boolean) {
  const api = useApi();
  return useQueries({ queries: pages.map((page) => ({ ...rowsPageOptions(api, db, target, page), enabled: fetch })) });
}

/** One row by its index, from the page that holds it (read already while it was in view); undefined while it is read. */
export function useRowAt(db: string, target: BrowseTarget, index: number) {
  const page = useQuery(rowsPageOptions(useApi(), db, target, Math.floor(index / PAGE_ROWS)));
  return page.data?.rows[index % PAGE_ROWS];
}

/** A row's children in each child table, counted. */
export function useRowChildren(db: string, table: string, row: Record<string, string | number | null> | null) {
  const api = useApi();
  return useQuery({
    queryKey: rowsKeys.children(db, table, row ?? {}),
    queryFn: () => api.rowChildren({ db, table, row: row ?? {} }),
    enabled: row !== null,
  });
}
