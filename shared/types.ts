// Result types of the engine's functions: the typed mirror every host and the renderer share.

import type { MethodName } from './contract';
import type { ErrorCode, ErrorInfo } from './errors';
import type { FleetActionEntry, OpenedFleet, RolloutDeployment } from './fleet-types';
import type { HealthStatus } from './health-status';

export type { HealthStatus } from './health-status';

export type ObjectKind =
  | 'table'
  | 'column'
  | 'check'
  | 'unique'
  | 'foreign_key'
  | 'index'
  | 'trigger'
  | 'view'
  | 'integrity'
  | 'foreign_key_violation'
  | 'checksum'
  | 'version'
  /** No verified backup of the database, or none newer than the limit: not backed up. */
  | 'backup';

export type Change = 'missing' | 'extra' | 'changed' | 'failed';

/** One thing that is not as it should be, named so a person can find it. */
export interface Problem {
  kind: ObjectKind;
  /** The object's name (for a column: the column; `table` says where it lives). */
  name: string;
  table?: string;
  change: Change;
  /** error: the database is unhealthy; warning: it works but is not what was expected. */
  severity: 'error' | 'warning';
  message: string;
  expected?: string;
  actual?: string;
  /** What a person can do about it, where the engine knows (repair says why it left something alone). */
  hint?: string;
  /** A missing table whose exact shape an extra table has: that table's name (it was probably renamed; repair renames it back). */
  foundAs?: string;
  /** A difference that follows from that rename (a child's foreign key, an index or view naming the other table): renaming it back fixes it. */
  fixedByRenaming?: string;
  /** The expected and the actual CREATE statement of the object (for a change inside a table: the table's), as written. */
  definitions?: { expected: string; actual: string };
}

export interface AppliedVersion {
  version: string;
  appliedAt: string;
  description: string | null;
  checksum: string | null;
  executionMs: number | null;
  appliedBy: string | null;
  kind: 'init' | 'migrate' | 'baseline' | null;
}

export type EventAction =
  | 'init'
  | 'migrate'
  | 'baseline'
  | 'repair'
  | 'backup'
  | 'restore'
  | 'accept-checksum'
  | 'recover-rows';

export interface LifecycleEvent {
  id: number;
  at: string;
  action: EventAction;
  version: string | null;
  outcome: 'ok' | 'failed';
  actor: string;
  detail: Record<string, unknown>;
}

export interface ChecksumMismatch {
  version: string;
  file: string;
  recorded: string;
  current: string;
}

/** What the service's own versions table (the chat service's schema_migrations) records: its newest row. */
export interface LegacyVersion {
  table: string;
  legacyVersion: string;
  version: string | null;
}

export interface StatusReport {
  path: string;
  schema: string;
  exists: boolean;
  status: HealthStatus;
  /** Why the status is what it is, in words. */
  reason: string;
  version: string | null;
  latest: string;
  pending: string[];
  sizeBytes: number;
  journalMode: string | null;
  sqliteVersion: string;
  applicationId: number | null;
  legacy: LegacyVersion | null;
  /** Unversioned, but exactly the version the service's own table records: init and migrate adopt it by themselves. */
  adoptable: boolean;
  checksumMismatches: ChecksumMismatch[];
  problems: Problem[];
  /** SQLite's latest quick_check (null: no file), with when it ran: run by this status, or a recent one of the unchanged file a host kept; a failure makes the status unhealthy. */
  integrity: CheckedIntegrity | null;
  /** When this status was read (ISO-8601 UTC): the console shows its age. */
  checkedAt: string;
}

export interface IntegrityResult {
  level: 'quick' | 'full';
  ok: boolean;
  messages: string[];
  /** Where the damage SQLite reports is: each page with the table or index it belongs to (issue 21); absent or empty when ok. */
  damage?: DamagedPage[];
}

