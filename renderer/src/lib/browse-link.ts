import type { RowFilter, RowSort } from '../../../shared/types/data';
import { useSyncExternalStore } from 'react';
import { hrefFor } from './routes';

// Which rows the Data view shows, kept in the address (#/db/<id>/data?browse=…) so that a link from
// another view (the plan's "Browse") opens them, and the back button returns to the rows before.

export interface BrowseTarget {
  table: string;
  sort: RowSort | null;
  filters: RowFilter[];
}

export function hrefForBrowse(db: string, target: BrowseTarget): string {
  return `${hrefFor(db, 'data')}?browse=${encodeURIComponent(JSON.stringify(target))}`;
}

/** The rows a hash asks the Data view to show, or null (none, or not readable: the host checks names anyway). */
export function browseTargetOf(hash: string): BrowseTarget | null {
  const query = hash.split('?')[1];
  const text = query && new URLSearchParams(query).get('browse');
  if (!text) return null;
  try {
    const value = JSON.parse(text) as Partial<BrowseTarget>;
    if (typeof value.table !== 'string' || !Array.isArray(value.filters ?? [])) return null;
    return { table: value.table, sort: value.sort ?? null, filters: value.filters ?? [] };
  } catch {
    return null;
  }
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

/** The rows the address asks for; follows the address as it changes. */
export function useBrowseTarget(): BrowseTarget | null {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  // Parsed from the hash text each render: compare targets by their JSON, not by identity.
  return browseTargetOf(hash);
}
