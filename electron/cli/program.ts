import { parseDuration } from '../../shared/duration';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import packageJson from '../../package.json' with { type: 'json' };
import type { BackupInfo, HealthStatus, MigrateResult, Progress, QueryResult, RestorePreview, RowFilter, RowSort, VerifyReport } from '../../shared/types';
import { acceptChecksum } from '../engine/accept-checksum';
import { backup } from '../engine/backup';
import { backupFolderOf } from '../engine/backup-folder';
import { baseline } from '../engine/baseline';
import { log, type EngineContext } from '../engine/context';
import { explainFileError, WardenError } from '../engine/errors';
import type { ErrorCode, ErrorInfo } from '../../shared/errors';
import { DEFAULT_BUSY_TIMEOUT_MS } from '../engine/open-database';
import { history } from '../engine/history';
import { listTables } from '../engine/tables';
import { MAX_QUERY_ROWS, MAX_QUERY_TIMEOUT_MS } from '../../shared/contract';
import { queryCsv } from '../../shared/query-csv';
import { renderQuery, renderRows, renderSalvage, renderTables } from './render-data';
import { browseRows, DEFAULT_PAGE_ROWS, DEFAULT_ROWS_TIMEOUT_MS } from '../engine/rows';
import { DEFAULT_QUERY_LIMIT, DEFAULT_QUERY_TIMEOUT_MS, runQuery } from '../engine/query';
import { salvage } from '../engine/salvage';
import { listBackups } from '../engine/list-backups';
import { plan } from '../engine/migration-plan';
import { preserveCopy } from '../engine/preserve-copy';
import { rehearse } from '../engine/rehearse';
import { recoverRows } from '../engine/recover-rows';
import { repair } from '../engine/repair';
import { previewRestore, restore } from '../engine/restore';
import { DEFAULT_KEEP_PER_REASON } from '../engine/retention';
import { detectedFormatNote, loadSchema, type SchemaDefinition } from '../engine/schema-folder';
import { schemaReference } from '../engine/schema-reference';
import { status } from '../engine/status';
import { verifyBackup } from '../engine/verify-backup';
import { addServeCommand } from '../server/serve-command';
import { onEngineThread } from './engine-thread';
import { addFleetCommand } from './fleet-command';
import { addHelpExamples } from './help-examples';
import { addCompletionCommand } from './completion';
import { backupArgument } from './backup-argument';
import { optionsByCommand, withGivenTarget } from './suggested-commands';
import { escapeControls, escapedForText, formatElapsed, formatError } from './output';
import { progressReporter } from './progress';
import { confirmedOnTerminal, type Ask } from './terminal-question';
import { renderBackup, renderBackups, renderBackupVerification, renderHistory, renderInitialize, renderRestore, renderRestorePreview, renderStatus, renderVerify, restoreQuestion } from './render';
import { renderPreserved } from './render-damage';
import { renderAcceptChecksum, renderBaseline, renderRecoverRows, renderPlan, renderRehearsal, renderRepair } from './render-plans';

// `warden`: the command line. Exit codes (README): 0 success / healthy, 1 degraded, 2 unhealthy
// or failed, 3 locked, 64 usage error, 130 interrupted (Ctrl-C). --json prints one document on
// stdout; logs and the progress bar go to stderr.

const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const DEFAULT_SCHEMA = resolve(PACKAGE_ROOT, 'schemas/conversation_files');

/** Without --db, the database of the schema in use: data/<its name>.db (data/conversation_files.db for the default schema). */
export function defaultDatabaseOf(schema: Pick<SchemaDefinition, 'name'>): string {
  return `data/${schema.name}.db`;
}
const RENDERER_DIR = resolve(PACKAGE_ROOT, 'out/renderer');
/** The longest --busy-timeout: a day (a start gate may wait out a long migration by another VM). */
const MAX_BUSY_TIMEOUT_MS = 86_400_000;

const EXIT = { ok: 0, degraded: 1, failed: 2, locked: 3, usage: 64, interrupted: 130 } as const;

/** The exit code of a command that failed with `code`: a database held by another process can be tried again (3), a --schema that names no folder is the command line's fault (64). */
function exitCodeForError(code: ErrorCode): number {
  if (code === 'LOCKED') return EXIT.locked;
  if (code === 'SCHEMA_NOT_FOUND') return EXIT.usage;
  return EXIT.failed;
}

