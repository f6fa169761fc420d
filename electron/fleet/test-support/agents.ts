import { spawn, type ChildProcess } from 'node:child_process';
import { SOURCE_CLI } from '../../engine/test-support/cli';
import { REPO_ROOT } from '../../engine/test-support/fixtures';

// Real `warden serve` agents for the fleet tests: each its own process on a loopback port of its
// own, with tokens the test chose (given through the environment, as a fleet operator would).

export interface Agent {
  origin: string;
  port: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

export function startAgent(dbPath: string, tokens: { operator: string; readOnly: string }): Promise<Agent> {
  const child = spawn(process.execPath, [...SOURCE_CLI, 'serve', '--db', dbPath, '--port', '0', '--health-interval', '1'], {
    cwd: REPO_ROOT,
    env: { ...process.env, WARDEN_TOKEN: tokens.operator, WARDEN_READ_ONLY_TOKEN: tokens.readOnly },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const origin = /at (http:\/\/127\.0\.0\.1:(\d+))/.exec(out);
      if (origin && out.includes('Press Ctrl-C to stop.')) {
        resolve({
          origin: origin[1],
          port: Number(origin[2]),
          child,
          async stop() {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
            await exited;
          },
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`warden serve for ${dbPath} exited with ${code}: ${err}`)));
  });
}