/** One damaged place SQLite's integrity check names, with the table or index it belongs to (issue 21). */
export interface DamagedPage {
  /** The page SQLite names (1-based); null when its message names none ("wrong # of entries in index X"). */
  page: number | null;
  /** The table or index it belongs to; null when that cannot be told. */
  object: string | null;
  objectType: 'table' | 'index' | 'freelist' | null;
  /** The table the object belongs to (an index's table; a table itself). */
  table: string | null;
  /** What the page holds, where SQLite's dbstat could read it. */
  pageType: 'leaf' | 'internal' | 'overflow' | null;
  /** How the owner was found: SQLite's message names the tree's root page, dbstat lists the page, or neither. */
  foundBy: 'message' | 'dbstat' | 'unknown';
  /** SQLite's first message about this place, as it wrote it. */
  message: string;
  /** How many of SQLite's messages are about this place. */
  messages: number;
  /** What SQLite's message means, in words, where it is one SQLite often gives ("its header cannot be read…"). */
  meaning?: string | null;
  /** In words: "Page 37 of table conversation_files (a leaf holding rows) is damaged: …". */
  description: string;
}

export interface CheckedIntegrity extends IntegrityResult {
  checkedAt: string;
  /** The database file as the check read it (see MigrationPlan.databaseStamp): a host reuses a recent result while the file is unchanged. */
  databaseStamp?: string;
  /** Child rows pointing at missing parents (PRAGMA foreign_key_check), per child table and parent, counted with the check and kept with it. */
  orphanedRows?: OrphanedRows[];
}

export interface ForeignKeyViolation {
  table: string;
  rowid: number | null;
  parent: string;
  constraintIndex: number;
}

export interface VerifyReport {
  path: string;
  status: HealthStatus;
  reason: string;
  version: string | null;
  problems: Problem[];
  integrity: IntegrityResult;
  foreignKeyViolations: ForeignKeyViolation[];
  checkedAt: string;
  /** The database file as the check found it (see MigrationPlan.databaseStamp): the check stands for the file while it is unchanged. */
  databaseStamp: string;
  durationMs: number;
}

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

export interface HistoryReport {
  path: string;
  version: string | null;
  versions: AppliedVersion[];
  events: LifecycleEvent[];
}

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
}

export interface LogEvent {
  level: 'info' | 'warn' | 'error';
  message: string;
  at: string;
}

// ---- Databases and schemas as the hosts list them ----

export interface SchemaSummary {
  name: string;
  title: string;
  description: string;
  versions: string[];
  latest: string;
}

export interface DatabaseEntry {
  /** The host's id for the database; the only way the renderer names it. */
  id: string;
  /** File name, for display. */
  name: string;
  path: string;
  schema: string;
  /** A backup opened read-only to look at before a restore (openBackup): the id of the database it is a backup of. Only reading methods reach it. */
  backupOf?: string;
}

/** A schema or migrations folder chosen for an open database: the database under its new schema, and what was recognised in the folder. */
export interface SchemaFolderChoice {
  database: DatabaseEntry;
  schema: SchemaSummary;
  /** What the host read the folder as, in a sentence: its format (detected, or from schema.json), versions and history table. */
  recognised: string;
}

// ---- Backups (issue 3) ----

/** scheduled: taken by a host's timer (warden serve --backup-every, the desktop app's setting); kept under its own retention count. preserved-damaged: a byte copy of a damaged file, never restored. */
export type BackupReason = 'manual' | 'scheduled' | 'pre-migrate' | 'pre-repair' | 'pre-restore' | 'pre-recover' | 'preserved-damaged';

/** A file beside a preserved copy: the journal or WAL the damaged database had, byte for byte. */
export interface PreservedCompanion {
  /** '-wal' or '-journal'. */
  suffix: string;
  sha256: string;
  bytes: number;
}

