import { useEffect, useState } from 'react';

// The Data view's query tabs: each with its own SQL and row limit, kept per database in this
// browser's localStorage so that they survive a reload (their results do not: a result can be
// 100,000 rows, and a query is run again with Run).

export interface QueryTab {
  id: string;
  sql: string;
  limit: number;
}

export interface QueryTabs {
  tabs: QueryTab[];
  active: string;
}

/** The most tabs one database keeps: a tab bar past that is no longer read. */
export const MAX_QUERY_TABS = 12;
export const DEFAULT_ROW_LIMIT = 1000;

const storageKey = (db: string) => `warden.queryTabs.${db}`;
const newTab = (sql = '', limit = DEFAULT_ROW_LIMIT): QueryTab => ({
  id: `tab-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
  sql,
  limit,
});

function isTabs(value: unknown): value is QueryTabs {
  const v = value as QueryTabs | null;
  return (
    typeof v?.active === 'string' &&
    Array.isArray(v.tabs) &&
    v.tabs.length > 0 &&
    v.tabs.every((t) => typeof t?.id === 'string' && typeof t.sql === 'string' && typeof t.limit === 'number')
  );
}

function freshTabs(): QueryTabs {
  const first = newTab();
  return { tabs: [first], active: first.id };
}

function load(db: string): QueryTabs {
  try {
    const kept: unknown = JSON.parse(localStorage.getItem(storageKey(db)) ?? 'null');
    if (isTabs(kept)) return kept.tabs.some((t) => t.id === kept.active) ? kept : { ...kept, active: kept.tabs[0].id };
  } catch {
    // Unreadable (another version's shape, storage refused): start with one empty tab.
  }
  return freshTabs();
}

/** A tab's name in the tab bar: its SQL's start, or "New query". */
export function tabTitle(tab: QueryTab): string {
  const text = tab.sql.replace(/\s+/g, ' ').trim();
  return text === '' ? 'New query' : text.length > 28 ? `${text.slice(0, 27)}…` : text;
}

export function useQueryTabs(db: string) {
  const [state, setState] = useState<QueryTabs>(() => load(db));
  useEffect(() => setState(load(db)), [db]);
  useEffect(() => {
    try {
      localStorage.setItem(storageKey(db), JSON.stringify(state));
    } catch {
      // Storage full or refused: the tabs still work, they just do not outlive the page.
    }
  }, [db, state]);
  const active = state.tabs.find((t) => t.id === state.active) ?? state.tabs[0];
  return {
    tabs: state.tabs,
    active,
    select: (id: string) => setState((s) => ({ ...s, active: id })),
    update: (change: Partial<Omit<QueryTab, 'id'>>) => setState((s) => ({ ...s, tabs: s.tabs.map((t) => (t.id === s.active ? { ...t, ...change } : t)) })),
    /** A new tab (with this SQL), made active; the oldest goes when there are too many. */
    open: (sql?: string) => {
      const tab = newTab(sql);
      setState((s) => ({ tabs: [...s.tabs, tab].slice(-MAX_QUERY_TABS), active: tab.id }));
    },
    close: (id: string) =>
      setState((s) => {
        const left = s.tabs.filter((t) => t.id !== id);
        if (left.length === 0) return freshTabs(); // the last one closed: a fresh empty tab
        const at = s.tabs.findIndex((t) => t.id === id);
        return { tabs: left, active: s.active === id ? left[Math.max(0, at - 1)].id : s.active };
      }),
  };
}
