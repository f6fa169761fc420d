import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { ErrorInfo } from '../../../shared/errors';
import type { JsonEnvelope } from '../../cli/json-envelope';
import { REPO_ROOT } from './fixtures';

// The real `warden` command in a child process, as a service's start-up script would run it.

/** Node's arguments for the CLI from its TypeScript sources, as `npm run warden` runs it. */
export const SOURCE_CLI = ['--import', 'tsx', join(REPO_ROOT, 'electron/cli/main.ts')];

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The signal that ended it, when one did (Ctrl-C: SIGINT). */
  signal?: NodeJS.Signals | null;
}

export function runCli(args: string[], cli: string[] = SOURCE_CLI): CliRun {
  const result = spawnSync(process.execPath, [...cli, ...args], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, INIT_CWD: '' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function spawnCli(args: string[], cli: string[] = SOURCE_CLI): ChildProcess {
  return spawn(process.execPath, [...cli, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Resolves with the exit code and output of a spawned CLI process. */
export function finished(child: ChildProcess): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, stdout, stderr, signal })));
}

/** What a `--json` run printed: its envelope (electron/cli/json-envelope.ts). */
export function envelopeOf(run: Pick<CliRun, 'stdout'>): JsonEnvelope<unknown> {
  return JSON.parse(run.stdout) as JsonEnvelope<unknown>;
}

/** The result of a `--json` run that succeeded; a run that failed fails the test with its error. */
export function resultOf<T = any>(run: Pick<CliRun, 'stdout'>): T {
  const envelope = envelopeOf(run);
  if (!envelope.ok) throw new Error(`The command failed: ${JSON.stringify(envelope.error)}`);
  return envelope.result as T;
}

/** The error of a `--json` run that failed; a run that succeeded fails the test. */
export function errorOf(run: Pick<CliRun, 'stdout'>): ErrorInfo {
  const envelope = envelopeOf(run);
  if (envelope.ok) throw new Error(`The command succeeded (${envelope.command}), where it should have failed.`);
  return envelope.error;
}
