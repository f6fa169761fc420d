import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// Starts the real web host, `warden serve --db … --port 0`, and reads the URL (with its token)
// it prints. Everything else in the specs goes through the browser, like a user would.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TSX = resolve(ROOT, 'node_modules/tsx/dist/cli.mjs');
const CLI = resolve(ROOT, 'electron/cli/main.ts');
const URL_WITH_TOKEN = /https?:\/\/\S+[?&]token=[\w-]+/;

/** Where the specs put their screenshots: the README shows them. */
export const SCREENSHOTS = resolve(ROOT, 'docs/screenshots');

/** The referee: the sqlite3 shell's answer to `sql` on `path`, trimmed. */
export function sqlite(path: string, sql: string): string {
  return execFileSync('sqlite3', [path, sql], { encoding: 'utf8' }).trim();
}

export function warden(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [TSX, CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `warden init` of a database at `version` (latest by default); a failure stops the spec with warden's words. */
export function initAt(path: string, version?: string): void {
  const result = warden(['init', '--db', path, ...(version ? ['--to', version] : [])]);
  if (result.status !== 0) throw new Error(`warden init ${path} failed: ${result.stderr}`);
}

/** `warden backup` of a database: a database never backed up needs attention (degraded), so a spec that wants it healthy backs it up. */
export function backUp(path: string): string {
  const result = warden(['backup', '--db', path, '--json']);
  if (result.status !== 0) throw new Error(`warden backup ${path} failed: ${result.stderr}`);
  return (JSON.parse(result.stdout) as { result: { path: string } }).result.path; // the --json envelope (README)
}

/** Why the specs cannot run yet, or null when this checkout's CLI has a `serve` command. */
export function whyServeIsUnavailable(): string | null {
  const help = warden(['--help']);
  return /^\s+serve\b/m.test(help.stdout) ? null : 'this checkout has no `warden serve` yet (the web host of issue 5 has not landed)';
}

export interface RunningHost {
  url: string;
  stop(): void;
}

/** `warden serve` prints a token only when it made it: one given (`--token-file`) is passed here, and the URL is made with it. */
export async function startWardenServe(dbPaths: string[], extraArgs: string[] = [], givenToken?: string): Promise<RunningHost> {
  const child: ChildProcess = spawn(process.execPath, [TSX, CLI, 'serve', ...dbPaths.flatMap((p) => ['--db', p]), '--port', '0', ...extraArgs], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stop = () => {
    if (child.pid && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
  };
  let output = '';
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`warden serve printed no URL within 30 s:\n${output}`)), 30_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const origin = /serving .* at (https?:\/\/\S+)/.exec(output)?.[1];
      const found = givenToken === undefined ? URL_WITH_TOKEN.exec(output)?.[0] : origin && `${origin}/?token=${givenToken}`;
      if (found) {
        clearTimeout(timer);
        resolveUrl(found);
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`warden serve exited with ${code}:\n${output}`));
    });
  }).catch((err: unknown) => {
    stop();
    throw err;
  });
  return { url, stop };
}

/** A fleet's agent: `warden serve` of `dbPaths` whose operator token only `tokenFile` holds (the fleet file names it). */
export function startAgent(dbPaths: string[], tokenFile: string): Promise<RunningHost> {
  const token = randomBytes(24).toString('base64url');
  writeFileSync(tokenFile, token, { mode: 0o600 });
  return startWardenServe(dbPaths, ['--token-file', tokenFile], token);
}