/** A locked database's error names the wait it gave up after, and the option that sets it. */
function withWaitNamed(info: ErrorInfo, busyTimeoutMs: number): ErrorInfo {
  if (info.code !== 'LOCKED') return info;
  return {
    ...info,
    message: `${info.message} It waited ${formatElapsed(busyTimeoutMs)} for the lock (--busy-timeout ${busyTimeoutMs}).`,
    hint: `${info.hint ?? ''} To wait longer, run it again with a larger --busy-timeout (milliseconds, up to ${MAX_BUSY_TIMEOUT_MS.toLocaleString('en-US')}).`.trim(),
  };
}

function exitCodeFor(status: HealthStatus): number {
  if (status === 'healthy') return EXIT.ok;
  if (status === 'unhealthy') return EXIT.failed;
  return EXIT.degraded;
}

/** Paths on the command line are relative to where the user ran the command, not to npm's package root. */
function userPath(path: string): string {
  return resolve(process.env.INIT_CWD ?? process.cwd(), path);
}

interface CommonOptions {
  /** Absent: defaultDatabaseOf the schema. */
  db?: string;
  schema: string;
  /** --migrations-table: the app's history table, given with the folder (see schema-reference.ts). */
  migrationsTable?: string;
  json?: boolean;
  /** --busy-timeout: milliseconds (parsed by wholeNumberUpTo). */
  busyTimeout: number;
  backupDir?: string;
  /** --backup-max-age: milliseconds (parsed by durationOption). */
  backupMaxAge?: number;
}

interface MigrateOptions extends CommonOptions {
  to?: string;
  /** false with --no-backup */
  backup: boolean;
  /** false with --no-integrity-check */
  integrityCheck: boolean;
}

interface Outcome<T> {
  document: T;
  /** The text output, from the document with its control characters escaped (unless `exact`). */
  render: (shown: T) => string;
  exitCode: number;
  /** Data for another program (CSV into a file or a pipe): rendered from the document as it is. */
  exact?: boolean;
}

function withCommonOptions(command: Command): Command {
  return command
    .option('--db <path>', 'database file (default: data/<schema name>.db)')
    .option('--schema <dir>', "schema folder (schema.json + migrations/), or an app's migrations folder (dbmate, golang-migrate, Flyway, Prisma, Drizzle)", DEFAULT_SCHEMA)
    .option('--migrations-table <name>', "the app's history table where its tool was told another name (dbmate --migrations-table, golang-migrate x-migrations-table, flyway.table, drizzle migrations.table)")
    .option('--json', 'print one JSON document on stdout')
    .addOption(new Option('--busy-timeout <ms>', 'how long to wait, in milliseconds, for another process holding the lock').argParser(wholeNumberUpTo(MAX_BUSY_TIMEOUT_MS)).default(DEFAULT_BUSY_TIMEOUT_MS));
}

function withBackupDir(command: Command): Command {
  return command.option('--backup-dir <dir>', 'folder of the backups (default: <db>.backups beside the database)');
}

/** A duration on the command line: 90s, 30m, 6h, 1d, 2w. */
function durationOption(value: string): number {
  const ms = parseDuration(value);
  if (ms === null) throw new InvalidArgumentError('Give a duration like 6h, 1d or 2w.');
  return ms;
}

function withBackupMaxAge(command: Command): Command {
  return command.option('--backup-max-age <duration>', "a database whose newest verified backup is older needs attention (default: the schema's backupMaxAge, else 7d)", durationOption);
}

/** A command-line number above 0 and at most `max` (commander turns the error into a usage error, exit 64): `--timeout 1e12` is refused, not a timer that fires at once. */
function numberUpTo(max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0 || n > max) throw new InvalidArgumentError(`It must be a number above 0 and at most ${max.toLocaleString('en-US')}.`);
    return n;
  };
}

/** A whole number from 0 to `max` (a usage error otherwise, exit 64). */
function wholeNumberUpTo(max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n > max) throw new InvalidArgumentError(`It must be a whole number from 0 to ${max.toLocaleString('en-US')}.`);
    return n;
  };
}

/** A whole number of 0 or more, up to the largest a row count can be (an offset). */
function wholeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError(`It must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER.toLocaleString('en-US')}.`);
  return n;
}

