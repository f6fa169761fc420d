import { schemaVersion } from '../../../shared/contract';
import { FLEET_EXIT_CODE, type FleetActionReport } from '../../../shared/types/fleet';
import { WardenError } from '../../engine';
import { Unreachable, type ClientOptions } from '../../fleet/deployment-client';
import { loadFleet, plainHttpWarnings, type Deployment, type Fleet } from '../../fleet/fleet-file';
import { fleetStatus, inGroup, STATUS_WAIT_MS } from '../../fleet/fleet-status';
import { escapedForText, formatError } from '../output';
import { failureEnvelope, printEnvelope, successEnvelope } from '../json-envelope';
import { renderComparison, renderFleetAction, renderFleetStatus, renderRollout, unwellAfterRollout } from '../render-fleet';
import { fleetBackup, fleetVerify } from '../../fleet/fleet-actions';
import { compareDeployments } from '../../fleet/compare-deployments';
import { rollingMigrate } from '../../fleet/rolling-migrate';
import { InvalidArgumentError, type Command } from 'commander';
import { escapeControls } from '../output';

// `warden fleet <command> --fleet FILE`: the same questions asked of every deployment in a fleet
// file. Exit codes: 0 healthy, 1 degraded, 2 unhealthy or failed, 3 a deployment unreachable
// (fleet status: the worst deployment's), 64 usage error (a bad fleet file included).

export interface FleetDefaults {
  schema: string;
  userPath: (path: string) => string;
}

interface FleetOptions {
  fleet: string;
  group?: string;
  json?: boolean;
  schema: string;
}

interface ParallelOptions extends FleetOptions {
  parallel: number;
}

function parallelCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new InvalidArgumentError('a whole number from 1 to 64.');
  return n;
}

function waitSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0.1 || n > 3600) throw new InvalidArgumentError('a number of seconds from 0.1 to 3600.');
  return n;
}

/** A version as the fleet's migrations name it; the contract's rule, so the CLI refuses what the host would. */
function version(value: string): string {
  if (!schemaVersion.safeParse(value).success) throw new InvalidArgumentError('a version as the migrations name it (1.2.0, 20240320080000, 3).');
  return value;
}

const progressLine = (line: string) => process.stderr.write(`${escapeControls(line)}\n`);

/** A deployment named on the command line. */
function deploymentNamed(fleet: Fleet, name: string): Deployment {
  const found = fleet.deployments.find((d) => d.name === name);
  if (!found)
    throw new WardenError(
      'INVALID_INPUT',
      `${fleet.path} has no deployment named "${name}".`,
      `The deployments are: ${fleet.deployments.map((d) => d.name).join(', ')}.`,
    );
  return found;
}

const USAGE = 64;

