import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SalvageBackupRows, SalvageReport, UnreadablePage } from '../../../shared/types/repair';
import { userVersionOf } from '../core/sqlite/header-marks';
import type { EngineContext } from '../context';
import { WardenError } from '../errors';
import { expectedSchemaAt } from '../core/schema/expected-schema';
import { integrityOf } from '../core/sqlite/integrity';
import { checkInParallel } from '../core/sqlite/parallel-check';
import type { Connection } from '../core/sqlite/open-database';
import type { IntegrityResult } from '../../../shared/types/integrity';
import type { Progress } from '../../../shared/types/jobs';
import { openDatabase, statDatabasePath, withDatabase } from '../core/sqlite/open-database';
import { countRows, newestVerifiedBackupRows, tablesBesideBackup } from '../core/salvage/beside-backup';
import { SalvageTarget, type StampSource } from '../core/salvage/new-file';
import { checkOutPath, stageBeside } from '../core/salvage/out-file';
import { PageLedger } from '../core/salvage/page-ledger';
import { readSchemaObjects, recordedVersion } from '../core/salvage/recovered-schema';
import { markPagesWithoutData, recoverRows } from '../core/salvage/recover-rows';
import { openPageSource, type PageSource } from '../core/sqlite-file/page-source';
import { toolTablesOf } from '../core/schema/introspect';
import { trustedBackupPath } from './recover-rows';
import { copyRowsFromBackup, tablesThatLostRows } from '../core/salvage/rows-from-backup';
import { driftOf } from '../core/drift/drift';
import { foreignKeyViolations } from '../core/sqlite/foreign-keys';
import { fileModeFor } from '../core/sqlite/private-files';

// The way out when a file is corrupt beyond repair: every row on every readable page goes into a
// new file built at the expected schema. The damaged file (and its -wal) is read page by page by
// Schema Warden's own reader of SQLite's file format (sqlite-file/), never through SQLite and never
// for writing, so it needs no sqlite3 shell and no special SQLite build. Then the new file is
// checked, and each table's rows are set beside the newest verified backup's.

export interface SalvageOptions {
  /** The new database file; it must not exist. */
  out: string;
  /** A verified backup (name or path) to copy back, by primary key, the rows the damaged tables lack. */
  recoverFrom?: string;
}

function openDamaged(path: string): PageSource {
  const stats = statDatabasePath(path);
  if (stats === null) throw new WardenError('NOT_FOUND', `There is no database at ${path} to salvage.`, 'Check the path of the database.');
  if (stats.isDirectory()) throw new WardenError('IS_DIRECTORY', `${path} is a folder, not a database file.`, 'Pass the path of the .db file inside it.');
  const source = openPageSource(path);
  if (source === null)
    throw new WardenError(
      'NOT_A_DATABASE',
      `Nothing in ${path} reads as SQLite pages: it is not a SQLite database, or too little of it is left. Nothing was written.`,
      'Check the path of the database, or restore the newest verified backup.',
      undefined,
      [{ action: 'backups' }, { action: 'restore' }],
    );
  return source;
}

/** The header's own marks where it could be read; where it could not, the schema's marks that the app does not own (an app's own value is unknown then). */
function stampFor(ctx: EngineContext, source: PageSource, version: string): StampSource {
  if (source.headerReadable) return { userVersion: source.header.userVersion, applicationId: source.header.applicationId };
  const { footprint } = ctx.schema;
  return {
    userVersion: footprint.userVersion === 'tool' ? userVersionOf(version, ctx.schema.versionNames) : 0,
    applicationId: footprint.applicationId === 'app' ? 0 : ctx.schema.applicationId,
  };
}

