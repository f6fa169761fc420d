import type { FleetStatusReport } from '../../shared/fleet-types';
import type { HostEvent } from '../../shared/types';
import type { DatabaseRegistry } from './database-registry';
import type { EngineRunner } from './engine-job';
import type { Operations } from './operations';
import type { SchemaCatalog } from './schema-catalog';

/** What only some hosts can do. A handler that needs a missing capability answers NOT_SUPPORTED. */
export interface HostCapabilities {
  /** Electron: the user picks a database in a native open dialog (null: cancelled). The HTTP host has none: no paths over the wire. */
  chooseDatabaseToOpen?: () => Promise<string | null>;
  /** Where a new database file goes: Electron asks in a save dialog, the HTTP host uses its data folder (null: cancelled). */
  placeNewDatabase: (fileName: string) => Promise<string | null>;
  /** `warden serve --fleet FILE`: the fleet's status, worst first (a group's only, when given). */
  fleetStatus?: (group: string | undefined) => Promise<FleetStatusReport>;
}

/** Everything a handler may use: the host's databases, its schemas, its running operations, its engine workers, its event channel. */
export interface HostContext {
  registry: DatabaseRegistry;
  schemas: SchemaCatalog;
  operations: Operations;
  engine: EngineRunner;
  /** Progress and log events to the console (IPC to the window, server-sent events over HTTP). */
  emit(event: HostEvent): void;
  capabilities: HostCapabilities;
}