/** --sort COLUMN or COLUMN:desc (COLUMN:asc too). */
function sortOption(value: string): RowSort {
  const match = /^(.+?)(?::(asc|desc))?$/i.exec(value);
  if (!match) throw new InvalidArgumentError('Give a column, or COLUMN:desc.');
  return { column: match[1], direction: (match[2]?.toLowerCase() ?? 'asc') as RowSort['direction'] };
}

/** --where COLUMN=VALUE, COLUMN!=VALUE, COLUMN~TEXT (contains), COLUMN:null or COLUMN:notnull; repeatable. */
function whereOption(value: string, previous: RowFilter[] = []): RowFilter[] {
  const nullness = /^(.+):(null|notnull)$/i.exec(value);
  if (nullness) return [...previous, { column: nullness[1], op: nullness[2].toLowerCase() === 'null' ? 'isNull' : 'notNull' }];
  const compare = /^(.+?)(!=|=|~)(.*)$/s.exec(value);
  if (!compare) throw new InvalidArgumentError('Write COLUMN=VALUE, COLUMN!=VALUE, COLUMN~TEXT, COLUMN:null or COLUMN:notnull.');
  const op = compare[2] === '=' ? 'eq' : compare[2] === '!=' ? 'ne' : 'contains';
  return [...previous, { column: compare[1], op, value: compare[3] }];
}

/**
 * Ends the way a program stopped by Ctrl-C ends: killed by SIGINT (a shell reports 130), so a
 * script that ran it stops too (www.cons.org/cracauer/sigint.html). Immediate even while the
 * engine thread is inside a SQLite call, which process.exit would wait for.
 */
function endAsInterrupted(): never {
  process.removeAllListeners('SIGINT');
  process.kill(process.pid, 'SIGINT');
  process.exit(EXIT.interrupted);
}

interface RunOptions {
  /** A command that only reads (verify): Ctrl-C stops it at once, in the middle of a check; it names itself so. */
  readsOnly?: string;
  /** Prints the database's own data (query, rows): its text is never rewritten as suggested commands. */
  printsData?: boolean;
}

/** The long options of each command, for the commands a message suggests (set by buildProgram). */
let commandOptions = new Map<string, Set<string>>();

