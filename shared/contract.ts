import { BACKUP_NAME } from './backup-name';
import { OPERATOR_NAME, OPERATOR_NAME_RULE } from './operator-name';
import * as z from 'zod/mini';
import './zod-messages';

// The API contract: one table of methods, each with an input validator. The Electron host
// (ipcMain.handle per method), the HTTP host (POST /api/<method>) and the renderer's client are
// all generated from this table; adding a method here adds it everywhere. Result types live in
// ./types and are tied to method names by ApiResults (see ./api-results).
//
// No method takes a file path: databases are named by the id the host gave them.

/**
 * A version as a schema's migrations name it: 1.2.0, a dbmate timestamp (20240320080000),
 * golang-migrate's 3, Flyway's 1.1. Whether it is one of the schema's versions is the engine's
 * to say (UNKNOWN_VERSION, with the known ones).
 */
const VERSION_NAME = /^[0-9A-Za-z][0-9A-Za-z._-]{0,63}$/;

const text = (pattern: RegExp, what: string) => z.string().check(z.regex(pattern, what));

export const databaseId = text(/^[A-Za-z0-9_.-]{1,64}$/, 'a database id (letters, digits, _ . -)');
export const schemaVersion = text(VERSION_NAME, 'a version as the migrations name it (1.2.0, 20240320080000, 3)');
/** A client-chosen id for a long operation, so progress events can be matched and the operation cancelled. */
export const operationId = text(/^[A-Za-z0-9-]{8,64}$/, 'an operation id (8–64 letters, digits or dashes)');
export const backupName = text(BACKUP_NAME, 'a backup file name ending in .sqlite');
/** A salvaged file's name as the host made it beside the database (chat-salvaged-2026-11-30T16-45-00-123Z.db): never a path. */
export const salvagedName = text(
  /^[^/\\\u0000-\u001f]{1,200}-salvaged-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z\.[A-Za-z0-9]{1,16}$/,
  'a salvaged file name (NAME-salvaged-TIME.db)',
);
/** The name of the person acting, as the web console asks for it and `warden serve --operator` takes it; recorded in the history. */
export const operatorName = text(OPERATOR_NAME, OPERATOR_NAME_RULE);

/** A deployment of a fleet file, by its name there. */
const deploymentName = text(/^[A-Za-z0-9_.-]{1,64}$/, 'a deployment name');
const onDatabase = z.strictObject({ db: databaseId });
const longOnDatabase = z.strictObject({ db: databaseId, operationId: z.optional(operationId) });
const optionalVersion = z.optional(schemaVersion);
const flag = (byDefault: boolean) => z._default(z.boolean(), byDefault);
const REASON_LENGTH = 'a reason of 3 to 500 characters';
/** A table, view or column name; the engine looks it up in the schema, so any spelling is safe to send. */
const schemaName = z.string().check(z.minLength(1, 'a name'), z.maxLength(1024, 'a name of at most 1,024 characters'));
const cellText = z.union([z.string().check(z.maxLength(10_000, 'a value of at most 10,000 characters')), z.number()]);
const rowFilter = z.strictObject({ column: schemaName, op: z.enum(['eq', 'ne', 'contains', 'isNull', 'notNull']), value: z.optional(cellText) });

/** The most rows one query returns, and the longest it may run: the same for the CLI and every host. */
export const MAX_QUERY_ROWS = 100_000;
export const MAX_QUERY_TIMEOUT_MS = 600_000;
/** The most of one BLOB a row's read brings (the record pane's full view); beyond it the pane says how much it shows. */
export const MAX_BLOB_PREVIEW_BYTES = 65_536;
/** The most of one BLOB a query brings when asked for whole values (`warden query --csv`): the read's answer limit bounds it first. */
export const MAX_QUERY_BLOB_BYTES = 32 * 1024 * 1024;

