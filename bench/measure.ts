import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Measuring child processes: wall time from the parent, CPU time and peak memory (max RSS)
// from GNU time, so both sides of a comparison are measured the same way.

export const GNU_TIME = '/usr/bin/time';

export interface Measurement {
  /** Wall time of the whole process, start-up included. */
  wallMs: number;
  /** User + system CPU time of the process. */
  cpuMs: number;
  /** Peak resident memory of the process. */
  maxRssKb: number;
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string;
}

const timeDir = mkdtempSync(join(tmpdir(), 'warden-bench-time-'));
process.on('exit', () => rmSync(timeDir, { recursive: true, force: true }));
let timeFiles = 0;

function readGnuTime(file: string): { cpuMs: number; maxRssKb: number } {
  // "-f '%U %S %M'" writes one line at the end (after any "Command exited with non-zero status").
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  const [user, system, rss] = lines[lines.length - 1].split(' ').map(Number);
  return { cpuMs: Math.round((user + system) * 1000), maxRssKb: rss };
}

/** Runs `argv` to completion under GNU time. */
export function measureProcess(argv: string[], options: RunOptions = {}): Measurement {
  const timeFile = join(timeDir, `t${timeFiles++}`);
  const started = performance.now();
  const result = spawnSync(GNU_TIME, ['-f', '%U %S %M', '-o', timeFile, ...argv], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    input: options.input,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const wallMs = performance.now() - started;
  if (result.error) throw result.error;
  return { wallMs, ...readGnuTime(timeFile), exitCode: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Starts `argv` under GNU time without waiting: for races of many processes. */
export function startMeasuredProcess(argv: string[], options: RunOptions = {}): Promise<Measurement> {
  const timeFile = join(timeDir, `t${timeFiles++}`);
  const started = performance.now();
  const child = spawn(GNU_TIME, ['-f', '%U %S %M', '-o', timeFile, ...argv], { cwd: options.cwd, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(options.input ?? '');
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ wallMs: performance.now() - started, ...readGnuTime(timeFile), exitCode: code, stdout, stderr }));
  });
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Throws with the child's output when a measured run failed: a figure from a failed run is not a figure. */
export function expectSuccess(m: Measurement, what: string): Measurement {
  if (m.exitCode !== 0) throw new Error(`${what} exited with ${m.exitCode}:\n${m.stderr.slice(-2000)}${m.stdout.slice(-1000)}`);
  return m;
}

/** Reads the whole file so the page cache holds it: every side then starts warm. */
export function warmPageCache(path: string): void {
  spawnSync('cat', [path], { stdio: ['ignore', 'ignore', 'ignore'] });
}