/** A backup as its manifest (the JSON file beside it) describes it. */
export interface BackupInfo {
  /** File name inside the backup folder: how the renderer names a backup. */
  name: string;
  path: string;
  /** SHA-256 of the backup file as it was written and verified. */
  sha256: string;
  bytes: number;
  sourcePath: string;
  /** The application_id the backup is stamped with (0: none). */
  applicationId: number;
  version: string | null;
  sqliteVersion: string;
  reason: BackupReason;
  createdAt: string;
  /**
   * Order of taking in the backup folder, counted by Schema Warden (a clock can be wrong, a year
   * ahead): higher is newer. 0 for a backup taken before it was counted.
   */
  sequence: number;
  durationMs: number;
  /** The check made before the backup was kept; null when it was taken without one (`--no-verify`). */
  verified: { ok: boolean; level: 'quick' | 'full'; at: string; messages: string[] } | null;
  /** A preserved copy of a damaged database (reason 'preserved-damaged'): never restorable, never verified. */
  damaged?: boolean;
  /** Why a preserved copy was made: by hand, or before a repair rebuilt damaged indexes. */
  preservedFor?: 'manual' | 'pre-repair';
  /** The journal or WAL preserved beside it, under the same name plus its suffix. */
  companions?: PreservedCompanion[];
  /** A later verify-backup found it altered or failing (when, why): `verified` then says failed, whatever the first check found. */
  failedVerification?: { at: string; problems: string[] };
  /** Its size or modification time is not what was recorded when it was verified (why, in words): `verified` then says failed until verify-backup checks it again. */
  changedSinceVerified?: string;
}

export interface BackupVerification {
  name: string;
  path: string;
  ok: boolean;
  /** The file's SHA-256 equals the one its manifest recorded (false when there is no manifest). */
  hashMatches: boolean;
  sha256: string;
  expectedSha256: string | null;
  version: string | null;
  integrity: IntegrityResult;
  /** Each reason the backup cannot be trusted, in words (empty when ok). */
  problems: string[];
  durationMs: number;
}

export interface RestoreResult {
  path: string;
  restoredFrom: BackupInfo;
  /** The backup of what the restore replaced, so a restore can be undone (null: there was no database yet). */
  preRestoreBackup: BackupInfo | null;
  version: string | null;
  /** The version of the database the restore replaced when it was newer than the backup's: a downgrade (null: none). */
  downgradedFrom: string | null;
  /** How many events of the replaced database's history were carried into the restored one. */
  carriedEvents: number;
}

/** What a restore would do, shown before it is confirmed. */
export interface RestorePreview {
  /** The backup's path. */
  from: string;
  /** The backup's version: what the database will be at. */
  version: string;
  /** The live database's version now (null: no database, or not versioned). */
  liveVersion: string | null;
  /** The backup is older than the live database. */
  downgrade: boolean;
  /** Per table, the rows the restore would lose or change back (absent: not compared, or no live database). */
  tables?: RestoreTableDiff[];
}

/** A host's scheduled backups of one database (warden serve --backup-every, the desktop app's setting). */
export interface BackupScheduleInfo {
  /** The interval (null: no schedule). */
  everyMs: number | null;
  /** The last backup the schedule took or tried since the host started (null: none yet). */
  last: { at: string; ok: boolean; name: string | null; error: string | null } | null;
  /** When the next one is due (null: no schedule, or not worked out yet). */
  nextAt: string | null;
  /** The interval can be changed from the console (the desktop app); the web host's is set on its command line. */
  settable: boolean;
}

/** One table of a restore preview: the live rows the backup lacks or holds differently, matched by key. */
export interface RestoreTableDiff {
  table: string;
  /** The columns rows are matched by (the primary key), or ['rowid']. */
  key: string[];
  /** Rows here whose key the backup lacks: lost by the restore. */
  onlyHere: number;
  /** Rows with the same key and other values (in the columns both have): changed back by the restore. */
  different: number;
  /** Rows only the backup has: brought back by the restore. */
  onlyInBackup: number;
  /** A few keys of each, as SQL literals. */
  examples: { onlyHere: string[]; different: string[]; onlyInBackup: string[] };
  /** The table is in only one of the two files. */
  missingIn?: 'backup' | 'live';
  /** Why the rows could not be matched (the key is not in the backup's table). */
  uncomparable?: string;
}

