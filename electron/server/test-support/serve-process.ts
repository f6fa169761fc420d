import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../../engine/test-support/fixtures';

// A real `warden serve` in its own process (the CLI from source), ready once it has printed its addresses.

export const CLI = join(REPO_ROOT, 'electron/cli/main.ts');

export function serve(
  args: string[],
  env: Record<string, string> = {},
): { child: ChildProcess; stdout: () => string; stderr: () => string; ready: Promise<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'serve', ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env } });
  let out = '';
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('Press Ctrl-C to stop.')) resolve(out);
    });
    child.on('exit', (code) => reject(new Error(`warden serve exited with ${code}: ${err}`)));
  });
  return { child, stdout: () => out, stderr: () => err, ready };
}
