import { useSyncExternalStore } from 'react';

// The operator's name in the web console: asked once per browser session, kept for this tab
// (sessionStorage), sent with every call so that the history names who acted.

const STORAGE_KEY = 'warden.operator';
const listeners = new Set<() => void>();

/** The name given this session; '' when the person chose to give none; null when not asked yet. */
export function sessionOperator(): string | null {
  // No sessionStorage outside a browser (the client also runs in Node, in tests and tools).
  return typeof sessionStorage === 'undefined' ? null : sessionStorage.getItem(STORAGE_KEY);
}

/** Records the answer ('' for none), or forgets it (null) so that the console asks again. */
export function rememberOperator(name: string | null): void {
  if (name === null) sessionStorage.removeItem(STORAGE_KEY);
  else sessionStorage.setItem(STORAGE_KEY, name);
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useSessionOperator(): string | null {
  return useSyncExternalStore(subscribe, sessionOperator);
}