export const contract = {
  listSchemas: z.strictObject({}),
  listDatabases: z.strictObject({}),
  /** Electron: the user picks a file in a native dialog. HTTP host: not available (no paths over the wire). */
  openDatabase: z.strictObject({}),
  /** Electron: the user picks a schema folder, or an app's migrations folder as its tool wrote it, for an open database. HTTP host: not available (no paths over the wire). */
  chooseSchemaFolder: onDatabase,
  /** Creates a fresh database of `schema` at `version` (latest by default). Electron asks where in a save dialog. */
  createDatabase: z.strictObject({
    schema: text(/^[a-z0-9_]{1,64}$/, 'a schema name (lower-case letters, digits, _)'),
    version: optionalVersion,
    name: z.optional(text(/^[A-Za-z0-9_-]{1,64}$/, 'a file name of letters, digits, _ and -')),
  }),
  closeDatabase: onDatabase,
  status: onDatabase,
  history: onDatabase,
  tables: onDatabase,
  /** The live schema's tables, indexes, views and triggers with their CREATE statements; no rows. */
  schemaObjects: onDatabase,
  /** The expected schema's tables, columns and foreign keys with the live database's drift on each (the schema diagram); no rows. */
  schemaDiagram: onDatabase,
  /** Bytes per table and index (dbstat) and the free pages VACUUM would give back; no rows. */
  sizes: onDatabase,
  /** The database's query history kept by the host, newest first (a read-only token gets it without the SQL). */
  queryHistory: onDatabase,
  /** One read-only query; refused if it could write; stopped at its time limit or by cancel. */
  query: z.extend(longOnDatabase, {
    sql: z.string().check(z.trim(), z.minLength(1, 'a query'), z.maxLength(100_000, 'a query of at most 100,000 characters')),
    limit: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(MAX_QUERY_ROWS))),
    timeoutMs: z.optional(z.number().check(z.int(), z.minimum(100), z.maximum(MAX_QUERY_TIMEOUT_MS))),
    /** How many of a BLOB's first bytes each cell brings in hex (16 unless asked); a CSV of the result asks for whole values. */
    blobBytes: z.optional(z.number().check(z.int(), z.minimum(16), z.maximum(MAX_QUERY_BLOB_BYTES))),
  }),
  /** One page of a table's or view's rows, sorted and filtered; reads only; stopped at its time limit (a query's) or by cancel. */
  rows: z.extend(longOnDatabase, {
    table: schemaName,
    offset: z._default(z.number().check(z.int(), z.minimum(0), z.maximum(Number.MAX_SAFE_INTEGER)), 0),
    limit: z._default(z.number().check(z.int(), z.minimum(1), z.maximum(1000)), 200),
    sort: z.optional(z.nullable(z.strictObject({ column: schemaName, direction: z.enum(['asc', 'desc']) }))),
    filters: z._default(z.array(rowFilter).check(z.maxLength(20, 'at most 20 filters')), []),
    withTotal: flag(false),
    timeoutMs: z.optional(z.number().check(z.int(), z.minimum(100), z.maximum(MAX_QUERY_TIMEOUT_MS))),
    /** How many of a BLOB's first bytes each cell brings in hex (16 unless asked): the record pane asks for one row's BLOBs in full, up to 64 KiB. */
    blobBytes: z.optional(z.number().check(z.int(), z.minimum(16), z.maximum(MAX_BLOB_PREVIEW_BYTES))),
  }),
  /**
   * The whole result of a table or view (filtered and sorted as the grid shows it: give `table`) or of a
   * read-only query (give `sql`), as CSV or JSON lines, streamed by the host a page at a time. The
   * desktop app writes it where the user picks in a save dialog and answers when it is written; the
   * HTTP host answers a one-time address (`download`) whose GET streams the file. Progress and
   * Cancel go by operationId.
   */
  exportResult: z.extend(longOnDatabase, {
    format: z.enum(['csv', 'jsonl']),
    table: z.optional(schemaName),
    sort: z.optional(z.nullable(z.strictObject({ column: schemaName, direction: z.enum(['asc', 'desc']) }))),
    filters: z._default(z.array(rowFilter).check(z.maxLength(20, 'at most 20 filters')), []),
    sql: z.optional(z.string().check(z.trim(), z.minLength(1, 'a query'), z.maxLength(100_000, 'a query of at most 100,000 characters'))),
  }),
  /** How many rows of each child table refer to one row (its values by column), with the filters that select them. */
  rowChildren: z.extend(onDatabase, { table: schemaName, row: z.record(schemaName, z.nullable(cellText)) }),
  verify: z.extend(longOnDatabase, { level: z._default(z.enum(['quick', 'full']), 'quick') }),
  initialize: z.extend(longOnDatabase, { to: optionalVersion }),
  migrate: z.extend(longOnDatabase, { to: optionalVersion, backup: flag(true) }),
  plan: z.extend(onDatabase, { to: optionalVersion }),
  rehearse: z.extend(longOnDatabase, { to: optionalVersion }),
  /** dryRun: the statements repair would run, nothing written. */
  repair: z.extend(longOnDatabase, { backup: flag(true), dryRun: flag(false) }),
  baseline: z.extend(onDatabase, { version: schemaVersion }),
  acceptChecksum: z.extend(onDatabase, {
    version: schemaVersion,
    reason: z.string().check(z.trim(), z.minLength(3, REASON_LENGTH), z.maxLength(500, REASON_LENGTH)),
  }),
  backup: longOnDatabase,
  backups: onDatabase,
  verifyBackup: z.extend(longOnDatabase, { backup: backupName, full: flag(false) }),
  restore: z.extend(longOnDatabase, { backup: backupName }),
  /** What a restore from `backup` would do, changing nothing: versions, and per table the rows here it lacks or holds differently (by primary key). */
  previewRestore: z.extend(longOnDatabase, { backup: backupName }),
  /** Opens one of the database's backups read-only under an id of its own, to look at (Data view) before restoring anything; the host finds it in the database's backup folder. */
  openBackup: z.extend(onDatabase, { backup: backupName }),
  /** Serves a file that a salvage of the database made beside it (by its name, as the salvage report gives it), to check it and work on it like any database. */
  openSalvaged: z.extend(onDatabase, { file: salvagedName }),
  /** The host's scheduled backups of the database: interval, last, next. */
  backupSchedule: onDatabase,
  /** The desktop app: how often to back up every open database (null: never); kept for its next start. Other hosts: NOT_SUPPORTED (warden serve --backup-every). */
  setBackupSchedule: z.strictObject({ every: z.nullable(text(/^\d{1,6}[smhdw]$/, 'a duration like 6h or 1d')) }),
  /** Copies back from a backup the rows of `table` (and its children's) that the database lacks; dryRun: counts only. */
  recoverRows: z.extend(longOnDatabase, {
    table: text(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'a table name (letters, digits, _)'),
    backup: backupName,
    dryRun: flag(false),
  }),
  /** Who this host records actions as, and whether the console should ask for the operator's name. */
  hostInfo: z.strictObject({}),
  /** The host's long operations: the running ones, then the most recent that ended (newest first). */
  jobs: z.strictObject({}),
  /** `warden serve --fleet FILE`: every deployment of the fleet file, worst first (other hosts: NOT_SUPPORTED). */
  fleetStatus: z.strictObject({ group: z.optional(text(/^[A-Za-z0-9_.-]{1,64}$/, 'a group name')) }),
  /** A byte-for-byte copy of a (damaged) database with its journal or WAL into its backup folder, marked damaged: never restored from. */
  preserveCopy: longOnDatabase,
  /**
   * Recovers what can be read of a damaged database into a new file the host names beside it; never
   * writes to the damaged one. recoverFrom: then copies back from that verified backup the rows the
   * damaged tables lack (salvage and recover rows: the "both" way out).
   */
  salvage: z.extend(longOnDatabase, { recoverFrom: z.optional(backupName) }),
  /** `warden serve --fleet FILE`: a rolling migrate of the fleet (a group's only, when given), kept as a job; answers its report when it ends. */
  fleetMigrate: z.strictObject({
    operationId: z.optional(operationId),
    to: schemaVersion,
    canary: z.optional(deploymentName),
    parallel: z.number().check(z.int(), z.minimum(1), z.maximum(16)),
    group: z.optional(text(/^[A-Za-z0-9_.-]{1,64}$/, 'a group name')),
    /** Only these deployments (of the group, when given); the others are left out of the rollout, untouched. Absent: all of them. */
    deployments: z.optional(z.array(deploymentName).check(z.minLength(1, 'at least one deployment'), z.maxLength(1000, 'at most 1,000 deployments'))),
  }),
  /**
   * `warden serve --fleet FILE`: a deployment's live schema side by side with another's (`b`), or with
   * the expected schema at a version (`expectedAt`, from this host's schema folder): exactly one of them.
   */
  fleetCompare: z.strictObject({ a: deploymentName, b: z.optional(deploymentName), expectedAt: z.optional(schemaVersion) }),
  /** The desktop app: the user picks a fleet file in a native dialog; the app opens it (and again at its next start). Other hosts: NOT_SUPPORTED. */
  openFleet: z.strictObject({}),
  /** The desktop app: keeps a tokenKeychain deployment's agent token, encrypted by the OS keychain. It never comes back to the page. */
  keepFleetToken: z.strictObject({
    deployment: deploymentName,
    token: z.string().check(z.minLength(1, 'a token'), z.maxLength(4096, 'a token of at most 4,096 characters')),
  }),
  /** The desktop app: forgets the token it kept for a deployment. */
  forgetFleetToken: z.strictObject({ deployment: deploymentName }),
  /** The desktop app: opens a deployment of the fleet in its own window, on the full console through this app. */
  openDeployment: z.strictObject({ deployment: deploymentName }),
  /** `warden serve --fleet FILE`: a verify of every deployment (a group's only, when given), kept as a job; answers its report when it ends. */
  fleetVerify: z.strictObject({
    operationId: z.optional(operationId),
    group: z.optional(text(/^[A-Za-z0-9_.-]{1,64}$/, 'a group name')),
    level: z.enum(['quick', 'full']),
    parallel: z.number().check(z.int(), z.minimum(1), z.maximum(16)),
  }),
  /** `warden serve --fleet FILE`: a verified backup taken by every deployment (a group's only, when given), kept as a job. */
  fleetBackup: z.strictObject({
    operationId: z.optional(operationId),
    group: z.optional(text(/^[A-Za-z0-9_.-]{1,64}$/, 'a group name')),
    parallel: z.number().check(z.int(), z.minimum(1), z.maximum(16)),
  }),
  /** Stops a long operation started with this operationId; it ends with CANCELLED and changes nothing. */
  cancel: z.strictObject({ operationId }),
} as const;

export type MethodName = keyof typeof contract;
export type MethodInput<M extends MethodName> = z.input<(typeof contract)[M]>;
export type ValidInput<M extends MethodName> = z.output<(typeof contract)[M]>;

export const METHOD_NAMES = Object.keys(contract) as MethodName[];

export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(contract, name);
}
