import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
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
