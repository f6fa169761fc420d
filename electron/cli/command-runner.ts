import { parseDuration } from '../../shared/duration';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RestorePreview } from '../../shared/types/backups';
import type { RowFilter, RowSort } from '../../shared/types/data';
import type { Progress } from '../../shared/types/jobs';
import type { HealthStatus } from '../../shared/types/status';
import {
  backupFolderOf,
  DEFAULT_BUSY_TIMEOUT_MS,
  detectedFormatNote,
  type EngineContext,
  explainFileError,
  heldLock,
  loadSchema,
  schemaReference,
  type SchemaDefinition,
  WardenError,
} from '../engine';
import type { ErrorCode, ErrorInfo } from '../../shared/errors';
import { commandFor, type CommandWords } from './suggested-commands';
import { escapeControls, escapedForText, formatElapsed, formatError } from './output';
import { progressReporter } from './progress';
import { failureEnvelope, printEnvelope, successEnvelope } from './json-envelope';
import { confirmedOnTerminal, type Ask } from './terminal-question';
import { restoreQuestion } from './render';

// What every `warden` command shares: its common options, how it runs (engine context, progress and
// logs on stderr, Ctrl-C, the outcome on stdout) and its exit codes (README): 0 success / healthy,
// 1 degraded, 2 unhealthy or failed, 3 locked, 64 usage error, 130 interrupted.

const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const DEFAULT_SCHEMA = resolve(PACKAGE_ROOT, 'schemas/conversation_files');

/** Without --db, the database of the schema in use: data/<its name>.db (data/conversation_files.db for the default schema). */
export function defaultDatabaseOf(schema: Pick<SchemaDefinition, 'name'>): string {
  return `data/${schema.name}.db`;
}
export const RENDERER_DIR = resolve(PACKAGE_ROOT, 'out/renderer');
/** The longest --busy-timeout: a day (a start gate may wait out a long migration by another VM). */
const MAX_BUSY_TIMEOUT_MS = 86_400_000;

export const EXIT = { ok: 0, degraded: 1, failed: 2, locked: 3, usage: 64, interrupted: 130 } as const;

/** The exit code of a command that failed with `code`: a database held by another process can be tried again (3), a --schema that names no folder is the command line's fault (64). */
export function exitCodeForError(code: ErrorCode): number {
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

export function exitCodeFor(status: HealthStatus): number {
  if (status === 'healthy') return EXIT.ok;
  if (status === 'unhealthy') return EXIT.failed;
  return EXIT.degraded;
}

/** Paths on the command line are relative to where the user ran the command, not to npm's package root. */
export function userPath(path: string): string {
  return resolve(process.env.INIT_CWD ?? process.cwd(), path);
}

export interface CommonOptions {
  /** Absent: defaultDatabaseOf the schema. */
  db?: string;
  schema: string;
  /** --migrations-table: the app's history table, given with the folder (see core/schema/schema-reference.ts). */
  migrationsTable?: string;
  json?: boolean;
  /** --busy-timeout: milliseconds (parsed by wholeNumberUpTo). */
  busyTimeout: number;
  backupDir?: string;
  /** --backup-max-age: milliseconds (parsed by durationOption). */
  backupMaxAge?: number;
}

export interface MigrateOptions extends CommonOptions {
  to?: string;
  /** false with --no-backup */
  backup: boolean;
  /** false with --no-integrity-check */
  integrityCheck: boolean;
}

export interface Outcome<T> {
  document: T;
  /** The text output, from the document with its control characters escaped (unless `exact`); `words` prints a next action as a command for this target. */
  render: (shown: T, words: CommandWords) => string;
  exitCode: number;
  /** Data for another program (CSV into a file or a pipe): rendered from the document as it is. */
  exact?: boolean;
}

export function withCommonOptions(command: Command): Command {
  return command
    .option('--db <path>', 'database file (default: data/<schema name>.db)')
    .option(
      '--schema <dir>',
      "schema folder (schema.json + migrations/), or an app's migrations folder (dbmate, golang-migrate, Flyway, Prisma, Drizzle)",
      DEFAULT_SCHEMA,
    )
    .option(
      '--migrations-table <name>',
      "the app's history table where its tool was told another name (dbmate --migrations-table, golang-migrate x-migrations-table, flyway.table, drizzle migrations.table)",
    )
    .option('--json', 'print one JSON document on stdout')
    .addOption(
      new Option('--busy-timeout <ms>', 'how long to wait, in milliseconds, for another process holding the lock')
        .argParser(wholeNumberUpTo(MAX_BUSY_TIMEOUT_MS))
        .default(DEFAULT_BUSY_TIMEOUT_MS),
    );
}

export function withBackupDir(command: Command): Command {
  return command.option('--backup-dir <dir>', 'folder of the backups (default: <db>.backups beside the database)');
}

/** A duration on the command line: 90s, 30m, 6h, 1d, 2w. */
export function durationOption(value: string): number {
  const ms = parseDuration(value);
  if (ms === null) throw new InvalidArgumentError('Give a duration like 6h, 1d or 2w.');
  return ms;
}

export function withBackupMaxAge(command: Command): Command {
  return command.option(
    '--backup-max-age <duration>',
    "a database whose newest verified backup is older needs attention (default: the schema's backupMaxAge, else 7d)",
    durationOption,
  );
}

/** A count of rows from 1 to `max`: a fraction is a usage error (a limit of 0.5 rows never stopped a query). */
export function countUpTo(max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < 1 || n > max) throw new InvalidArgumentError(`It must be a whole number from 1 to ${max.toLocaleString('en-US')}.`);
    return n;
  };
}

