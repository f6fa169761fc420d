// A host's long operations, their progress and the events it sends.

import type { MethodName } from '../contract';
import type { ErrorInfo } from '../errors';
import type { DatabaseEntry } from './databases';
import type { FleetActionEntry, OpenedFleet, RolloutDeployment } from './fleet';
import type { StatusReport } from './status';

/** Progress of long work: a phase and how far it is, for a bar in the UI or on stderr. */
export interface Progress {
  operation: string;
  phase: string;
  done: number;
  total: number;
  /** What done and total count, where it is a size: database pages (of pageSize bytes) or bytes. */
  unit?: 'pages' | 'bytes';
  pageSize?: number;
  /** A fleet rollout: where each deployment is (its live outcome), so a console that reloads shows them again. */
  deployments?: RolloutDeployment[];
  /** A fleet verify or backup: where each deployment is, likewise. */
  fleetAction?: FleetActionEntry[];
  /** This phase only reads (a write's opening check): stopping it now changes nothing, so Ctrl-C stops at once. */
  readsOnly?: boolean;
}

export interface LogEvent {
  level: 'info' | 'warn' | 'error';
  message: string;
  at: string;
}

export type HostEvent =
  | { type: 'progress'; operationId: string | null; db: string; progress: Progress }
  | { type: 'log'; operationId: string | null; db: string; log: LogEvent }
  /** The host's list of databases changed (File → Open / New / a recent one in Electron, createDatabase): refetch listDatabases; `selected` is the one just added. */
  | { type: 'databases'; databases: DatabaseEntry[]; selected: string | null }
  /** The host checked a served database again (every health interval): show this status; null: it could not be read, ask again for why. */
  | { type: 'status'; db: string; status: StatusReport | null }
  /** A job started or ended (its progress arrives as `progress` events with its id): update the Jobs panel. */
  | { type: 'job'; job: Job }
  /** The desktop app opened a fleet file (File → Open Fleet…): show its Fleet page. */
  | { type: 'fleet'; fleet: OpenedFleet };

/** Who a host records actions as (issue 14). */
export interface HostInfo {
  /** The operator named when the host started (`warden serve --operator`), null when none was. */
  operator: string | null;
  /** The web host without --operator: the console asks the person's name once per browser session and sends it with each call. */
  asksForOperator: boolean;
  /** The host's own user, as history rows name it: user@host (pid N). */
  processActor: string;
  /** This console's access views and verifies only (`warden serve`'s read-only token): changes, backups, restores and queries are refused. */
  readOnly: boolean;
  /** The methods this console may call (its token's, or a deployment window's): the console offers only these, and says why not the rest. */
  mayCall: MethodName[];
}

export type JobKind =
  | 'verify'
  | 'initialize'
  | 'migrate'
  | 'rehearse'
  | 'repair'
  | 'backup'
  | 'verifyBackup'
  | 'restore'
  | 'recoverRows'
  | 'salvage'
  | 'query'
  | 'fleetMigrate'
  | 'fleetVerify'
  | 'fleetBackup';

/** The jobs that run across the fleet (their db is FLEET_JOB_DB): the Fleet page shows them. */
export const FLEET_JOB_KINDS: ReadonlySet<JobKind> = new Set<JobKind>(['fleetMigrate', 'fleetVerify', 'fleetBackup']);

/** The `db` of a job that runs across the fleet rather than on one database. */
export const FLEET_JOB_DB = 'fleet';

export interface Job {
  /** The operation id: what `cancel` takes and what the job's progress events carry. */
  id: string;
  kind: JobKind;
  /** The host's id of the database it runs on. */
  db: string;
  /** The method's own input (level, to, backup, table…), without db and operationId. */
  options: Record<string, unknown>;
  /** interrupted: the host stopped (killed, crashed) while it ran; listed at the host's next start. */
  state: 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';
  /** The latest progress the engine reported (null before the first report). */
  progress: Progress | null;
  /** When the current phase started and how far it was then: the time left is estimated from the rate since. */
  phaseStartedAt: string | null;
  phaseStartDone: number;
  startedAt: string;
  endedAt: string | null;
  /** Who started it: the operator's name where one was given, and the host's user. */
  startedBy: string;
  /** What the method answered once done (a query's rows are not kept: null). */
  result: unknown;
  error: ErrorInfo | null;
  /** An interrupted job: what it left behind, and what was cleaned up at the host's next start. */
  left?: string[];
}
