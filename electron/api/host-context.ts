import type { ValidInput } from '../../shared/contract';
import type { FleetActionReport, FleetStatusReport, OpenedFleet, RolloutReport, SchemaComparison } from '../../shared/types/fleet';
import type { HostEvent } from '../../shared/types/jobs';
import type { BackupSchedule } from './backup-schedule';
import type { DatabaseRegistry } from './database-registry';
import type { EngineRunner } from './engine-runner';
import type { IntegrityMemory } from './integrity-memory';
import type { Jobs } from './jobs';
import type { Operations } from './operations';
import type { QueryHistory } from './query-history';
import type { ExportTickets } from './export-tickets';
import type { SchemaCatalog } from './schema-catalog';

/** What only some hosts can do. A handler that needs a missing capability answers NOT_SUPPORTED. */
export interface HostCapabilities {
  /** Electron: the user picks a database in a native open dialog (null: cancelled). The HTTP host has none: no paths over the wire. */
  chooseDatabaseToOpen?: () => Promise<string | null>;
  /** Electron: the user picks a schema folder or an app's migrations folder in a native dialog (null: cancelled). The HTTP host has none. */
  chooseSchemaFolder?: () => Promise<string | null>;
  /** Where a new database file goes: Electron asks in a save dialog, the HTTP host uses its data folder (null: cancelled). */
  placeNewDatabase: (fileName: string) => Promise<string | null>;
  /** Electron: where an export goes, picked in a native save dialog (null: cancelled). */
  chooseExportFile?: (fileName: string) => Promise<string | null>;
  /** The HTTP host: one-time download addresses for exports (its GET route streams them). */
  exportTickets?: ExportTickets;
  /** `warden serve --fleet FILE`: the fleet's status, worst first (a group's only, when given). */
  fleetStatus?: (group: string | undefined) => Promise<FleetStatusReport>;
  /** `warden serve --fleet FILE`: a rolling migrate of the fleet, kept as a job (see fleet-rollout-job.ts). */
  fleetMigrate?: (input: ValidInput<'fleetMigrate'>, operator: string | undefined) => Promise<RolloutReport>;
  /** The desktop app's fleet (see electron/main/desktop-fleet.ts): a fleet file chosen in a dialog, tokens in the OS keychain, a window per deployment. */
  desktopFleet?: {
    open(): Promise<OpenedFleet | null>;
    keepToken(deployment: string, token: string): void;
    forgetToken(deployment: string): boolean;
    openDeployment(deployment: string): void;
  };
  /** `warden serve --fleet FILE`: verify all, kept as a job (see fleet-action-job.ts). */
  fleetVerify?: (input: ValidInput<'fleetVerify'>, operator: string | undefined) => Promise<FleetActionReport>;
  /** `warden serve --fleet FILE`: back up all, kept as a job (see fleet-action-job.ts). */
  fleetBackup?: (input: ValidInput<'fleetBackup'>, operator: string | undefined) => Promise<FleetActionReport>;
  /** `warden serve --fleet FILE`: a deployment's live schema beside another's, or beside the expected schema at a version (see fleet-compare.ts). */
  fleetCompare?: (input: ValidInput<'fleetCompare'>) => Promise<SchemaComparison>;
  /** The host's scheduled backups (see backup-schedule.ts); absent: none. */
  backupSchedule?: BackupSchedule;
  /** The desktop app: changes the interval and keeps it for the next start. */
  setBackupEvery?: (everyMs: number | null) => void;
}

/** Who a request acts for: the operator's name the console (or a script) sent with it. */
export interface Caller {
  operator?: string;
  /** The call carries a read-only token (the HTTP host has already refused what that token may not call). */
  readOnly?: boolean;
}

/** A call as a host handler sees it: whom it acts for ("alice via warden serve", when anyone), and whether its token is read-only. */
export interface Acting {
  operator?: string;
  readOnly: boolean;
}

/** How a host names the people it acts for in the history. */
export interface HostIdentity {
  /** How the host is reached, as in "alice via warden serve". */
  via: string;
  /** The operator named when the host started (`warden serve --operator`): used when a call names none. */
  operator: string | null;
  /** Whether the console should ask for a name (the web host without --operator). */
  asksForOperator: boolean;
}

/** Everything a handler may use: the host's databases, its schemas, its running operations and jobs, its engine workers, its event channel. */
export interface HostContext {
  registry: DatabaseRegistry;
  schemas: SchemaCatalog;
  operations: Operations;
  jobs: Jobs;
  /** The latest quick_check of each database file, reused by status reads while the file is unchanged. */
  integrity: IntegrityMemory;
  /** Each database's query runs, newest first (query-history.ts). */
  queryHistory: QueryHistory;
  identity: HostIdentity;
  engine: EngineRunner;
  /** Progress and log events to the console (IPC to the window, server-sent events over HTTP). */
  emit(event: HostEvent): void;
  capabilities: HostCapabilities;
}
