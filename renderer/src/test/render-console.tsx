import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { afterEach } from 'vitest';
import type { HostEvent } from '../../../shared/types/jobs';
import { ConnectionProvider } from '../api/connection-context';
import { OperationActivityStore } from '../api/operation-activity';
import { createFakeApi, type FakeApi } from './fake-api';

afterEach(() => {
  cleanup();
  window.location.hash = '';
  sessionStorage.clear(); // the jobs views followed, the operator's name
  localStorage.clear(); // the query tabs
});

interface ConsoleOptions {
  api?: FakeApi;
  kind?: 'electron' | 'http';
}

/** Renders part of the console as the app does: a connection (fake api) and a fresh query client. */
export function renderConsole(ui: ReactElement, { api = createFakeApi(), kind = 'http' }: ConsoleOptions = {}) {
  const activity = new OperationActivityStore();
  // Host events as a transport delivers them: to the activity store and to every subscriber.
  const listeners = new Set<(event: HostEvent) => void>([activity.record]);
  const subscribe = (listener: (event: HostEvent) => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };
  const emit = (event: HostEvent) => listeners.forEach((listener) => listener(event));
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  const view = render(
    <ConnectionProvider connection={{ kind, api, activity, subscribe, deployment: null }}>
      <QueryClientProvider client={queryClient}>{ui}</QueryClientProvider>
    </ConnectionProvider>,
  );
  return { ...view, api, activity, emit, queryClient };
}
