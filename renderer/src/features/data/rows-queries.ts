import { queryOptions, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { MAX_BLOB_PREVIEW_BYTES } from '../../../../shared/contract';
import type { CellValue } from '../../../../shared/types/data';
import type { Api } from '../../api/client';
import { useApi } from '../../api/connection-context';
import { newOperationId } from '../../api/operation-activity';
import type { BrowseTarget } from '../../lib/browse-link';
import { databaseKeys } from '../../queries/database-keys';

/** Rows fetched per request: a screenful or three, so scrolling far asks for few pages. */
export const PAGE_ROWS = 100;
/** Pages scrolled out of view are dropped from memory this soon: 100k rows never sit in the console at once. */
const PAGE_GC_MS = 20_000;

export const rowsKeys = {
  page: (db: string, target: BrowseTarget, page: number) => [...databaseKeys.one(db), 'rows', target, page] as const,
  children: (db: string, table: string, row: Record<string, unknown>) => [...databaseKeys.one(db), 'row-children', table, row] as const,
  whole: (db: string, target: BrowseTarget, index: number) => [...databaseKeys.one(db), 'whole-row', target, index] as const,
};

/**
 * Page `page` of the rows; the first one also counts them. A view can take its whole time limit to
 * answer: a page no longer wanted (Close, another table or sort, Cancel) aborts `signal`, and the
 * host is asked to stop its read then, not at the limit.
 */
export function rowsPageOptions(api: Api, db: string, target: BrowseTarget, page: number) {
  return queryOptions({
    queryKey: rowsKeys.page(db, target, page),
    queryFn: ({ signal }) => {
      const operationId = newOperationId();
      signal.addEventListener('abort', () => void api.cancel({ operationId }).catch(() => undefined), { once: true });
      const { table, sort, filters } = target;
      return api.rows({ db, table, sort, filters, offset: page * PAGE_ROWS, limit: PAGE_ROWS, withTotal: page === 0, operationId });
    },
    gcTime: PAGE_GC_MS,
  });
}

/** The first page: columns, keys, the count, and the first rows; `cancel` stops its read. */
export function useFirstRowsPage(db: string, target: BrowseTarget) {
  const queryClient = useQueryClient();
  // While another sort or filter of the same table loads, its columns stay on screen.
  const first = useQuery({
    ...rowsPageOptions(useApi(), db, target, 0),
    placeholderData: (previous) => (previous?.table === target.table ? previous : undefined),
  });
  const cancel = () => void queryClient.cancelQueries({ queryKey: rowsKeys.page(db, target, 0) });
  return { first, cancel };
}

/** The pages holding the rows in view, fetched on demand as they scroll in (when `fetch`; cached ones show at once). */
export function useRowsPages(db: string, target: BrowseTarget, pages: number[], fetch: boolean) {
  const api = useApi();
  return useQueries({ queries: pages.map((page) => ({ ...rowsPageOptions(api, db, target, page), enabled: fetch })) });
}

/**
 * One row by its index, from the page that holds it (read already while it was in view), then read
 * again on its own with its BLOBs in full (up to MAX_BLOB_PREVIEW_BYTES) when it holds one longer
 * than a page's preview; undefined while it is read.
 */
export function useRowAt(db: string, target: BrowseTarget, index: number) {
  const api = useApi();
  const page = useQuery(rowsPageOptions(api, db, target, Math.floor(index / PAGE_ROWS)));
  const row = page.data?.rows[index % PAGE_ROWS];
  const cutShort = row?.some((value) => value !== null && typeof value === 'object' && value.hex.length / 2 < value.blob) ?? false;
  const whole = useQuery({
    queryKey: rowsKeys.whole(db, target, index),
    queryFn: () =>
      api.rows({ db, table: target.table, sort: target.sort, filters: target.filters, offset: index, limit: 1, blobBytes: MAX_BLOB_PREVIEW_BYTES }),
    enabled: cutShort,
    gcTime: PAGE_GC_MS,
  });
  const full = whole.data?.rows[0];
  // A view without a unique order may answer another row at that offset: the full row is used only when it is this one.
  return row && full && isSameRow(row, full) ? full : row;
}

/** The same row, as a page's preview and as read in full: equal values, and each BLOB of the same size starting with the preview's bytes. */
export function isSameRow(preview: CellValue[], full: CellValue[]): boolean {
  return (
    preview.length === full.length &&
    preview.every((value, k) => {
      const other = full[k];
      if (value !== null && typeof value === 'object')
        return other !== null && typeof other === 'object' && other.blob === value.blob && other.hex.startsWith(value.hex);
      return value === other;
    })
  );
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
