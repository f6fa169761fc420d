import { type ChildProcess, spawn } from 'node:child_process';
import type { BenchEnv } from './figures';

// `warden serve` of the bundled CLI for a figure that needs a host (the console, the attacks):
// started on 127.0.0.1 with a free port, answered once it prints where it listens.

const START_TIMEOUT_MS = 60_000;

export interface ServedHost {
  child: ChildProcess;
  port: number;
  /** The console's address with its token, when the host printed one (it prints only tokens it made). */
  url: string | null;
}

/** Starts `warden serve` with `args` (its databases, schema and options) and waits until it prints its address. */
export function startWardenServe(env: BenchEnv, args: string[], extraEnv: Record<string, string> = {}): Promise<ServedHost> {
  const child = spawn(process.execPath, [...env.wardenCli.slice(1), 'serve', '--host', '127.0.0.1', '--port', '0', ...args], {
    cwd: env.repoRoot,
    env: { ...process.env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`warden serve printed no URL in ${START_TIMEOUT_MS / 1000} s:\n${output}`)), START_TIMEOUT_MS);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const port = /http:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1];
      // The token line follows the address line: wait for it where the host makes its own token.
      const url = /https?:\/\/\S+[?&]token=[\w-]+/.exec(output)?.[0] ?? null;
      if (port && (url || extraEnv.WARDEN_TOKEN)) {
        clearTimeout(timer);
        resolve({ child, port: Number(port), url });
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.on('exit', (code) => reject(new Error(`warden serve exited (${code}) before it listened:\n${output}`)));
  });
}
