import { basename, dirname, extname, join } from 'node:path';
import type { ApiResults } from '../../shared/api-results';
import type { MethodName, ValidInput } from '../../shared/contract';
import type { EngineContext } from './context';
import { acceptChecksum } from './actions/accept-checksum';
import { backup } from './actions/backup';
import { baseline } from './actions/baseline';
import { history } from './actions/history';
import { initialize } from './actions/initialize';
import { migrate } from './actions/migrate';
import { plan } from './actions/plan';
import { preserveCopy } from './actions/preserve-copy';
import { runQuery } from './actions/query';
import { recoverRows } from './actions/recover-rows';
import { rehearse } from './actions/rehearse';
import { repair } from './actions/repair';
import { previewRestore, restore } from './actions/restore';
import { browseRows, rowChildren } from './actions/rows';
import { salvage } from './actions/salvage';
import { schemaDiagram } from './actions/schema-diagram';
import { schemaObjects } from './actions/schema-objects';
import { sizes } from './actions/sizes';
import { status } from './actions/status';
import { listTables } from './actions/tables';
import { verify } from './actions/verify';
import { verifyBackup } from './actions/verify-backup';
import { listBackups } from './core/backups/list-backups';

// THE table of what the engine can do to one database: each verb of the contract (shared/contract.ts)
// that names a database, with the one engine function that does it and what a host must know to
// run it. Every caller reads this table: the hosts' dispatch (electron/api/dispatch.ts), the engine
// worker (electron/api/engine-job.ts), the fleet's local deployments and the bench. A host never
// asks a verb's name what it is; it reads the verb's metadata.
//
// Adding a verb: its contract entry, its action file in actions/, one line here.

type Awaitable<T> = T | Promise<T>;

/** A contract method whose input names a database (the ones a verb can serve). */
type OnDatabase = { [M in MethodName]: ValidInput<M> extends { db: string } ? M : never }[MethodName];

/** A verb's input without what the host resolves itself: which database, which operation. */
export type VerbOptions<M extends MethodName> = Omit<ValidInput<M>, 'db' | 'operationId'>;

export interface Verb<M extends MethodName> {
  run(ctx: EngineContext, options: VerbOptions<M>): Awaitable<ApiResults[M]>;
  /** Long work the host keeps as a job (progress, Cancel, result; the Jobs panel) unless it is a dry run. */
  job: boolean;
  /** Reads only: it may reach a backup opened to look at, which must stay byte for byte what was verified. */
  readsOnly: boolean;
  /** Is given the host's latest quick_check of the file, to reuse while the file is unchanged (status; tables places damage with it). */
  usesKnownIntegrity: boolean;
  /** Its result carries the file's quick_check, which the host keeps for the verbs that use it. */
  checksIntegrity: boolean;
  /** The job keeps the result for the Jobs panel (a query's rows stay with the one who asked: false). */
  keepsResult: boolean;
  /** Each run goes into the host's query history of the database (its SQL, when, who, rows, duration). */
  inQueryHistory: boolean;
}

type Traits = Partial<Omit<Verb<MethodName>, 'run'>>;

const verb = <M extends MethodName>(traits: Traits, run: Verb<M>['run']): Verb<M> => ({
  job: false,
  readsOnly: false,
  usesKnownIntegrity: false,
  checksIntegrity: false,
  keepsResult: true,
  inQueryHistory: false,
  ...traits,
  run,
});

const READ: Traits = { readsOnly: true };
const LONG: Traits = { job: true };

/**
 * Where a salvage of `dbPath` goes: a new file beside it, named by the engine (no path crosses the
 * wire), e.g. chat.db → chat-salvaged-2026-11-30T16-45-00-123Z.db.
 */
export function salvagedPathBeside(dbPath: string, now = new Date()): string {
  return join(dirname(dbPath), salvagedFileName(dbPath, now.toISOString().replace(/[:.]/g, '-')));
}

