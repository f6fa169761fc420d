import { Command, CommanderError, Option } from 'commander';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HealthStatus } from '../../shared/types';
import { acceptChecksum } from '../engine/accept-checksum';
import { baseline } from '../engine/baseline';
import type { EngineContext } from '../engine/context';
import { WardenError } from '../engine/errors';
import { history } from '../engine/history';
import { initialize } from '../engine/initialize';
import { migrate } from '../engine/migrate';
import { plan } from '../engine/migration-plan';
import { rehearse } from '../engine/rehearse';
import { repair } from '../engine/repair';
import { loadSchema } from '../engine/schema-folder';
import { status } from '../engine/status';
import { verify } from '../engine/verify';
import { addServeCommand } from '../server/serve-command';
import { formatError } from './output';
import { progressReporter } from './progress';
import { renderHistory, renderInitialize, renderStatus, renderVerify } from './render';
import { renderAcceptChecksum, renderBaseline, renderPlan, renderRehearsal, renderRepair } from './render-plans';

// `warden`: the command line. Exit codes (DESIGN.md): 0 success / healthy, 1 degraded,
// 2 unhealthy or failed, 64 usage error. --json prints one document on stdout; logs and the
// progress bar go to stderr.

const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const DEFAULT_DB = 'data/conversation_files.db';
export const DEFAULT_SCHEMA = resolve(PACKAGE_ROOT, 'schemas/conversation_files');
const RENDERER_DIR = resolve(PACKAGE_ROOT, 'out/renderer');

const EXIT = { ok: 0, degraded: 1, failed: 2, usage: 64 } as const;

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
  db: string;
  schema: string;
  json?: boolean;
  busyTimeout: string;
}

interface Outcome {
  document: unknown;
  text: string;
  exitCode: number;
}

function withCommonOptions(command: Command): Command {
  return command
    .option('--db <path>', 'database file', DEFAULT_DB)
    .option('--schema <dir>', 'schema folder (schema.json + migrations/)', DEFAULT_SCHEMA)
    .option('--json', 'print one JSON document on stdout')
    .addOption(new Option('--busy-timeout <ms>', 'how long to wait for another process holding the lock').default('10000'));
}