export interface MigrateResult extends InitializeResult {
  /** The verified backup taken first (null when the caller opted out or nothing was pending). */
  backup: BackupInfo | null;
  /** The start gate (initialize) only: what it recreated first, because the database was missing objects repair can recreate without touching a row. */
  repaired?: RepairResult | null;
  /** The start gate (initialize) only: status's own verdict on the database once the gate is done (never unhealthy: the gate refuses that). */
  verdict?: { status: HealthStatus; reason: string };
}

// ---- Plans, rehearsal, repair, adoption (issue 4) ----

/** A finding of the migration linter, on the statement it concerns. */
export interface LintWarning {
  rule: 'table-rebuild' | 'drop-table' | 'drop-column' | 'not-null-without-default' | 'not-null-added' | 'null-insert-fails' | 'non-transactional' | 'foreign-keys' | 'other';
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

/** Rows of a child table whose parent row is gone, counted by PRAGMA foreign_key_check. */
export interface OrphanedRows {
  table: string;
  parent: string;
  rows: number;
}

/** How many rows of a table one verified backup holds. */
export interface RowsInBackup {
  table: string;
  /** The backup's file name (how backups are named to the API), and where it is. */
  backup: string;
  path: string;
  createdAt: string;
  rows: number;
}

export interface RepairResult {
  path: string;
  version: string;
  /** True when nothing was written: `recreated` and `statements` are what repair would do. */
  dryRun: boolean;
  /** Missing objects recreated (a renamed table: renamed back), in the order of `statements`. */
  recreated: Problem[];
  /** The SQL repair ran (or, in a dry run, would run), one statement per recreated object. */
  statements: string[];
  /** Drift repair will not touch, each with why (message) and what to do (hint). */
  refused: Problem[];
  /** Child rows pointing at missing parent rows after the repair (a recreated parent starts empty). */
  orphanedRows: OrphanedRows[];
  /** For each table recreated empty, the verified backups that still hold rows of it (recover-rows copies them back). */
  rowsInBackups: RowsInBackup[];
  backup: BackupInfo | null;
  /** Damage SQLite's integrity_check found before the repair, page by page (issue 21); empty when none. */
  damage?: DamagedPage[];
  /** Damaged indexes rebuilt in place from their tables (REINDEX), in a dry run: to rebuild. */
  rebuiltIndexes?: string[];
  /** The byte copy of the damaged file taken before indexes were rebuilt (never restorable). */
  preservedCopy?: BackupInfo | null;
  /** integrity_check after the rebuild (null when nothing was rebuilt). */
  integrityAfter?: IntegrityResult | null;
  /** Damage to table pages, which repair cannot fix in place: what restoring the newest verified backup would lose, table by table. */
  tableDamage?: TableDamageOptions | null;
}

/** What fits damage to table pages: restore the newest verified backup, salvage into a new file, or both. */
export interface TableDamageOptions {
  /** The damaged tables. */
  tables: string[];
  /** The newest verified backup (null: none). */
  backup: { name: string; createdAt: string; version: string | null } | null;
  /** Per table: rows in the live file (null: unreadable there) and in the backup (null: no backup, or not in it). */
  counts: { table: string; live: number | null; inBackup: number | null; damaged: boolean }[];
}

/** One table of a row recovery: what the backup holds, what is missing here, what is copied back. */
export interface RecoveredTable {
  table: string;
  /** Rows the recovery looked at in the backup (for a child table: those of the recovered parents). */
  inBackup: number;
  /** Of those, rows whose primary key the live table does not have. */
  missing: number;
  /** Missing rows left out because their parent row is in neither the live database nor the recovery. */
  withoutParent: number;
  /** Rows copied back (in a dry run: that would be). */
  copied: number;
}

export interface RecoverRowsResult {
  path: string;
  table: string;
  /** The backup the rows came from. */
  backup: string;
  dryRun: boolean;
  /** The table first, then its children (and theirs): the order rows are copied in. */
  tables: RecoveredTable[];
  /** Rows still pointing at missing parents afterwards (in a dry run: now). */
  orphanedRows: OrphanedRows[];
  /** The verified backup taken before anything was copied; null in a dry run or when there was nothing to copy. */
  preRecoverBackup: BackupInfo | null;
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

// ---- Events flowing back from a host on one channel ----

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

// ---- Jobs: the long operations a host runs, kept by the host (issue 14) ----

export type JobKind = 'verify' | 'initialize' | 'migrate' | 'rehearse' | 'repair' | 'backup' | 'verifyBackup' | 'restore' | 'recoverRows' | 'salvage' | 'query' | 'fleetMigrate' | 'fleetVerify' | 'fleetBackup';

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

// ---- Health: GET /api/health of `warden serve` ----

/** One database as the health endpoint reports it (from a cached status + quick verification). */
export interface DatabaseHealth {
  /** The host's id for the database. */
  name: string;
  path: string;
  status: HealthStatus;
  reason: string;
  version: string | null;
  latest: string | null;
  pending: string[];
  /** What is wrong, one sentence each (missing objects, failed integrity, an unreadable file). */
  problems: string[];
  checkedAt: string;
}

/** Per database: "healthy", "not_initialized", "degraded: <why>" or "error: <why>". */
export type ComponentHealth = 'healthy' | 'not_initialized' | `degraded: ${string}` | `error: ${string}`;

export interface HealthDocument {
  /** unhealthy (HTTP 503) when any database is; degraded when any is not initialized or behind; healthy otherwise. */
  status: 'healthy' | 'degraded' | 'unhealthy';
  timestamp: string;
  components: {
    /** One entry per database by name, plus `schema_version`: the version of the first database served. */
    database: { schema_version: string | null; [name: string]: string | null };
    backend: 'running';
  };
  databases: DatabaseHealth[];
}

// ---- The live schema, object by object (fleet compare) ----

export interface SchemaObject {
  type: 'table' | 'index' | 'view' | 'trigger';
  name: string;
  /** The table it belongs to (itself for a table or view). */
  table: string;
  /** The statement that made it, as SQLite stores it (null for SQLite's own automatic indexes). */
  sql: string | null;
}

export interface SchemaObjectsReport {
  path: string;
  version: string | null;
  /** In the order SQLite stores them. */
  objects: SchemaObject[];
}

// ---- Pictures (issue 26) ----

/** How a table or column of the live database stands against the expected schema. */
export type DiagramState = 'as-expected' | 'missing' | 'extra' | 'changed';

export interface DiagramColumn {
  name: string;
  /** As declared ('' when the column has no type). */
  type: string;
  primaryKey: boolean;
  notNull: boolean;
  state: DiagramState;
}

/** A foreign key of one table: its columns and the parent table and columns they refer to. */
export interface DiagramForeignKey {
  from: string[];
  table: string;
  to: string[];
}

export interface DiagramTable {
  name: string;
  state: DiagramState;
  /** The expected columns in order (a missing or changed table too), then any the live table has beyond them. */
  columns: DiagramColumn[];
  foreignKeys: DiagramForeignKey[];
  /** Each difference the comparison found on the table (its columns, constraints, indexes, triggers), in words. */
  findings: string[];
}

/** The expected schema's tables and foreign keys at the version compared with, with the live database's drift on them. */
export interface SchemaDiagram {
  path: string;
  /** The version the live schema was compared with; null when the database has none (nothing to draw against). */
  comparedAt: string | null;
  /** Expected tables in the schema's order of names, then the live database's extra tables. */
  tables: DiagramTable[];
}

/** One b-tree of the file and the bytes its pages take, as SQLite's dbstat sums them. */
export interface SizedObject {
  name: string;
  /** 'schema': SQLite's own sqlite_schema table (page 1 and what follows it). */
  kind: 'table' | 'index' | 'schema';
  /** The table an index belongs to (a table's own name for a table). */
  table: string;
  bytes: number;
}

/** Where the file's bytes go: each table and index (from dbstat), and the free pages VACUUM would give back. */
export interface SizesReport {
  path: string;
  /** Whether SQLite's dbstat could measure the objects (a build without it, or a damaged page, leaves `objects` empty). */
  measured: boolean;
  pageSize: number;
  pageCount: number;
  /** page_size × page_count: the main file without its -wal. */
  fileBytes: number;
  /** Pages on the free list: what VACUUM gives back at least (it also packs half-empty pages). */
  freePages: number;
  freeBytes: number;
  /** Largest first. */
  objects: SizedObject[];
}

// ---- Data (issue 15) ----

/** A table or view as `warden tables` lists it. */
export interface TableSummary {
  name: string;
  kind: 'table' | 'view';
  /** Why its rows cannot be counted or read (a damaged page, a table the schema expects but the file lacks); absent when readable. */
  unreadable?: { reason: 'damaged' | 'missing'; message: string; page: number | null };
  /** Rows in a table; null for a view (counting one runs its query). */
  rows: number | null;
  /** Bytes the table's pages take in the file; null for a view, or where SQLite has no dbstat. */
  bytes: number | null;
  /** Its indexes; `automatic` ones are SQLite's own (for a UNIQUE or PRIMARY KEY). */
  indexes: { name: string; automatic: boolean; bytes: number | null }[];
  /** Its columns' names, in order (what the query box offers as you type). */
  columns: string[];
}

export interface TablesReport {
  path: string;
  /** Whether sizes were measured (SQLite's dbstat virtual table); without it every size is null. */
  sizesMeasured: boolean;
  /** page_size × page_count: the main file without its -wal. */
  fileBytes: number;
  tables: TableSummary[];
}

/** A page of the damaged file that a b-tree points at but that does not parse: its rows, or its index entries, are lost. */
export interface UnreadablePage {
  page: number;
  /** The table or index whose b-tree points at the page ('sqlite_schema' for the schema itself). */
  owner: string;
  ownerKind: 'table' | 'index' | 'schema';
  /** The table the owner belongs to (an index's table; the table itself), or null for the schema. */
  table: string | null;
  /** Why it does not parse, in words. */
  reason: string;
}

/** One table of a salvaged database beside the newest verified backup. */
export interface SalvagedTable {
  name: string;
  /** Rows recovered into the new file (null: the table is not in it). */
  salvaged: number | null;
  /** Rows in the newest verified backup (null: no such backup, or the table is not in it). */
  inBackup: number | null;
  /** Pages of this table's b-tree or of its indexes that could not be read. */
  unreadablePages: UnreadablePage[];
  /** Rows found on readable pages that could not be read whole (a broken overflow chain). */
  rowsLost: number;
}

/** Rows copied back into a salvaged file from a verified backup (the "both" way out of a damaged file). */
export interface SalvageBackupRows {
  /** The backup the rows came from. */
  backup: string;
  /** Per table: rows the backup holds that the salvaged file lacked, and how many were copied. */
  tables: RecoveredTable[];
  /** Tables that lost rows but could not be matched by primary key with the backup, and why. */
  notMatched: { table: string; reason: string }[];
}

export interface SalvageReport {
  /** The damaged database, never written to. */
  path: string;
  /** The new file holding what could be read. */
  out: string;
  /** The version the recovered history records (null: none recovered). */
  version: string | null;
  integrity: IntegrityResult;
  /** Drift of the new file from the expected schema at `version`. */
  drift: Problem[];
  tables: SalvagedTable[];
  /** Rows whose table could not be told, or that their table refused (in lost_and_found, with their page). */
  lostAndFound: number;
  /** The backup the counts are set beside (null: no verified backup). */
  comparedWith: string | null;
  /** Rows copied back from a backup after the salvage (null: not asked for). `salvaged` counts what was read from the damaged file alone. */
  fromBackup: SalvageBackupRows | null;
  durationMs: number;
  /** Pages of the damaged database (after its WAL's last commit). */
  pageCount: number;
  /** Pages read from the damaged file and its WAL. */
  pagesRead: number;
  /** Every page a b-tree points at that could not be read, with its owner. */
  unreadablePages: UnreadablePage[];
  /** Table leaves no readable b-tree reached, found by scanning the file. */
  orphanedLeaves: number;
  /** Committed WAL frames read (0: no WAL, or nothing committed in it). */
  walFrames: number;
  /** Rows of the new file that point at a missing parent (PRAGMA foreign_key_check). */
  foreignKeyViolations: number;
  /** What the reader could not rely on (an unreadable header or freelist), in words. */
  notes: string[];
}

/** A BLOB in a query result: its size and its first 16 bytes in hex. */
export interface BlobPreview {
  blob: number;
  hex: string;
}

export interface QueryResult {
  path: string;
  sql: string;
  columns: string[];
  /** Values as SQLite returned them (NULL as null; integers beyond 2^53 as strings). */
  rows: (string | number | null | BlobPreview)[][];
  /** More rows than `limit` exist; only the first `limit` are here. */
  more: boolean;
  limit: number;
  durationMs: number;
}

/**
 * What GET /api/health tells a caller without the token: each database's status and versions,
 * without its path, reason or problems (they name files, folders and tables).
 */
export interface PublicHealthDocument {
  status: HealthDocument['status'];
  timestamp: string;
  components: {
    /** Per database: "healthy", "not_initialized", "degraded" or "error"; plus `schema_version`. */
    database: { schema_version: string | null; [name: string]: string | null };
    backend: 'running';
  };
  databases: Pick<DatabaseHealth, 'name' | 'status' | 'version' | 'latest' | 'pending' | 'checkedAt'>[];
}

// ---- Browsing rows (issue 15) ----

/** A cell as the Data view shows it: NULL as null, a BLOB as its size and first bytes, integers beyond 2^53 as strings. */
export type CellValue = string | number | null | BlobPreview;

/** How rows are narrowed: a column equal to (or not equal to, or containing) a value, or NULL, or not NULL. */
export interface RowFilter {
  column: string;
  op: 'eq' | 'ne' | 'contains' | 'isNull' | 'notNull';
  /** For eq, ne and contains. */
  value?: string | number;
}

export interface RowSort {
  column: string;
  direction: 'asc' | 'desc';
}

export interface BrowseColumn {
  name: string;
  /** The declared type ('' when none). */
  type: string;
  notNull: boolean;
  /** Position in the primary key (1-based), 0 when not part of it. */
  primaryKey: number;
}

/** A foreign key: `columns` of `from` refer to `to` of `table` (the parent). */
export interface ForeignKeyLink {
  /** The child table. */
  from: string;
  columns: string[];
  /** The parent table. */
  table: string;
  /** The parent's columns (its primary key when the foreign key names none). */
  to: string[];
}

export interface RowsPage {
  path: string;
  table: string;
  kind: 'table' | 'view';
  columns: BrowseColumn[];
  /** This table's foreign keys: each names the parent a cell can be followed to. */
  parents: ForeignKeyLink[];
  /** Other tables' foreign keys to this one: where a row's children are. */
  children: ForeignKeyLink[];
  sort: RowSort | null;
  filters: RowFilter[];
  offset: number;
  rows: CellValue[][];
  /** Rows matching the filters (null when not asked for). */
  total: number | null;
}

/** A row's children in one child table. */
export interface ChildRows {
  link: ForeignKeyLink;
  /** The filters that select them in the child table (browse them with these). */
  filters: RowFilter[];
  count: number;
}

export interface RowChildrenReport {
  path: string;
  table: string;
  children: ChildRows[];
}
