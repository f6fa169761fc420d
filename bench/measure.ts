import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SideResult } from './figures';

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
  /** Called once the process is started (its pid is GNU time's; see childPidOf). */
  onSpawn?: (child: ChildProcess) => void;
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
  const child = spawn(GNU_TIME, ['-f', '%U %S %M', '-o', timeFile, ...argv], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(options.input ?? '');
  options.onSpawn?.(child);
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

/** Nearest-rank percentile (p from 0 to 100) of values sorted ascending. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
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

/** The pid of the process GNU time (`pid`) runs: the one to signal, or to read /proc of. */
export function childPidOf(pid: number): number | null {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    return children.length ? Number(children[0]) : null;
  } catch {
    return null;
  }
}

/** One measured run of one side. */
export interface Run {
  ms: number;
  cpuMs: number;
  maxRssKb: number;
}

/** A process measurement as one run of a side: its wall time, start-up included. */
export function wholeProcess(m: Measurement): Run {
  return { ms: m.wallMs, cpuMs: m.cpuMs, maxRssKb: m.maxRssKb };
}

/**
 * A child that times the engine call itself and prints `{"ms", "cpuMs", …}` as its last line
 * (bench/engine-task.ts): the call's time, and the peak memory of the whole process from GNU time.
 */
export function engineCall(m: Measurement): Run {
  const parsed = JSON.parse(lastLine(m)) as { ms: number; cpuMs: number };
  return { ms: parsed.ms, cpuMs: parsed.cpuMs, maxRssKb: m.maxRssKb };
}

/** What the engine-task child reported its call returned. */
export function outcomeOf(m: Measurement): string {
  return (JSON.parse(lastLine(m)) as { outcome: string }).outcome;
}

function lastLine(m: Measurement): string {
  return m.stdout.trim().split('\n').pop() || '{}';
}

export function sideResult(label: string, runs: Run[]): SideResult {
  return {
    label,
    ms: median(runs.map((r) => r.ms)),
    bestMs: Math.min(...runs.map((r) => r.ms)),
    cpuMs: median(runs.map((r) => r.cpuMs)),
    maxRssKb: Math.max(...runs.map((r) => r.maxRssKb)),
  };
}

export interface Sides {
  /** Untimed set-up before each run of either side (a fresh copy to migrate, no file to initialize). */
  prepare?: () => void;
  sides: { label: string; run: () => Run; check?: () => void }[];
}

/** Runs every side `runs` times, rotating which goes first, and returns each side's median. */
export function sideBySide(runs: number, { prepare, sides }: Sides): SideResult[] {
  const results = sides.map(() => [] as Run[]);
  for (let k = 0; k < runs; k++) {
    for (let j = 0; j < sides.length; j++) {
      const index = (j + k) % sides.length;
      prepare?.();
      results[index].push(sides[index].run());
      sides[index].check?.();
    }
  }
  return sides.map((side, index) => sideResult(side.label, results[index]));
}
