// Plans, rehearsals and the migrations that initialize, migrate, baseline and accept a checksum apply.

import type { ErrorCode } from '../errors';
import type { NextAction } from '../next-action';
import type { HealthStatus } from '../health-status';
import type { BackupInfo } from './backups';
import type { RowFilter } from './data';
import type { IntegrityResult } from './integrity';
import type { RepairResult } from './repair';
import type { LegacyVersion, Problem } from './schema';

export interface AppliedStep {
  version: string;
  description: string;
  executionMs: number;
}

export interface InitializeResult {
  path: string;
  /** Version before the call (null: a fresh database). */
  from: string | null;
  to: string;
  applied: AppliedStep[];
  /** True when nothing had to be done (another process or an earlier run did it). */
  upToDate: boolean;
  /** Set when this call adopted a database the service made (its own table's record), before migrating it. */
  adopted: LegacyVersion | null;
  /** Repeatable migrations (Flyway's R__ files) applied after the versions, as Flyway applies them: new or changed since last applied. */
  repeated: AppliedRepeatable[];
}

/** A repeatable migration applied: its file, its description, and how long it took. */
export interface AppliedRepeatable {
  file: string;
  description: string;
  executionMs: number;
}

/** A repeatable migration a plan applies after its versions: never applied, or its file changed since it last was. */
export interface RepeatableStep {
  file: string;
  description: string;
  reason: 'new' | 'changed';
  sql: string;
}

export interface MigrateResult extends InitializeResult {
  /** The verified backup taken first (null when the caller opted out or nothing was pending). */
  backup: BackupInfo | null;
  /** The start gate (initialize) only: what it recreated first, because the database was missing objects repair can recreate without touching a row. */
  repaired?: RepairResult | null;
  /** The start gate (initialize) only: status's own verdict on the database once the gate is done (never unhealthy: the gate refuses that). */
  verdict?: { status: HealthStatus; reason: string };
}

/** A finding of the migration linter, on the statement it concerns. */
export interface LintWarning {
  rule:
    | 'table-rebuild'
    | 'drop-table'
    | 'drop-column'
    | 'not-null-without-default'
    | 'not-null-added'
    | 'null-insert-fails'
    | 'non-transactional'
    | 'foreign-keys'
    | 'other';
  /** danger: data can be lost or the step fails; caution: safe as the engine runs it, worth knowing. */
  severity: 'danger' | 'caution';
  message: string;
  /** 1-based line of the statement the warning is about. */
  line: number;
  statement: string;
}

export interface PlanStep {
  version: string;
  description: string;
  file: string;
  checksum: string;
  sql: string;
  warnings: LintWarning[];
  /** The rows this step changes, as its schema declares them, counted in the database now. */
  dataChanges: PlannedDataChange[];
}

/** Rows a pending step will change: "1.2.0 will fill in mime_type on 100 rows". */
export interface PlannedDataChange {
  table: string;
  change: string;
  /** The filters that select the rows (browse them with these). */
  filters: RowFilter[];
  /** How many rows match now; null when they cannot be counted yet (`notCounted` says why). */
  rows: number | null;
  notCounted: string | null;
  /** Earlier pending steps run first: the count is of the rows as they are now. */
  afterEarlierSteps: boolean;
}

/** Why a plan cannot run as it is, with the code migrate would fail with and what to do. */
export interface PlanBlocker {
  code: ErrorCode;
  message: string;
  hint: string;
  next?: NextAction[];
}

export interface MigrationPlan {
  path: string;
  from: string | null;
  to: string;
  /** Set when the database is the service's, unversioned and exactly the version its table records: the plan adopts it as that version first, then runs `steps`. */
  adopt: LegacyVersion | null;
  steps: PlanStep[];
  /** Repeatable migrations applied after the steps, once the database is at the latest version (Flyway's R__ files). */
  repeatables: RepeatableStep[];
  /** Empty when the plan can run. */
  blockers: PlanBlocker[];
  /** Drift of the live schema from its current version, looked at when steps are pending. */
  drift: Problem[];
  /** What the schema's list of its service's statements covers; null when the schema lists none. */
  serviceStatements: ServiceStatementCoverage | null;
  /** The schema's tables once the plan has run (the expected schema at `to`); empty when a step is not replayed. */
  tables: string[];
  /** SHA-256 of what the plan does (from, to, adoption, each step's script checksum): a rehearsal of it is kept with it. */
  checksum: string;
  /** The database file as the plan read it (changes with any write): a rehearsal applies only to the state it ran on. */
  databaseStamp: string;
}

/** The statements a schema's service runs (service-statements.json), summarized for a plan. */
export interface ServiceStatementCoverage {
  file: string;
  writes: number;
  reads: number;
  /** Tables and views of the schema at the plan's target that the statements name. */
  covered: string[];
  /** Tables and views of the schema at the plan's target that no statement names. */
  uncovered: string[];
}

/** One listed service statement as the rehearsal ran it on the migrated copy. */
export interface ServiceStatementResult {
  name: string;
  sql: string;
  /** setup: a write run first and kept until the end, so the others have rows to work on. */
  role: 'setup' | 'write' | 'read';
  /** skipped: the list declares it for versions from `since` on, and the copy is older. */
  outcome: 'ok' | 'failed' | 'skipped';
  /** Rows a read returned or a write changed; null when it did not run to the end. */
  rows: number | null;
  /** SQLite's error when it failed; why when it was skipped. */
  error: string | null;
}

export interface ServiceStatementsRun {
  file: string;
  /** The version of the copy they ran against. */
  version: string | null;
  /** Why none ran (a step failed, so the copy never reached the target); null when they ran. */
  notRun: string | null;
  results: ServiceStatementResult[];
}

export interface RehearsalStep {
  /** The version applied, or a repeatable migration's file (with `repeatable`). */
  version: string;
  /** Set for a repeatable migration (Flyway's R__ file) applied after the versions. */
  repeatable?: boolean;
  ok: boolean;
  durationMs: number;
  rowsBefore: Record<string, number>;
  rowsAfter: Record<string, number>;
  /** Rows the step would leave pointing at missing parents (a step with any is rolled back). */
  foreignKeyViolations: number;
  error?: string;
  /** The statement that failed, when one did. */
  failedStatement?: { file: string; line: number; sql: string };
}

export interface RehearsalReport {
  path: string;
  from: string | null;
  /** Set when the copy was adopted first (a database the service made): it started from this version. */
  adopted: LegacyVersion | null;
  to: string;
  /** The version the copy reached: `to` when every step passed. */
  reached: string | null;
  /** Every step passed, the result passes integrity_check, has no drift that is an error, and no listed service statement failed. */
  ok: boolean;
  steps: RehearsalStep[];
  integrity: IntegrityResult | null;
  /** Drift of the rehearsed copy against the expected schema at `reached`. */
  drift: Problem[];
  /** The schema's service statements run on the result; null when the schema lists none. */
  serviceStatements: ServiceStatementsRun | null;
  /** The checksum of the plan it rehearsed and the database's stamp when it copied it (see MigrationPlan). */
  planChecksum: string;
  databaseStamp: string;
  durationMs: number;
}

export interface BaselineResult {
  path: string;
  version: string;
  adoptedFrom: LegacyVersion | null;
}

export interface AcceptChecksumResult {
  path: string;
  version: string;
  file: string;
  previous: string;
  accepted: string;
  reason: string;
}
