import type { HealthStatus } from '../health-status';

// What the fleet commands report, shared by the CLI and the console's fleet view.

/**
 * A deployment's state: a database status, `unreachable` (it could not be asked; `reason` says
 * why), `locked` (its database is held by another process: busy, its health not known), or
 * `waiting` (fleet status only: asked, no answer yet within the status's wait).
 */
export type FleetState = HealthStatus | 'unreachable' | 'waiting' | 'locked';

/** How a deployment came out of a call that waited for it to end (verify, backup): never `waiting`. */
export type AnsweredState = Exclude<FleetState, 'waiting'>;

/** Worst first: what is not known (unreachable, waiting, locked), unhealthy, degraded, not initialized, healthy. */
export const FLEET_STATE_RANK: Record<FleetState, number> = {
  unreachable: 6,
  waiting: 5,
  locked: 4,
  unhealthy: 3,
  degraded: 2,
  not_initialized: 1,
  healthy: 0,
};

/** `warden fleet status`'s exit code is the worst state's: 0 healthy, 1 degraded or not initialized, 2 unhealthy, 3 unreachable, still waiting or locked (nothing learned). */
export const FLEET_EXIT_CODE: Record<FleetState, number> = { healthy: 0, not_initialized: 1, degraded: 1, unhealthy: 2, locked: 3, waiting: 3, unreachable: 3 };

export interface DeploymentStatus {
  name: string;
  group: string;
  /** Where it is: a path, an agent's URL, user@host through SSH. */
  address: string;
  status: FleetState;
  /** Why, in words (for unreachable: what failed). */
  reason: string;
  version: string | null;
  latest: string | null;
  pending: string[];
  drift: { errors: number; warnings: number; first: string | null };
  lastVerifiedBackup: { name: string; createdAt: string; ageSeconds: number } | null;
  /** When the deployment was checked (its own clock for an agent). */
  checkedAt: string;
  /**
   * Set when it has been asked since then and has not answered yet: when it was asked. The rest
   * is its last answer (checkedAt says when), or state `waiting` when it has never answered.
   */
  waitingSince?: string;
  /** The desktop app, a tokenKeychain deployment: whether the app keeps its token (absent elsewhere). */
  keychain?: 'kept' | 'missing';
}

/** The desktop app's fleet file, once opened. */
export interface OpenedFleet {
  path: string;
  deployments: number;
  groups: string[];
}

export interface FleetStatusReport {
  fleet: string;
  /** Worst first. */
  deployments: DeploymentStatus[];
  worst: FleetState;
  checkedAt: string;
  durationMs: number;
  /** The deployments reached over plain HTTP beyond this machine, whose token crosses the network unencrypted: one sentence each. */
  warnings: string[];
}

/** What a rolling migrate did to one deployment. */
export type RolloutOutcome =
  /** Live states, while the rollout runs (the console's Fleet page shows them as they change). */
  | 'waiting'
  | 'rehearsing'
  | 'migrating'
  | 'verifying'
  | 'already at target'
  | 'rehearsal failed'
  | 'rehearsed'
  | 'not started'
  | 'migrated'
  | 'migrate failed'
  | 'verify failed'
  | 'unreachable';

export interface RolloutDeployment {
  name: string;
  group: string;
  address: string;
  canary: boolean;
  /** The version before the rollout (null: not known, or not initialized). */
  from: string | null;
  /** The version after it, asked again at the end (null: not known — unreachable). */
  version: string | null;
  outcome: RolloutOutcome;
  /** What happened, in words (why it failed, where its pre-migrate backup is). */
  detail: string;
  /**
   * Its database's status when it was last asked in this rollout (at the end, or before its
   * rehearsal), with why: a deployment at the target can still be unhealthy. Absent: not asked
   * (unreachable), or a report from before the rollout said it.
   */
  health?: { status: HealthStatus; reason: string };
}

export interface RolloutReport {
  fleet: string;
  to: string;
  canary: string | null;
  parallel: number;
  /** completed: every target is at `to`; halted: stopped at the first failure (haltedBecause says where and why). */
  outcome: 'completed' | 'halted';
  haltedBecause: string | null;
  /** In the order they were rolled out. */
  deployments: RolloutDeployment[];
  durationMs: number;
}

/** One difference between two deployments' schemas. */
export interface SchemaDifference {
  kind: string;
  name: string;
  table: string | null;
  /** only-in-a: A has it, B does not; changed: both have it, defined differently. */
  change: 'only-in-a' | 'only-in-b' | 'changed';
  /** What differs, in words. */
  message: string;
  a: string | null;
  b: string | null;
}

/** One side of a comparison: a deployment's live schema, or (expected) the schema its migrations make at `version`. */
export interface ComparedSide {
  name: string;
  address: string;
  version: string | null;
  objects: number;
  expected?: boolean;
}

export interface SchemaComparison {
  a: ComparedSide;
  b: ComparedSide;
  same: boolean;
  differences: SchemaDifference[];
}

/** One deployment's part in `fleet verify` or `fleet backup`. */
export interface FleetActionResult {
  name: string;
  group: string;
  address: string;
  status: AnsweredState;
  /** The verify's reason, the backup's file and size, or why it failed. */
  detail: string;
  version: string | null;
  durationMs: number;
  /** Backup only: whether a backup was made (the state is then the database's verdict after it; a failed backup is unhealthy). */
  backedUp?: boolean;
}

/** Where one deployment is in a fleet verify or backup: live while it runs (the console's Fleet page shows it), then how it ended. */
export interface FleetActionEntry {
  name: string;
  group: string;
  address: string;
  /** not done: it was stopped (Cancel) before it started, or cancelled while it ran. */
  step: 'waiting' | 'running' | 'done' | 'not done';
  /** Once done: how it came out (a backup that failed is unhealthy). */
  status: AnsweredState | null;
  /** What it is doing, its result, or why it was not done. */
  detail: string;
  version: string | null;
  /** Backup only, once done: whether a backup was made. */
  backedUp?: boolean;
}

export interface FleetActionReport {
  fleet: string;
  action: 'verify' | 'backup';
  /** The deployments that were done, worst first. */
  deployments: FleetActionResult[];
  /** The worst state of those done; null when none was done (stopped before any). */
  worst: AnsweredState | null;
  /** Set when it was stopped before every deployment was done: how (Ctrl-C, Cancel in the Jobs panel). */
  stoppedBecause: string | null;
  /** The deployments it was stopped before (or while) doing, and why each was not done. */
  notDone: { name: string; group: string; address: string; detail: string }[];
}