/** Runs one command: builds the engine context, reports progress and logs on stderr, prints the outcome. */
async function run<T>(options: CommonOptions, action: (ctx: EngineContext, ask: Ask) => Outcome<T> | Promise<Outcome<T>>, how: RunOptions = {}): Promise<void> {
  const controller = new AbortController();
  const progress = progressReporter();
  let phase: Progress | null = null;
  let cancelledAt = 0;
  // Until the database is known (a bad --schema), suggestions are printed as written.
  let suggest = (text: string) => text;
  const onSigint = () => {
    // One Ctrl-C can arrive twice: from the terminal and relayed by npm or tsx to their child.
    if (controller.signal.aborted && performance.now() - cancelledAt < 1000) return;
    progress.stop();
    if (how.readsOnly) {
      process.stderr.write(`\nInterrupted${phase ? ` during ${phase.phase}` : ''}: ${how.readsOnly} only reads, so nothing was changed.\n`);
      endAsInterrupted();
    }
    if (controller.signal.aborted) {
      process.stderr.write('\nStopped now: the step under way was not committed, and SQLite undoes it when the database is next opened.\n');
      endAsInterrupted();
    }
    cancelledAt = performance.now();
    process.stderr.write('\nStopping after the current step (press Ctrl-C again to stop now)…\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    const schema = loadSchema(schemaReference(userPath(options.schema), options.migrationsTable));
    const detected = detectedFormatNote(schema);
    if (detected) process.stderr.write(`${escapeControls(detected)}\n`);
    const dbPath = userPath(options.db ?? defaultDatabaseOf(schema));
    const given = { db: escapeControls(dbPath), schema: schema.dir === DEFAULT_SCHEMA ? undefined : escapeControls(schema.dir), backupDir: options.backupDir === undefined ? undefined : escapeControls(userPath(options.backupDir)) };
    suggest = (text) => withGivenTarget(text, given, commandOptions);
    const ctx: EngineContext = {
      dbPath,
      schema,
      backupDir: options.backupDir === undefined ? undefined : userPath(options.backupDir),
      busyTimeoutMs: options.busyTimeout,
      backupMaxAgeMs: options.backupMaxAge,
      signal: controller.signal,
      onProgress: (p) => {
        phase = p;
        progress.report(p);
      },
      onLog: (event) => {
        if (event.level === 'info' && options.json) return;
        progress.stop(); // a log line goes on a line of its own; the bar starts again with the next progress
        process.stderr.write(`${suggest(escapeControls(event.message))}\n`);
      },
    };
    // A question is asked on a line of its own: the progress bar is stopped and its line cleared first.
    const ask: Ask = (question) => {
      progress.stop();
      return confirmedOnTerminal(question);
    };
    const outcome = await action(ctx, ask);
    progress.stop();
    const text = () => {
      const rendered = outcome.render(outcome.exact ? outcome.document : escapedForText(outcome.document));
      return outcome.exact || how.printsData ? rendered : suggest(rendered);
    };
    process.stdout.write(options.json ? `${JSON.stringify(outcome.document, null, 2)}\n` : `${text()}\n`);
    process.exitCode = outcome.exitCode;
  } catch (err) {
    progress.stop();
    const explained = explainFileError(err);
    const info = withWaitNamed(explained instanceof WardenError ? explained.toInfo() : { code: 'INTERNAL' as const, message: `Unexpected failure: ${(err as Error).message}`, hint: 'This is a bug in Schema Warden; please report it with the command you ran.' }, options.busyTimeout);
    if (options.json) process.stdout.write(`${JSON.stringify({ error: info }, null, 2)}\n`);
    process.stderr.write(`${suggest(formatError(escapedForText(info)))}\n`);
    if (info.code === 'CANCELLED' && controller.signal.aborted) endAsInterrupted();
    process.exitCode = exitCodeForError(info.code);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** restoreQuestion for this database, escaped, at the terminal's width. */
function restoreQuestionFor(preview: RestorePreview, ctx: EngineContext): (width: number) => string {
  return (width) => restoreQuestion(preview, escapeControls(ctx.dbPath), escapeControls(backupFolderOf(ctx)), width);
}

export function buildProgram(): Command {
  const program = new Command('warden')
    .description('Schema Warden: keeps SQLite databases healthy — initialize, version, migrate, verify, back up, restore.')
    // Program options only before the command: `warden baseline --version 1.0.0` is the command's own --version.
    .enablePositionalOptions()
    .version(packageJson.version, '-V, --version', 'print the version of Schema Warden')
    .showHelpAfterError('(run warden --help for the commands)')
    .exitOverride();

  withBackupDir(withCommonOptions(program.command('init').description('create the database at the latest (or --to) version; migrate it if older (after a verified backup); do nothing if current')))
    .option('--to <version>', 'version to create or migrate to')
    .option('--no-backup', 'migrate an existing database without taking a verified backup first')
    .option('--no-integrity-check', "skip SQLite's quick_check of an existing database (by default a damaged one is refused, exit 2)")
    .action((o: MigrateOptions) =>
      run(o, async (ctx) => {
        const result = (await onEngineThread(ctx, 'initCommand', { to: o.to, backup: o.backup, integrityCheck: o.integrityCheck })) as MigrateResult;
        return { document: result, render: renderInitialize, exitCode: EXIT.ok };
      }),
    );

  withBackupDir(withCommonOptions(program.command('migrate').description('take a verified backup, then apply pending migrations, one transaction per version')))
    .option('--to <version>', 'version to migrate to (default: latest)')
    .option('--no-backup', 'do not take a verified backup first')
    .option('--no-integrity-check', "skip SQLite's quick_check first (by default a damaged database is refused, exit 2)")
    .action((o: MigrateOptions) =>
      run(o, async (ctx) => {
        const result = (await onEngineThread(ctx, 'migrateCommand', { to: o.to, backup: o.backup, integrityCheck: o.integrityCheck })) as MigrateResult;
        return { document: result, render: renderInitialize, exitCode: EXIT.ok };
      }),
    );

  withBackupDir(withCommonOptions(program.command('backup').description('take an online backup, check it (quick_check) and fingerprint it (SHA-256)')))
    .option('--no-verify', 'skip the quick_check of the copy (verify it later with verify-backup)')
    .option('--keep <n>', 'backups of each reason to keep (older ones are removed; the newest verified one is always kept)', String(DEFAULT_KEEP_PER_REASON))
    .action((o: CommonOptions & { verify: boolean; keep: string }) =>
      run(o, async (ctx) => {
        const info = await backup(ctx, { reason: 'manual', verify: o.verify, keepPerReason: Number(o.keep) });
        return { document: info, render: renderBackup, exitCode: EXIT.ok };
      }),
    );

  withBackupDir(withCommonOptions(program.command('preserve').description('copy a damaged database byte for byte, with its journal or WAL, into the backup folder, marked damaged (never restored from)')))
    .action((o: CommonOptions) =>
      run(o, (ctx) => {
        const info = preserveCopy(ctx, { purpose: 'manual' });
        return { document: info, render: renderPreserved, exitCode: EXIT.ok };
      }),
    );

  withBackupDir(withCommonOptions(program.command('backups').description('the backups of the database, newest first')))
    .action((o: CommonOptions) =>
      run(o, (ctx) => {
        const list = listBackups(ctx);
        return { document: list, render: (shown: BackupInfo[]) => renderBackups(escapeControls(backupFolderOf(ctx)), escapeControls(ctx.dbPath), shown), exitCode: EXIT.ok };
      }),
    );

  withBackupDir(withCommonOptions(program.command('verify-backup').description("check a backup: its SHA-256 against its manifest and SQLite's quick_check (integrity_check with --full)")))
    .argument('<backup>', 'a backup as warden backups lists it (its name, in --backup-dir), latest, or a path')
    .option('--full', 'integrity_check instead of quick_check')
    .action((file: string, o: CommonOptions & { full?: boolean }) =>
      run(o, async (ctx) => {
        const report = await verifyBackup(ctx, { backup: backupArgument(ctx, file, userPath), full: o.full });
        return { document: report, render: renderBackupVerification, exitCode: report.ok ? EXIT.ok : EXIT.failed };
      }),
    );

  withBackupDir(withCommonOptions(program.command('restore').description('replace the database with a verified backup, after backing up what it replaces')))
    .requiredOption('--backup <backup>', 'the backup to restore: its name as warden backups lists it (in --backup-dir), latest, or a path')
    .option('--yes', 'do not ask for confirmation (required when not on a terminal)')
    .option('--dry-run', 'restore nothing: per table, the rows here the backup lacks or holds differently (by primary key), and the rows it would bring back')
    .action((o: CommonOptions & { backup: string; yes?: boolean; dryRun?: boolean }, command: Command) => {
      if (o.dryRun) {
        return run(o, async (ctx) => ({ document: await previewRestore(ctx, { backup: backupArgument(ctx, o.backup, userPath) }), render: renderRestorePreview, exitCode: EXIT.ok }));
      }
      if (!o.yes && !process.stdin.isTTY) {
        command.error('error: restore replaces the database: confirm with --yes when not running on a terminal');
      }
      return run(o, async (ctx, ask) => {
        const from = backupArgument(ctx, o.backup, userPath);
        if (!o.yes && !(await ask(restoreQuestionFor(escapedForText(await previewRestore(ctx, { backup: from })), ctx)))) {
          throw new WardenError('CANCELLED', `Restore not confirmed: ${ctx.dbPath} was not changed.`, 'Run it again and answer yes, or pass --yes.');
        }
        const result = await restore(ctx, { backup: from });
        return { document: result, render: renderRestore, exitCode: EXIT.ok };
      });
    });

  withBackupDir(withCommonOptions(program.command('recover-rows').description("copy back from a verified backup the rows a table lacks (and its children's), never overwriting a live row")))
    .requiredOption('--table <name>', 'the table whose rows to recover')
    .requiredOption('--backup <backup>', 'the backup holding the rows: its name as warden backups lists it (in --backup-dir), latest, or a path')
    .option('--dry-run', 'show how many rows each table would get back, and write nothing')
    .action((o: CommonOptions & { table: string; backup: string; dryRun?: boolean }) =>
      run(o, async (ctx) => {
        const result = await recoverRows(ctx, { table: o.table, backup: backupArgument(ctx, o.backup, userPath), dryRun: o.dryRun });
        return { document: result, render: renderRecoverRows, exitCode: result.orphanedRows.length ? EXIT.degraded : EXIT.ok };
      }),
    );

  withBackupMaxAge(withBackupDir(withCommonOptions(program.command('status').description('version, pending migrations, schema drift, orphaned rows and whether it is backed up, at a glance'))))
    .action((o: CommonOptions) =>
      run(o, (ctx) => {
        const report = status(ctx);
        return { document: report, render: renderStatus, exitCode: exitCodeFor(report.status) };
      }),
    );

  withCommonOptions(program.command('verify').description('compare the live schema with the expected one and run SQLite integrity checks'))
    .option('--full', 'integrity_check and foreign_key_check instead of quick_check')
    .action((o: CommonOptions & { full?: boolean }) =>
      run(
        o,
        async (ctx) => {
          const report = (await onEngineThread(ctx, 'verify', { level: o.full ? 'full' : 'quick' })) as VerifyReport;
          return { document: report, render: renderVerify, exitCode: exitCodeFor(report.status) };
        },
        { readsOnly: 'verify' },
      ),
    );

  withCommonOptions(program.command('history').description('applied versions and lifecycle events, newest first'))
    .action((o: CommonOptions) =>
      run(o, (ctx) => {
        const report = history(ctx);
        return { document: report, render: renderHistory, exitCode: EXIT.ok };
      }),
    );

  withCommonOptions(program.command('tables').description('every table and view: rows, size on disk (dbstat), indexes'))
    .action((o: CommonOptions) =>
      run(o, (ctx) => {
        const report = listTables(ctx);
        return { document: report, render: renderTables, exitCode: EXIT.ok };
      }),
    );

  withCommonOptions(program.command('query').description('run one read-only SQL query (refused if it could write), with a row and a time limit'))
    .requiredOption('--sql <text>', 'the query: SELECT, WITH … SELECT, VALUES, EXPLAIN or a reading PRAGMA')
    .option('--limit <rows>', 'rows to return at most (up to 100,000)', numberUpTo(MAX_QUERY_ROWS), DEFAULT_QUERY_LIMIT)
    .option('--timeout <seconds>', 'stop the query after this long (up to 600)', numberUpTo(MAX_QUERY_TIMEOUT_MS / 1000), DEFAULT_QUERY_TIMEOUT_MS / 1000)
    .option('--csv', 'print the rows as CSV (RFC 4180; NULL as an empty field; a text cell starting with = + - @ is prefixed with \' so a spreadsheet does not run it; exact bytes into a file or pipe)')
    .action((o: CommonOptions & { sql: string; limit: number; timeout: number; csv?: boolean }) =>
      run(o, async (ctx) => {
        const result = await runQuery(ctx, { sql: o.sql, limit: o.limit, timeoutMs: o.timeout * 1000 });
        // CSV has no line to say it was cut short: stderr says so, and the exit code (1) tells a script the file is partial.
        const cut = Boolean(o.csv && !o.json && result.more);
        if (cut) log(ctx, 'warn', `warning: the CSV stops at the row limit, ${result.limit.toLocaleString('en-US')} rows: the query has more. Raise --limit (up to ${MAX_QUERY_ROWS.toLocaleString('en-US')}), or narrow the query (WHERE, LIMIT); exit code 1.`);
        // CSV on a terminal is escaped like any text output; into a file or a pipe it is the data, exactly.
        return { document: result, render: (shown: QueryResult) => (o.csv ? queryCsv(shown).replace(/\n$/, '') : renderQuery(shown)), exitCode: cut ? EXIT.degraded : EXIT.ok, exact: o.csv && !process.stdout.isTTY };
      }, { printsData: true }),
    );

  withCommonOptions(program.command('rows').description('one page of a table\'s or view\'s rows, sorted and filtered; reads only'))
    .requiredOption('--table <name>', 'the table or view')
    .option('--sort <column[:desc]>', 'sort by a column (ascending, or :desc)', sortOption)
    .option('--where <filter>', 'COLUMN=VALUE, COLUMN!=VALUE, COLUMN~TEXT (contains), COLUMN:null or COLUMN:notnull; repeat to narrow further', whereOption)
    .option('--offset <n>', 'rows to skip', wholeNumber, 0)
    .option('--limit <n>', 'rows to show (at most 1000)', numberUpTo(1000), DEFAULT_PAGE_ROWS)
    .option('--timeout <seconds>', 'stop reading after this long (up to 600): a view can cost what its query does', numberUpTo(MAX_QUERY_TIMEOUT_MS / 1000), DEFAULT_ROWS_TIMEOUT_MS / 1000)
    .action((o: CommonOptions & { table: string; sort?: RowSort; where?: RowFilter[]; offset: number; limit: number; timeout: number }) =>
      run(o, async (ctx) => {
        const page = await browseRows(ctx, { table: o.table, sort: o.sort ?? null, filters: o.where ?? [], offset: o.offset, limit: Math.min(1000, Math.trunc(o.limit)), withTotal: true, timeoutMs: o.timeout * 1000 });
        return { document: page, render: renderRows, exitCode: EXIT.ok };
      }, { printsData: true }),
    );

  withBackupDir(withCommonOptions(program.command('salvage').description('recover every readable row of a damaged database into a new file at the expected schema, reading the file format itself (no sqlite3 shell needed); never writes to the damaged file or its WAL')))
    .requiredOption('--out <file>', 'the new database file (must not exist)')
    .option('--recover-from <backup>', 'then copy back, from this verified backup (its name as warden backups lists it, latest, or a path), the rows the damaged tables lack: salvage and recover rows in one')
    .action((o: CommonOptions & { out: string; recoverFrom?: string }) =>
      run(o, async (ctx) => {
        const report = await salvage(ctx, { out: userPath(o.out), recoverFrom: o.recoverFrom === undefined ? undefined : backupArgument(ctx, o.recoverFrom, userPath) });
        const clean = report.integrity.ok && report.drift.length === 0 && report.lostAndFound === 0 && report.unreadablePages.length === 0 && report.foreignKeyViolations === 0;
        return { document: report, render: renderSalvage, exitCode: clean ? EXIT.ok : EXIT.degraded };
      }),
    );

  withCommonOptions(program.command('plan').description('what migrating would do: each pending step with its SQL, linter warnings, and what blocks it'))
    .option('--to <version>', 'version to plan for (default: latest)')
    .action((o: CommonOptions & { to?: string }) =>
      run(o, (ctx) => {
        const result = plan(ctx, { to: o.to });
        return { document: result, render: renderPlan, exitCode: result.blockers.length ? EXIT.failed : EXIT.ok };
      }),
    );

  withCommonOptions(program.command('rehearse').description('apply the plan to a temporary copy and report each step; the database itself is only read'))
    .option('--to <version>', 'version to rehearse up to (default: latest)')
    .option('--work-dir <dir>', 'folder for the temporary copy (default: the system temp folder)')
    .action((o: CommonOptions & { to?: string; workDir?: string }) =>
      run(o, async (ctx) => {
        const report = await rehearse(ctx, { to: o.to, workDir: o.workDir && userPath(o.workDir) });
        const exitCode = !report.ok ? EXIT.failed : report.drift.length ? EXIT.degraded : EXIT.ok;
        return { document: report, render: renderRehearsal, exitCode };
      }),
    );

  withCommonOptions(program.command('repair').description('recreate missing tables, indexes, triggers and views from the expected schema; never drops anything'))
    .option('--no-backup', 'repair without taking a backup first')
    .option('--dry-run', 'print the SQL repair would run, and write nothing')
    .action((o: CommonOptions & { backup: boolean; dryRun?: boolean }) =>
      run(o, async (ctx) => {
        const result = await repair(ctx, { backup: o.backup, dryRun: o.dryRun });
        const damageLeft = result.tableDamage || (result.integrityAfter && !result.integrityAfter.ok);
        return { document: result, render: renderRepair, exitCode: damageLeft ? EXIT.failed : result.refused.length ? EXIT.degraded : EXIT.ok };
      }),
    );

  withCommonOptions(program.command('baseline').description('adopt an unversioned database whose schema is exactly version V'))
    .requiredOption('--version <version>', 'the version the database is at')
    .action((o: CommonOptions & { version: string }) =>
      run(o, (ctx) => {
        const result = baseline(ctx, { version: o.version });
        return { document: result, render: renderBaseline, exitCode: EXIT.ok };
      }),
    );

  withCommonOptions(program.command('accept-checksum').description('accept the edited file of an applied migration, on the record'))
    .requiredOption('--version <version>', 'the applied version whose file was edited')
    .requiredOption('--reason <text>', 'why the edit is fine (kept in the history)')
    .action((o: CommonOptions & { version: string; reason: string }) =>
      run(o, (ctx) => {
        const result = acceptChecksum(ctx, { version: o.version, reason: o.reason });
        return { document: result, render: renderAcceptChecksum, exitCode: EXIT.ok };
      }),
    );

  addServeCommand(program, { db: (schemaDir) => defaultDatabaseOf(loadSchema(schemaDir)), schema: DEFAULT_SCHEMA, rendererDir: RENDERER_DIR, userPath });
  addFleetCommand(program, { schema: DEFAULT_SCHEMA, userPath });
  addCompletionCommand(program);

  addHelpExamples(program);
  commandOptions = optionsByCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.usage;
      return;
    }
    throw err;
  }
}

