import { existsSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import type { ApiResults } from '../../shared/api-results';
import type { MethodName, ValidInput } from '../../shared/contract';
import { parseDuration } from '../../shared/duration';
import type { BackupScheduleInfo } from '../../shared/types/backups';
import type { ExportStarted } from '../../shared/types/data';
import type { DatabaseEntry, SchemaFolderChoice } from '../../shared/types/databases';
import { actorFor, backupPathOf, migrationFor, readManifest, recognisedFolderNote, salvagedFileName, WardenError } from '../engine';
import type { Acting, HostContext } from './host-context';
import { jobForReadOnly } from './jobs';
import { summaryOf } from './schema-catalog';
import { methodsAllowed } from './read-only-methods';
import { checkExportSource, EXPORT_DOWNLOAD_ROUTE, exportFileName, writeExportFile } from './result-export';

// The host's own methods, shared by the Electron host (one ipcMain.handle per method) and the HTTP
// host (POST /api/<method>): its database list, dialogs, jobs, fleet and cancellation. What the
// engine does to a database is the engine's table of verbs (electron/engine/verbs.ts); dispatch.ts
// reads both. Inputs arrive validated against shared/contract.ts.

type Awaitable<T> = T | Promise<T>;

export interface HostHandler<M extends MethodName> {
  handle(input: ValidInput<M>, host: HostContext, acting: Acting): Awaitable<ApiResults[M]>;
}

export type HandlerTable = { [M in MethodName]?: HostHandler<M> };

const host = <M extends MethodName>(handle: HostHandler<M>['handle']): HostHandler<M> => ({ handle });

async function openDatabase(_input: ValidInput<'openDatabase'>, ctx: HostContext): Promise<DatabaseEntry | null> {
  const choose = ctx.capabilities.chooseDatabaseToOpen;
  if (!choose) {
    throw new WardenError(
      'NOT_SUPPORTED',
      'This host cannot open other databases: it serves only the ones named when it started.',
      'Restart `warden serve` with another --db, or use the desktop app.',
    );
  }
  const path = await choose();
  return path === null ? null : ctx.registry.add(path, ctx.schemas.schemaOfFile(path));
}

/**
 * A schema folder, or an app's migrations folder as its tool wrote it, for an open database: the
 * host asks for the folder in its own dialog (no path crosses the wire), reads it as the CLI's
 * --schema does (the format detected from its files), and serves the database under it from now on.
 */
async function chooseSchemaFolder(input: ValidInput<'chooseSchemaFolder'>, ctx: HostContext): Promise<SchemaFolderChoice | null> {
  const choose = ctx.capabilities.chooseSchemaFolder;
  if (!choose) {
    throw new WardenError(
      'NOT_SUPPORTED',
      'This host takes no folder from its clients: it serves each database under the schema named when it started.',
      "Restart `warden serve` with --db PATH:FOLDER, the folder a schema folder or the app's migrations folder.",
    );
  }
  const entry = ctx.registry.get(input.db);
  if (entry.backupOf !== undefined)
    throw new WardenError(
      'INVALID_INPUT',
      `${entry.name} is a backup opened to look at: it keeps the schema of ${entry.backupOf}.`,
      `Choose the folder for ${entry.backupOf} instead.`,
    );
  const dir = await choose();
  if (dir === null) return null;
  const schema = ctx.schemas.addFolder(dir);
  const database = ctx.registry.setSchema(entry.id, schema.name);
  return { database, schema: summaryOf(schema), recognised: recognisedFolderNote(schema) };
}

/** A fresh database at the chosen version, created where the host says (save dialog, data folder), then registered. */
async function createDatabase(input: ValidInput<'createDatabase'>, ctx: HostContext, { operator }: Acting): Promise<DatabaseEntry> {
  const schema = ctx.schemas.get(input.schema);
  if (input.version) migrationFor(schema, input.version);
  const path = await ctx.capabilities.placeNewDatabase(`${input.name ?? schema.name}.db`);
  if (path === null) throw new WardenError('CANCELLED', 'No database was created: choosing where to put it was cancelled.');
  if (existsSync(path)) {
    throw new WardenError(
      'ALREADY_EXISTS',
      `${path} already exists; a new database needs a new file.`,
      'Pick another name, or open the existing database instead.',
      { field: 'name' },
    );
  }
  await ctx.engine.run({ name: 'initialize', options: { to: input.version }, dbPath: path, schemaDir: schema.dir, operator });
  return ctx.registry.add(path, schema.name);
}

/**
 * A file that a salvage of a served database made beside it, served as a database of its own (to
 * check it, browse it, recover rows into it): named as the salvage report names it and found in
 * the database's folder; only that database's salvage outputs are served (no path crosses the wire).
 */
function openSalvaged(input: ValidInput<'openSalvaged'>, ctx: HostContext): DatabaseEntry {
  const of = ctx.registry.get(input.db);
  if (of.backupOf !== undefined)
    throw new WardenError(
      'INVALID_INPUT',
      `${of.name} is a backup opened to look at; nothing was salvaged from it.`,
      `Open the salvaged files of ${of.backupOf} instead.`,
    );
  const named = salvagedFileName(of.path, 'TIME');
  if (!input.file.startsWith(named.slice(0, named.lastIndexOf('TIME'))) || extname(input.file) !== extname(named)) {
    throw new WardenError(
      'INVALID_INPUT',
      `${input.file} is not a file that a salvage of ${of.name} makes (those are named ${named}).`,
      'Open the file the salvage result names.',
      { field: 'file' },
    );
  }
  const path = join(dirname(of.path), input.file);
  if (!existsSync(path)) {
    throw new WardenError(
      'NOT_FOUND',
      `No salvaged file named ${input.file} beside ${of.path}: it was moved or removed since the salvage.`,
      `Salvage again from the Integrity view of ${of.name}, or open the file where it was moved to.`,
    );
  }
  return ctx.registry.add(path, of.schema);
}

/** The desktop app's fleet: `warden serve` takes its fleet file on the command line and its tokens from env vars or files. */
function desktopFleet(ctx: HostContext): NonNullable<HostContext['capabilities']['desktopFleet']> {
  if (!ctx.capabilities.desktopFleet)
    throw new WardenError(
      'NOT_SUPPORTED',
      'Only the desktop app opens fleet files and keeps agent tokens.',
      'Start `warden serve --fleet FILE`; the fleet file names where each token is (tokenEnv or tokenFile).',
    );
  return ctx.capabilities.desktopFleet;
}

type FleetMethod = 'fleetStatus' | 'fleetMigrate' | 'fleetCompare' | 'fleetVerify' | 'fleetBackup';

/** What a host without a fleet says for each fleet method: [what it lacks, what the Fleet page would do]. */
const NO_FLEET: Record<FleetMethod, [string, string]> = {
  fleetStatus: ['This host has no fleet.', 'see every deployment of a fleet file here'],
  fleetMigrate: ['This host has no fleet to migrate.', 'roll a migration out from the Fleet page'],
  fleetCompare: ['This host has no fleet to compare.', 'compare deployments from the Fleet page'],
  fleetVerify: ['This host has no fleet to verify.', 'verify every deployment from the Fleet page'],
  fleetBackup: ['This host has no fleet to back up.', 'back up every deployment from the Fleet page'],
};

/** The host's fleet capability for `method` (electron/fleet/fleet-capabilities.ts), or NOT_SUPPORTED where it has no fleet. */
function fleetCapability<M extends FleetMethod>(ctx: HostContext, method: M): NonNullable<HostContext['capabilities'][M]> {
  const capability = ctx.capabilities[method];
  if (capability) return capability;
  const [lacks, would] = NO_FLEET[method];
  throw new WardenError('NOT_SUPPORTED', lacks, `Start \`warden serve --fleet FILE\` to ${would}.`);
}

/**
 * A backup of a served database, registered read-only under an id of its own: the backup is
 * named as the API names backups and found in that database's backup folder, so no path crosses
 * the wire; only reading methods reach it (see dispatch.ts).
 */
function openBackup(input: ValidInput<'openBackup'>, ctx: HostContext): DatabaseEntry {
  const of = ctx.registry.get(input.db);
  if (of.backupOf !== undefined)
    throw new WardenError(
      'INVALID_INPUT',
      `${of.name} is itself a backup opened to look at; it has no backups of its own.`,
      `Open the backups of ${of.backupOf} instead.`,
    );
  const path = backupPathOf({ dbPath: of.path }, input.backup);
  if (!existsSync(path))
    throw new WardenError('NOT_FOUND', `No backup named ${input.backup} in the backup folder of ${of.name}.`, 'Pick one the Backups view lists.');
  if (readManifest(path) === null)
    throw new WardenError(
      'BACKUP_INVALID',
      `${input.backup} has no manifest beside it: Schema Warden did not take it, so it is not opened.`,
      'Open a backup the Backups view lists.',
    );
  return ctx.registry.addBackup(path, of.schema, of.id);
}

/**
 * A whole result as a file: the desktop app asks where in a save dialog and writes it (answering
 * once it is whole); the HTTP host answers a one-time address whose GET streams it (export-download.ts).
 */
async function exportResult(input: ValidInput<'exportResult'>, ctx: HostContext): Promise<ExportStarted> {
  checkExportSource(input);
  ctx.registry.get(input.db);
  const fileName = exportFileName(input.db, input);
  const { chooseExportFile, exportTickets } = ctx.capabilities;
  if (chooseExportFile) {
    const path = await chooseExportFile(fileName);
    if (path === null) throw new WardenError('CANCELLED', 'Nothing was exported: choosing where to save it was cancelled.');
    const operation = ctx.operations.start(input.operationId ?? null);
    try {
      return { fileName, download: null, savedTo: path, rows: await writeExportFile(ctx, input, path, operation.signal) };
    } finally {
      operation.finish();
    }
  }
  if (!exportTickets) throw new WardenError('NOT_SUPPORTED', 'This host cannot export a whole result.', 'Use warden query --csv.');
  return { fileName, download: `${EXPORT_DOWNLOAD_ROUTE}${exportTickets.issue(input)}`, savedTo: null, rows: null };
}

/** The schedule as the Backups view shows it for one database (no schedule: all null). */
function backupScheduleOf(db: string, ctx: HostContext): BackupScheduleInfo {
  ctx.registry.get(db);
  const settable = ctx.capabilities.setBackupEvery !== undefined;
  const schedule = ctx.capabilities.backupSchedule;
  return schedule ? { ...schedule.infoOf(db), settable } : { everyMs: null, last: null, nextAt: null, settable };
}

export const handlers: HandlerTable = {
  listSchemas: host((_input, ctx) => ctx.schemas.summaries()),
  listDatabases: host((_input, ctx) => ctx.registry.list()),
  openDatabase: host(openDatabase),
  chooseSchemaFolder: host(chooseSchemaFolder),
  createDatabase: host(createDatabase),
  closeDatabase: host((input, ctx) => ({ closed: ctx.registry.remove(input.db) })),
  cancel: host((input, ctx) => ({ cancelled: ctx.operations.cancel(input.operationId) })),
  hostInfo: host((_input, ctx, { readOnly }) => ({
    operator: ctx.identity.operator,
    asksForOperator: ctx.identity.asksForOperator,
    processActor: actorFor(),
    readOnly,
    mayCall: methodsAllowed(readOnly),
  })),
  jobs: host((_input, ctx, caller) => (caller.readOnly ? ctx.jobs.list().map(jobForReadOnly) : ctx.jobs.list())),
  fleetStatus: host((input, ctx) => fleetCapability(ctx, 'fleetStatus')(input.group)),
  fleetMigrate: host((input, ctx, { operator }) => fleetCapability(ctx, 'fleetMigrate')(input, operator)),
  fleetCompare: host((input, ctx) => fleetCapability(ctx, 'fleetCompare')(input)),
  openFleet: host((_input, ctx) => desktopFleet(ctx).open()),
  keepFleetToken: host((input, ctx) => {
    desktopFleet(ctx).keepToken(input.deployment, input.token);
    return { deployment: input.deployment, kept: true as const };
  }),
  forgetFleetToken: host((input, ctx) => ({ deployment: input.deployment, forgotten: desktopFleet(ctx).forgetToken(input.deployment) })),
  openDeployment: host((input, ctx) => {
    desktopFleet(ctx).openDeployment(input.deployment);
    return { deployment: input.deployment };
  }),
  fleetVerify: host((input, ctx, { operator }) => fleetCapability(ctx, 'fleetVerify')(input, operator)),
  fleetBackup: host((input, ctx, { operator }) => fleetCapability(ctx, 'fleetBackup')(input, operator)),

  exportResult: host(exportResult),
  queryHistory: host((input, ctx, { readOnly }) => {
    ctx.registry.get(input.db);
    return ctx.queryHistory.of(input.db, readOnly);
  }),
  openBackup: host((input, ctx) => openBackup(input, ctx)),
  openSalvaged: host((input, ctx) => openSalvaged(input, ctx)),
  backupSchedule: host((input, ctx) => backupScheduleOf(input.db, ctx)),
  setBackupSchedule: host((input, ctx) => {
    if (!ctx.capabilities.setBackupEvery)
      throw new WardenError(
        'NOT_SUPPORTED',
        "This host's backup schedule is set when it starts.",
        'Restart it with warden serve --backup-every DURATION (e.g. 6h, 1d).',
      );
    ctx.capabilities.setBackupEvery(input.every === null ? null : parseDuration(input.every));
    return { everyMs: ctx.capabilities.backupSchedule?.every ?? null, last: null, nextAt: null, settable: true };
  }),
};