/** Seconds from 0.1 (the hosts' shortest time limit, 100 ms) to `max`, else a usage error (exit 64): `--timeout 1e12` is refused, not a timer that fires at once. */
export function secondsUpTo(max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0.1 || n > max) throw new InvalidArgumentError(`It must be a number of seconds from 0.1 to ${max.toLocaleString('en-US')}.`);
    return n;
  };
}

/** A whole number from 0 to `max` (a usage error otherwise, exit 64). */
export function wholeNumberUpTo(max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n > max)
      throw new InvalidArgumentError(`It must be a whole number from 0 to ${max.toLocaleString('en-US')}.`);
    return n;
  };
}

/** A whole number of 0 or more, up to the largest a row count can be (an offset). */
export function wholeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new InvalidArgumentError(`It must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER.toLocaleString('en-US')}.`);
  return n;
}

/** --sort COLUMN or COLUMN:desc (COLUMN:asc too). */
export function sortOption(value: string): RowSort {
  const match = /^(.+?)(?::(asc|desc))?$/i.exec(value);
  if (!match) throw new InvalidArgumentError('Give a column, or COLUMN:desc.');
  return { column: match[1], direction: (match[2]?.toLowerCase() ?? 'asc') as RowSort['direction'] };
}

/** --where COLUMN=VALUE, COLUMN!=VALUE, COLUMN~TEXT (contains), COLUMN:null or COLUMN:notnull; repeatable. */
export function whereOption(value: string, previous: RowFilter[] = []): RowFilter[] {
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
export function endAsInterrupted(): never {
  process.removeAllListeners('SIGINT');
  process.kill(process.pid, 'SIGINT');
  process.exit(EXIT.interrupted);
}

interface RunOptions {
  /** A command that only reads (verify): Ctrl-C stops it at once, in the middle of a check; it names itself so. */
  readsOnly?: string;
  /** Writes to the database (init, migrate, restore…): it waits for the write lock, so that is what is looked at first. */
  writes?: boolean;
}

/** The long options of each command, for the commands a next action is printed as (set by buildProgram). */
let commandOptions = new Map<string, Set<string>>();

/** Tells `run` every command's long options (buildProgram calls it once the commands are defined). */
export function knowCommandOptions(options: Map<string, Set<string>>): void {
  commandOptions = options;
}

/** Runs one command: builds the engine context, reports progress and logs on stderr, prints the outcome. */
export async function run<T>(
  options: CommonOptions,
  action: (ctx: EngineContext, ask: Ask) => Outcome<T> | Promise<Outcome<T>>,
  how: RunOptions = {},
): Promise<void> {
  const controller = new AbortController();
  const progress = progressReporter();
  let phase: Progress | null = null;
  let cancelledAt = 0;
  // Until the database is known (a bad --schema), next actions are printed without a target.
  let words: CommandWords = (next) => commandFor(next);
  const onSigint = () => {
    // One Ctrl-C can arrive twice: from the terminal and relayed by npm or tsx to their child.
    if (controller.signal.aborted && performance.now() - cancelledAt < 1000) return;
    progress.stop();
    if (how.readsOnly) {
      process.stderr.write(`\nInterrupted${phase ? ` during ${phase.phase}` : ''}: ${how.readsOnly} only reads, so nothing was changed.\n`);
      endAsInterrupted();
    }
    // A write's opening check (init's and migrate's quick_check) only reads: nothing to finish first.
    if (phase?.readsOnly) {
      process.stderr.write(`\nInterrupted during ${phase.phase}, before anything was written: nothing was changed.\n`);
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
    const given = {
      db: escapeControls(dbPath),
      schema: schema.dir === DEFAULT_SCHEMA ? undefined : escapeControls(schema.dir),
      backupDir: options.backupDir === undefined ? undefined : escapeControls(userPath(options.backupDir)),
    };
    words = (next) => commandFor(next, given, commandOptions);
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
        process.stderr.write(`${escapeControls(event.message)}\n`);
      },
    };
    // A question is asked on a line of its own: the progress bar is stopped and its line cleared first.
    const ask: Ask = (question) => {
      progress.stop();
      return confirmedOnTerminal(question);
    };
    sayIfLocked(dbPath, how.writes === true, options.busyTimeout);
    const outcome = await action(ctx, ask);
    progress.stop();
    const text = () => outcome.render(outcome.exact ? outcome.document : escapedForText(outcome.document), words);
    if (options.json) printEnvelope(successEnvelope(outcome.document, outcome.exitCode));
    else process.stdout.write(`${text()}\n`);
    process.exitCode = outcome.exitCode;
  } catch (err) {
    progress.stop();
    const explained = explainFileError(err);
    const info = withWaitNamed(
      explained instanceof WardenError
        ? explained.toInfo()
        : {
            code: 'INTERNAL' as const,
            message: `Unexpected failure: ${(err as Error).message}`,
            hint: 'This is a bug in Schema Warden; please report it with the command you ran.',
          },
      options.busyTimeout,
    );
    const interrupted = info.code === 'CANCELLED' && controller.signal.aborted;
    if (options.json) printEnvelope(failureEnvelope(info, interrupted ? EXIT.interrupted : exitCodeForError(info.code)));
    process.stderr.write(`${formatError(escapedForText(info), words)}\n`);
    if (interrupted) endAsInterrupted();
    process.exitCode = exitCodeForError(info.code);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** A database another process holds: said before the wait, not after it (the command waits up to --busy-timeout, then fails LOCKED). */
function sayIfLocked(dbPath: string, writes: boolean, busyTimeoutMs: number): void {
  const held = existsSync(dbPath) ? heldLock(dbPath, writes) : null;
  if (!held) return;
  const by = held.holders.length ? ` (held by ${held.holders.join(', ')})` : '';
  process.stderr.write(
    `Waiting for another process to release ${escapeControls(dbPath)}${by} before it can ${held.waitsTo === 'write' ? 'write' : 'read'}: up to ${formatElapsed(busyTimeoutMs)} (--busy-timeout)…\n`,
  );
}

/** restoreQuestion for this database, escaped, at the terminal's width. */
export function restoreQuestionFor(preview: RestorePreview, ctx: EngineContext): (width: number) => string {
  return (width) => restoreQuestion(preview, escapeControls(ctx.dbPath), escapeControls(backupFolderOf(ctx)), width);
}