/** Runs `work` with a signal that the first Ctrl-C aborts (the second quits at once). */
async function untilCtrlC<T>(whatStops: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const stopping = new AbortController();
  const onSigint = () => {
    if (stopping.signal.aborted) process.exit(130);
    process.stderr.write(`\nStopping: no other deployment starts, ${whatStops} (press Ctrl-C again to quit now)…\n`);
    stopping.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    return await work(stopping.signal);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** fleet verify / fleet backup: the worst deployment's exit code, and at least 2 (not done) when stopped before the end. */
function actionExitCode(report: FleetActionReport): number {
  const worst = report.worst === null ? 0 : FLEET_EXIT_CODE[report.worst];
  return report.stoppedBecause ? Math.max(worst, 2) : worst;
}

/** The fleet file and the deployments a command is about; a bad file or an empty group is a usage error. */
export function selectDeployments(options: FleetOptions, defaults: FleetDefaults): { fleet: Fleet; deployments: Deployment[] } {
  const fleet = loadFleet(defaults.userPath(options.fleet));
  const deployments = inGroup(fleet, options.group);
  if (deployments.length === 0) {
    const groups = [...new Set(fleet.deployments.map((d) => d.group))].join(', ');
    throw new WardenError('INVALID_INPUT', `No deployment of ${fleet.path} is in group "${options.group}".`, `The groups are: ${groups}.`);
  }
  for (const warning of plainHttpWarnings(deployments)) process.stderr.write(`${escapeControls(warning)}\n`);
  return { fleet, deployments };
}

export function clientOptions(options: FleetOptions, defaults: FleetDefaults): ClientOptions {
  return { defaultSchemaDir: defaults.userPath(options.schema) };
}

/** Prints one outcome (JSON or text) and sets the exit code; a refused fleet file is a usage error. */
export async function runFleet<T>(
  options: FleetOptions,
  action: () => Promise<{ document: T; render: (shown: T) => string; exitCode: number }>,
): Promise<void> {
  try {
    const outcome = await action();
    if (options.json) printEnvelope(successEnvelope(outcome.document, outcome.exitCode));
    else process.stdout.write(`${outcome.render(escapedForText(outcome.document))}\n`);
    process.exitCode = outcome.exitCode;
  } catch (err) {
    if (err instanceof Unreachable) {
      // A deployment the command needs (fleet compare) could not be asked: the fleet's exit code for unreachable.
      const unreachable = {
        code: 'UNREACHABLE' as const,
        message: err.message,
        hint: 'Check that its agent runs (and its SSH tunnel can be opened), then run the command again.',
      };
      if (options.json) printEnvelope(failureEnvelope(unreachable, FLEET_EXIT_CODE.unreachable));
      process.stderr.write(`${formatError(escapedForText(unreachable))}\n`);
      process.exitCode = FLEET_EXIT_CODE.unreachable;
      return;
    }
    const info =
      err instanceof WardenError
        ? err.toInfo()
        : {
            code: 'INTERNAL' as const,
            message: `Unexpected failure: ${(err as Error).message}`,
            hint: 'This is a bug in Schema Warden; please report it with the command you ran.',
          };
    const exitCode = info.code === 'INVALID_INPUT' || info.code === 'NOT_FOUND' ? USAGE : 2;
    if (options.json) printEnvelope(failureEnvelope(info, exitCode));
    process.stderr.write(`${formatError(escapedForText(info))}\n`);
    process.exitCode = exitCode;
  }
}

export function withFleetOptions(command: Command, defaults: FleetDefaults): Command {
  return command
    .requiredOption('--fleet <file>', 'the fleet file (JSON: deployments with name, group and file, url or ssh)')
    .option('--group <name>', 'only the deployments of this group')
    .option('--schema <dir>', 'schema folder of local files that do not name their own', defaults.schema)
    .option('--json', 'print one JSON document on stdout');
}

export function addFleetCommand(program: Command, defaults: FleetDefaults): void {
  const fleet = program.command('fleet').description('every deployment of a fleet file at once: status, verify, backup, compare, rolling migrate');

  withFleetOptions(
    fleet
      .command('status')
      .description(
        'every deployment worst first: status, version, pending steps, drift, last verified backup; exit code = the worst (3: unreachable or still waiting)',
      ),
    defaults,
  )
    .option(
      '--wait <seconds>',
      'how long to wait for the deployments; those that have not answered by then are reported as still waiting',
      waitSeconds,
      STATUS_WAIT_MS / 1000,
    )
    .action((o: FleetOptions & { wait: number }) =>
      runFleet(o, async () => {
        const { fleet: file, deployments } = selectDeployments(o, defaults);
        const report = await fleetStatus(file, deployments, clientOptions(o, defaults), { waitMs: Math.round(o.wait * 1000) });
        return { document: report, render: renderFleetStatus, exitCode: FLEET_EXIT_CODE[report.worst] };
      }),
    );

  withFleetOptions(
    fleet
      .command('verify')
      .description("every deployment's schema and SQLite's checks (quick_check, or integrity_check + foreign_key_check with --full); exit code = the worst"),
    defaults,
  )
    .option('--full', 'integrity_check and foreign_key_check instead of quick_check')
    .option('--parallel <n>', 'deployments checked at the same time', parallelCount, 4)
    .action((o: ParallelOptions & { full?: boolean }) =>
      runFleet(o, async () => {
        const { fleet: file, deployments } = selectDeployments(o, defaults);
        const report = await untilCtrlC('the checks under way are cancelled', (signal) =>
          fleetVerify(file, deployments, o.full ? 'full' : 'quick', o.parallel, clientOptions(o, defaults), progressLine, { signal }),
        );
        return { document: report, render: renderFleetAction, exitCode: actionExitCode(report) };
      }),
    );

  withFleetOptions(
    fleet.command('backup').description('a verified backup of every deployment, taken by each deployment itself; exit 2 if one fails, 3 if one is unreachable'),
    defaults,
  )
    .option('--parallel <n>', 'deployments backed up at the same time', parallelCount, 2)
    .action((o: ParallelOptions) =>
      runFleet(o, async () => {
        const { fleet: file, deployments } = selectDeployments(o, defaults);
        const report = await untilCtrlC('the backups under way are cancelled and leave no file', (signal) =>
          fleetBackup(file, deployments, o.parallel, clientOptions(o, defaults), progressLine, { signal }),
        );
        return { document: report, render: renderFleetAction, exitCode: actionExitCode(report) };
      }),
    );

  fleet
    .command('compare')
    .description('the live schemas of two deployments, object by object (tables, columns, CHECKs, indexes, triggers, views); exit 1 if they differ')
    .argument('<a>', 'a deployment name')
    .argument('<b>', 'another deployment name')
    .requiredOption('--fleet <file>', 'the fleet file')
    .option('--schema <dir>', 'schema folder of local files that do not name their own', defaults.schema)
    .option('--json', 'print one JSON document on stdout')
    .action((a: string, b: string, o: FleetOptions) =>
      runFleet(o, async () => {
        const file = loadFleet(defaults.userPath(o.fleet));
        const pair = [deploymentNamed(file, a), deploymentNamed(file, b)];
        for (const warning of plainHttpWarnings(pair)) process.stderr.write(`${escapeControls(warning)}\n`);
        const comparison = await compareDeployments(pair[0], pair[1], clientOptions(o, defaults));
        return { document: comparison, render: renderComparison, exitCode: comparison.same ? 0 : 1 };
      }),
    );

  withFleetOptions(
    fleet
      .command('migrate')
      .description(
        'rolling migrate: rehearse on every deployment first, then the canary (migrated and verified), then the rest N at a time; halts at the first failure',
      ),
    defaults,
  )
    .requiredOption('--to <version>', 'the version to roll out', version)
    .option('--canary <name>', 'the deployment migrated and verified first (default: the first that needs it)')
    .option('--parallel <n>', 'deployments migrated at the same time after the canary', parallelCount, 1)
    .action((o: ParallelOptions & { to: string; canary?: string }) =>
      runFleet(o, async () => {
        const { fleet: file, deployments } = selectDeployments(o, defaults);
        const stopping = new AbortController();
        const onSigint = () => {
          if (stopping.signal.aborted) process.exit(130);
          process.stderr.write('\nStopping: the deployments being migrated finish, no other starts (press Ctrl-C again to quit now)…\n');
          stopping.abort();
        };
        process.on('SIGINT', onSigint);
        const report = await rollingMigrate(
          file,
          deployments,
          { to: o.to, canary: o.canary, parallel: o.parallel, onProgress: progressLine, signal: stopping.signal },
          clientOptions(o, defaults),
        ).finally(() => process.off('SIGINT', onSigint));
        const unreachable = report.deployments.some((d) => d.outcome === 'unreachable');
        // Completed is not healthy: a deployment the rollout left unhealthy makes it exit 2, as fleet status would.
        const unhealthy = unwellAfterRollout(report).some((d) => d.health?.status === 'unhealthy');
        return { document: report, render: renderRollout, exitCode: report.outcome === 'completed' ? (unhealthy ? 2 : 0) : unreachable ? 3 : 2 };
      }),
    );
}
