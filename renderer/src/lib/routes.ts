import { useSyncExternalStore } from 'react';

// The console's address is its hash — #/ for the landing, #/db/<id>/<view> for a database — so reloads and links keep the place and
// the back button works, without a router.

export const VIEWS = [
  { id: 'overview', label: 'Overview' },
  { id: 'history', label: 'History' },
  { id: 'integrity', label: 'Integrity' },
  { id: 'schema', label: 'Schema' },
  { id: 'plan', label: 'Migration plan' },
  { id: 'backups', label: 'Backups' },
  { id: 'data', label: 'Data' },
  { id: 'sizes', label: 'Sizes' },
] as const;

export type ViewId = (typeof VIEWS)[number]['id'];

export interface Route {
  db: string | null;
  view: ViewId;
  /** #/fleet: the fleet page (`warden serve --fleet`). */
  fleet: boolean;
}

export const FLEET_HREF = '#/fleet';

function isViewId(value: string | undefined): value is ViewId {
  return VIEWS.some((v) => v.id === value);
}

export function parseRoute(hash: string): Route {
  // What follows a '?' belongs to the view (the Data view's browse link), not to the route.
  const [, kind, db, view] = hash.replace(/^#/, '').split('?')[0].split('/');
  if (kind === 'fleet') return { db: null, view: 'overview', fleet: true };
  if (kind !== 'db' || !db) return { db: null, view: 'overview', fleet: false };
  return { db: decodeURIComponent(db), view: isViewId(view) ? view : 'overview', fleet: false };
}

export function hrefFor(db: string, view: ViewId = 'overview'): string {
  return `#/db/${encodeURIComponent(db)}/${view}`;
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseRoute(hash);
}

export function navigateTo(db: string, view: ViewId = 'overview'): void {
  window.location.hash = hrefFor(db, view);
}

/** The landing: every served database, worst first. */
export const HOME_HREF = '#/';

export function navigateHome(): void {
  window.location.hash = HOME_HREF;
}