function headerNotes(source: PageSource, recorded: string | null, version: string, dbPath: string, versionsTable: string): string[] {
  const notes: string[] = [];
  if (source.journalPages > 0) {
    notes.push(
      `A hot -journal lay beside the damaged file (a write that was interrupted): the original content of the ${source.journalPages} page(s) that write had changed was read from it, as SQLite's rollback would put it back, so the new file holds the last committed state. The file and its journal were only read.`,
    );
  } else if (existsSync(`${dbPath}-journal`)) {
    notes.push(
      `A -journal lies beside the damaged file, but it holds nothing to play back (no valid header or page record), so every page was read from the file.`,
    );
  }
  if (!source.headerReadable) {
    notes.push(
      `Page 1 (the header and the start of the schema) could not be read: the page size was taken as ${source.pageSize} bytes from the pages themselves, the freelist is unknown, and every table leaf was matched to its table by shape.`,
    );
  }
  if (recorded === null)
    notes.push(`No version could be read from the damaged file's ${versionsTable}: the new file was built at ${version}, the schema's latest.`);
  return notes;
}

interface Account {
  ledger: PageLedger;
  orphanedLeaves: number;
  version: string;
  notes: string[];
}

/** Reads the damaged file into the staged new file; the new file is complete when it returns. */
async function rebuild(ctx: EngineContext, source: PageSource, stagedPath: string): Promise<Account> {
  const ledger = new PageLedger(source.pageCount);
  const notes = markPagesWithoutData(source, ledger);
  ctx.onProgress?.({
    operation: 'salvage',
    phase: 'reading the schema',
    done: ledger.accounted,
    total: source.pageCount,
    unit: 'pages',
    pageSize: source.pageSize,
  });
  const objects = readSchemaObjects(source, ledger);
  const recorded = recordedVersion(source, objects, ctx.schema);
  const version = recorded ?? ctx.schema.latest;
  const appTable = ctx.schema.appVersionTable?.table.toLowerCase();
  const target = SalvageTarget.create(
    stagedPath,
    expectedSchemaAt(ctx.schema, version),
    ctx.schema,
    objects.some((o) => o.name.toLowerCase() === appTable),
  );
  try {
    const { orphanedLeaves } = await recoverRows(ctx, source, objects, target, ledger);
    ctx.onProgress?.({
      operation: 'salvage',
      phase: 'building indexes',
      done: ledger.accounted,
      total: source.pageCount,
      unit: 'pages',
      pageSize: source.pageSize,
    });
    target.finish(stampFor(ctx, source, version));
    return { ledger, orphanedLeaves, version, notes: [...headerNotes(source, recorded, version, ctx.dbPath, ctx.schema.footprint.versionsTable), ...notes] };
  } finally {
    target.close();
  }
}

const CANCELLED_SALVAGE = () =>
  new WardenError(
    'CANCELLED',
    'Salvage was cancelled; the unfinished new file was removed and the damaged file was only read.',
    'Run it again when you are ready.',
  );

/**
 * The new file's integrity_check and foreign_key_check, on every core as `verify --full` runs them
 * (parallel-check.ts), its progress told as the salvage's; SQLite's whole-file checks where that
 * cannot be done or finds anything, so the findings are always the whole check's.
 */
async function checkIntegrity(
  ctx: EngineContext,
  stagedPath: string,
  db: Connection,
  source: PageSource,
): Promise<{ integrity: IntegrityResult; violations: number }> {
  const onProgress = ctx.onProgress;
  // The bar stays full (every page of the damaged file is read): the check says how it goes in words, never by starting the bar again.
  const said = (p: Progress) =>
    onProgress?.({
      operation: 'salvage',
      phase: `checking the new file (${p.phase})`,
      done: source.pageCount,
      total: source.pageCount,
      unit: 'pages',
      pageSize: source.pageSize,
    });
  const parallel = await checkInParallel({ ...ctx, dbPath: stagedPath, onProgress: onProgress && said }).catch((err: unknown) => {
    throw err instanceof WardenError && err.code === 'CANCELLED' ? CANCELLED_SALVAGE() : err;
  });
  if (parallel) return { integrity: { level: 'full', ok: true, messages: [] }, violations: parallel.violations.length };
  return { integrity: integrityOf(db, 'full'), violations: foreignKeyViolations(db).length };
}

