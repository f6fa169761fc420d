import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react';
import type { Api } from './client';
import type { Connection } from './connection';
import type { OperationActivity } from './operation-activity';

const ConnectionContext = createContext<Connection | null>(null);

export function ConnectionProvider({ connection, children }: { connection: Connection; children: ReactNode }) {
  return <ConnectionContext.Provider value={connection}>{children}</ConnectionContext.Provider>;
}

function useConnection(): Connection {
  const connection = useContext(ConnectionContext);
  if (!connection) throw new Error('useConnection needs a ConnectionProvider above it');
  return connection;
}

export function useApi(): Api {
  return useConnection().api;
}

export function useHostEvents(): Connection['subscribe'] {
  return useConnection().subscribe;
}

/** The fleet deployment this page shows (null: the host's own databases). */
export function useDeployment(): string | null {
  return useConnection().deployment;
}

export function useHostKind(): Connection['kind'] {
  return useConnection().kind;
}

/** The latest progress and log line the host sent for this operation (null before the first event). */
export function useOperationActivity(operationId: string | null): OperationActivity | null {
  const { activity } = useConnection();
  return useSyncExternalStore(activity.subscribe, () => activity.activityOf(operationId));
}