/** The name a salvage of `dbPath` gives its new file at `stamp`; openSalvaged serves only files so named. */
export function salvagedFileName(dbPath: string, stamp: string): string {
  const ext = extname(dbPath);
  return `${basename(dbPath, ext)}-salvaged-${stamp}${ext || '.db'}`;
}

export const verbs = {
  status: verb<'status'>({ ...READ, usesKnownIntegrity: true, checksIntegrity: true }, (ctx) => status(ctx)),
  history: verb<'history'>(READ, (ctx) => history(ctx)),
  tables: verb<'tables'>({ ...READ, usesKnownIntegrity: true }, (ctx) => listTables(ctx)),
  schemaObjects: verb<'schemaObjects'>(READ, (ctx) => schemaObjects(ctx)),
  schemaDiagram: verb<'schemaDiagram'>(READ, (ctx) => schemaDiagram(ctx)),
  sizes: verb<'sizes'>(READ, (ctx) => sizes(ctx)),
  query: verb<'query'>({ ...READ, ...LONG, keepsResult: false, inQueryHistory: true }, (ctx, o) =>
    runQuery(ctx, { sql: o.sql, limit: o.limit, timeoutMs: o.timeoutMs, blobBytes: o.blobBytes }),
  ),
  rows: verb<'rows'>(READ, (ctx, o) => browseRows(ctx, o)),
  rowChildren: verb<'rowChildren'>(READ, (ctx, o) => rowChildren(ctx, o)),
  verify: verb<'verify'>({ ...READ, ...LONG }, (ctx, o) => verify(ctx, o.level)),
  plan: verb<'plan'>(READ, (ctx, o) => plan(ctx, { to: o.to })),
  initialize: verb<'initialize'>(LONG, (ctx, o) => initialize(ctx, { to: o.to })),
  migrate: verb<'migrate'>(LONG, (ctx, o) => migrate(ctx, { to: o.to, backup: o.backup })),
  rehearse: verb<'rehearse'>(LONG, (ctx, o) => rehearse(ctx, { to: o.to })),
  repair: verb<'repair'>(LONG, (ctx, o) => repair(ctx, { backup: o.backup, dryRun: o.dryRun })),
  backup: verb<'backup'>(LONG, (ctx) => backup(ctx, { reason: 'manual' })),
  // Listing is machinery other verbs use too (repair, lost rows, recency): the verb is core's listing itself.
  backups: verb<'backups'>({}, (ctx) => listBackups(ctx)),
  verifyBackup: verb<'verifyBackup'>(LONG, (ctx, o) => verifyBackup(ctx, { backup: o.backup, full: o.full })),
  restore: verb<'restore'>(LONG, (ctx, o) => restore(ctx, { backup: o.backup })),
  previewRestore: verb<'previewRestore'>({}, (ctx, o) => previewRestore(ctx, { backup: o.backup })),
  recoverRows: verb<'recoverRows'>(LONG, (ctx, o) => recoverRows(ctx, { table: o.table, backup: o.backup, dryRun: o.dryRun })),
  salvage: verb<'salvage'>(LONG, (ctx, { recoverFrom }) => salvage(ctx, { out: salvagedPathBeside(ctx.dbPath), recoverFrom })),
  preserveCopy: verb<'preserveCopy'>({}, (ctx) => preserveCopy(ctx, { purpose: 'manual' })),
  baseline: verb<'baseline'>({}, (ctx, o) => baseline(ctx, { version: o.version })),
  acceptChecksum: verb<'acceptChecksum'>({}, (ctx, o) => acceptChecksum(ctx, { version: o.version, reason: o.reason })),
} satisfies { [M in OnDatabase]?: Verb<M> };

export type VerbName = keyof typeof verbs;

export function isVerb(method: string): method is VerbName {
  return Object.hasOwn(verbs, method);
}

/** A verb's function, for a caller that holds its name and options as plain data (a worker's job). */
export function verbOf(name: VerbName): Verb<MethodName> {
  return verbs[name] as unknown as Verb<MethodName>;
}