/** The new file checked as any database is: integrity, foreign keys, drift from the expected schema. */
async function checkNewFile(
  ctx: EngineContext,
  stagedPath: string,
  out: string,
  account: Account,
  source: PageSource,
  startedAt: number,
  fromBackup: Recovered | null,
): Promise<SalvageReport> {
  ctx.onProgress?.({
    operation: 'salvage',
    phase: 'checking the new file',
    done: source.pageCount,
    total: source.pageCount,
    unit: 'pages',
    pageSize: source.pageSize,
  });
  const db = openDatabase(stagedPath, { mode: 'read' });
  try {
    const rows = fromBackup?.salvagedRows ?? countRows(db);
    const backup = newestVerifiedBackupRows(ctx);
    const unreadable: UnreadablePage[] = [...account.ledger.unreadable].sort((a, b) => a.page - b.page);
    const { integrity, violations } = await checkIntegrity(ctx, stagedPath, db, source);
    return {
      path: ctx.dbPath,
      out,
      version: account.version,
      integrity,
      drift: driftOf(db, { ...ctx, dbPath: out }, account.version),
      tables: tablesBesideBackup(rows, backup, account.ledger),
      lostAndFound: rows.get('lost_and_found') ?? 0,
      comparedWith: backup?.name ?? null,
      fromBackup: fromBackup?.rows ?? null,
      durationMs: Math.round(performance.now() - startedAt),
      pageCount: source.pageCount,
      pagesRead: account.ledger.pagesRead,
      unreadablePages: unreadable,
      orphanedLeaves: account.orphanedLeaves,
      walFrames: source.wal?.committedFrames ?? 0,
      foreignKeyViolations: violations,
      notes: account.notes,
    };
  } finally {
    db.close();
  }
}

interface Recovered {
  rows: SalvageBackupRows;
  /** Rows per table as salvage read them, before the backup's were added. */
  salvagedRows: Map<string, number>;
}

/** The "both" way out: the rows the damaged tables lack, copied back from the verified backup into the new file before it is checked. */
function addRowsFromBackup(ctx: EngineContext, stagedPath: string, backupPath: string, account: Account, source: PageSource): Recovered {
  ctx.onProgress?.({
    operation: 'salvage',
    phase: 'copying rows back from the backup',
    done: source.pageCount,
    total: source.pageCount,
    unit: 'pages',
    pageSize: source.pageSize,
  });
  const salvagedRows = withDatabase(stagedPath, { mode: 'read' }, countRows);
  return { salvagedRows, rows: copyRowsFromBackup(stagedPath, backupPath, tablesThatLostRows(account.ledger, toolTablesOf(ctx.schema))) };
}

/**
 * Recovers every readable row of a damaged database into `out` (a new file, given the damaged
 * file's permissions), then checks it and sets its rows per table beside the newest verified
 * backup. The damaged file and its -wal are only read; a cancel or a failure leaves nothing behind.
 */
export async function salvage(ctx: EngineContext, options: SalvageOptions): Promise<SalvageReport> {
  const out = resolve(options.out);
  const startedAt = performance.now();
  const source = openDamaged(ctx.dbPath);
  try {
    checkOutPath(out);
    // The backup is judged before the long work, so that one that cannot be trusted costs nothing.
    const backupPath = options.recoverFrom === undefined ? null : await trustedBackupPath(ctx, options.recoverFrom);
    const staged = stageBeside(out, fileModeFor(ctx.dbPath));
    try {
      const account = await rebuild(ctx, source, staged.path);
      const fromBackup = backupPath === null ? null : addRowsFromBackup(ctx, staged.path, backupPath, account, source);
      const report = await checkNewFile(ctx, staged.path, out, account, source, startedAt, fromBackup);
      if (ctx.signal?.aborted) throw CANCELLED_SALVAGE();
      staged.publish();
      return report;
    } catch (err) {
      staged.discard();
      throw err;
    }
  } finally {
    source.close();
  }
}