/** Runs one command: builds the engine context, reports progress and logs on stderr, prints the outcome. */
async function run(options: CommonOptions, action: (ctx: EngineContext) => Outcome | Promise<Outcome>): Promise<void> {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\nCancelling after the current step (press Ctrl-C again to stop now)…\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  const progress = progressReporter();
  try {
    const ctx: EngineContext = {
      dbPath: userPath(options.db),
      schema: loadSchema(userPath(options.schema)),
      busyTimeoutMs: Number(options.busyTimeout),
      signal: controller.signal,
      onProgress: progress.report,
      onLog: (event) => {
        if (event.level !== 'info' || !options.json) process.stderr.write(`${event.message}\n`);
      },
    };
    const outcome = await action(ctx);
    progress.stop();
    process.stdout.write(options.json ? `${JSON.stringify(outcome.document, null, 2)}\n` : `${outcome.text}\n`);
    process.exitCode = outcome.exitCode;
  } catch (err) {
    progress.stop();
    const info = err instanceof WardenError ? err.toInfo() : { code: 'INTERNAL' as const, message: `Unexpected failure: ${(err as Error).message}`, hint: 'This is a bug in Schema Warden; please report it with the command you ran.' };
    if (options.json) process.stdout.write(`${JSON.stringify({ error: info }, null, 2)}\n`);
    process.stderr.write(`${formatError(info)}\n`);
    process.exitCode = EXIT.failed;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

export function buildProgram(): Command {
  const program = new Command('warden')
    .description('Schema Warden: keeps SQLite databases healthy — initialize, version, migrate, verify.')
    .showHelpAfterError('(run warden --help for the commands)')
    .exitOverride();

  withCommonOptions(program.command('init').description('create the database at the latest (or --to) version; migrate it if older; do nothing if current'))
    .option('--to <version>', 'version to create or migrate to')
    .action((o: CommonOptions & { to?: string }) =>
      run(o, (ctx) => {
        const result = initialize(ctx, { to: o.to });
        return { document: result, text: renderInitialize(result), exitCode: EXIT.ok };
      }),
    );

  withCommonOptions(program.command('migrate').description('apply pending migrations to an existing database, one transaction per version'))
    .option('--to <version>', 'version to migrate to (default: latest)')
    .action((o: CommonOptions & { to?: string }) =>
      run(o, (ctx) => {
        const result = migrate(ctx, { to: o.to });
        return { document: result, text: renderInitialize(result), exitCode: EXIT.ok };
      }),
    );

  withCommonOptions(program.command('status').description('version, pending migrations and schema drift at a glance'))
    .action((o: CommonOptions) =>
      run(o, (ctx) => {
        const report = status(ctx);
        return { document: report, text: renderStatus(report), exitCode: exitCodeFor(report.status) };
      }),
    );

  withCommonOptions(program.command('verify').description('compare the live schema with the expected one and run SQLite integrity checks'))
    .option('--full', 'integrity_check and foreign_key_check instead of quick_check')
    .action((o: CommonOptions & { full?: boolean }) =>
      run(o, (ctx) => {
        const report = verify(ctx, o.full ? 'full' : 'quick');
        return { document: report, text: renderVerify(report), exitCode: exitCodeFor(report.status) };
      }),
    );

  withCommonOptions(program.command('history').description('applied versions and lifecycle events, newest first'))
    .action((o: CommonOptions) =>
      run(o, (ctx) => {
        const report = history(ctx);
        return { document: report, text: renderHistory(report), exitCode: EXIT.ok };
      }),
    );

  withCommonOptions(program.command('plan').description('what migrating would do: each pending step with its SQL, linter warnings, and what blocks it'))
    .option('--to <version>', 'version to plan for (default: latest)')
    .action((o: CommonOptions & { to?: string }) =>
      run(o, (ctx) => {
        const result = plan(ctx, { to: o.to });
        return { document: result, text: renderPlan(result), exitCode: result.blockers.length ? EXIT.failed : EXIT.ok };
      }),
    );

  withCommonOptions(program.command('rehearse').description('apply the plan to a temporary copy and report each step; the database itself is only read'))
    .option('--to <version>', 'version to rehearse up to (default: latest)')
    .option('--work-dir <dir>', 'folder for the temporary copy (default: the system temp folder)')
    .action((o: CommonOptions & { to?: string; workDir?: string }) =>
      run(o, async (ctx) => {
        const report = await rehearse(ctx, { to: o.to, workDir: o.workDir && userPath(o.workDir) });
        const exitCode = !report.ok ? EXIT.failed : report.drift.length ? EXIT.degraded : EXIT.ok;
        return { document: report, text: renderRehearsal(report), exitCode };
      }),
    );

  withCommonOptions(program.command('repair').description('recreate missing tables, indexes, triggers and views from the expected schema; never drops anything'))
    .option('--no-backup', 'repair without taking a backup first')
    .action((o: CommonOptions & { backup: boolean }) =>
      run(o, async (ctx) => {
        if (o.backup) {
          throw new WardenError(
            'NOT_SUPPORTED',
            `This warden cannot take the backup repair takes first, so ${ctx.dbPath} was not changed.`,
            'Run warden repair --no-backup to repair without one (repair only creates missing objects; it never drops or rewrites data), after copying the file yourself if you want a way back.',
          );
        }
        const result = await repair(ctx);
        return { document: result, text: renderRepair(result), exitCode: result.refused.length ? EXIT.degraded : EXIT.ok };
      }),
    );

  withCommonOptions(program.command('baseline').description('adopt an unversioned database whose schema is exactly version V'))
    .requiredOption('--version <version>', 'the version the database is at')
    .action((o: CommonOptions & { version: string }) =>
      run(o, (ctx) => {
        const result = baseline(ctx, { version: o.version });
        return { document: result, text: renderBaseline(result), exitCode: EXIT.ok };
      }),
    );

  withCommonOptions(program.command('accept-checksum').description('accept the edited file of an applied migration, on the record'))
    .requiredOption('--version <version>', 'the applied version whose file was edited')
    .requiredOption('--reason <text>', 'why the edit is fine (kept in the history)')
    .action((o: CommonOptions & { version: string; reason: string }) =>
      run(o, (ctx) => {
        const result = acceptChecksum(ctx, { version: o.version, reason: o.reason });
        return { document: result, text: renderAcceptChecksum(result), exitCode: EXIT.ok };
      }),
    );

  addServeCommand(program, { db: DEFAULT_DB, schema: DEFAULT_SCHEMA, rendererDir: RENDERER_DIR, userPath });

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

await main(process.argv.slice(2));
