import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module script without types
import { buildCli } from '../../scripts/build-cli.mjs';
import { REPO_ROOT, tempDir } from '../engine/test-support/fixtures';
import { finished, resultOf, runCli, spawnCli } from '../engine/test-support/cli';
import { request } from '../server/test-support/http-client';
import packageJson from '../../package.json' with { type: 'json' };

// The CLI that ships (package.json "bin", built by scripts/build-cli.mjs): the same commands as
// the sources, from the bundle. Built under out/ so it finds the schemas and the console as the
// real build does (two folders up).

const OUT = join(REPO_ROOT, 'out', `cli-test-${process.pid}`);
let cli: string[];

beforeAll(async () => {
  cli = [await buildCli(OUT)];
}, 60_000);

afterAll(() => rmSync(OUT, { recursive: true, force: true }));

describe('the bundled warden CLI', () => {
  it('initializes a fresh database with the shipped schema and reports it', () => {
    const db = join(tempDir(), 'fresh.db');
    const init = runCli(['init', '--db', db], cli);
    expect(init.stderr).not.toMatch(/Error|warning/i);
    expect(init.code).toBe(0);
    // Never backed up: it needs attention (exit 1) until a verified backup is taken.
    const status = runCli(['status', '--db', db, '--json'], cli);
    expect(status.code).toBe(1);
    expect(resultOf(status)).toMatchObject({
      version: '1.2.0',
      status: 'degraded',
      reason: 'Not backed up: there is no verified backup of this database.',
    });
    expect(runCli(['backup', '--db', db], cli).code).toBe(0);
    const backedUp = runCli(['status', '--db', db, '--json'], cli);
    expect(backedUp.code).toBe(0);
    expect(resultOf(backedUp)).toMatchObject({ version: '1.2.0', status: 'healthy' });
    expect(runCli(['--version'], cli).stdout.trim()).toBe(packageJson.version);
  });

  it('loads zod/mini with its English messages only: not the full API, not the other locales', () => {
    // esbuild marks each inlined module with a "// node_modules/…" line.
    const inlined = readdirSync(OUT)
      .filter((name) => name.endsWith('.mjs'))
      .flatMap((name) => readFileSync(join(OUT, name), 'utf8').match(/^\/\/ (?:\.\.\/\S*?)?node_modules\/zod\/\S+/gm) ?? [])
      // A checkout whose node_modules is a link to another one's (a git worktree) sees it as ../<that>/node_modules.
      .map((line) => line.replace(/^\/\/ \S*?node_modules\//, '// node_modules/'));
    expect(inlined).toContain('// node_modules/zod/v4/locales/en.js');
    expect(inlined.filter((m) => /\/locales\/(?!en\.js)|\/v4\/classic\//.test(m))).toEqual([]);
  });

  it('serves the console with its bundled engine worker', async () => {
    const db = join(tempDir(), 'served.db');
    expect(runCli(['init', '--db', db], cli).code).toBe(0);
    expect(runCli(['backup', '--db', db], cli).code).toBe(0); // backed up: healthy, not 'not backed up'
    const child = spawnCli(['serve', '--db', db, '--port', '0'], cli);
    const run = finished(child);
    let printed = '';
    const origin = await new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', (c: Buffer) => {
        printed += c.toString();
        const url = /Console: (http:\/\/127\.0\.0\.1:\d+)\//.exec(printed)?.[1];
        if (url && printed.includes('Press Ctrl-C to stop.')) resolve(url);
      });
      child.on('exit', (code) => reject(new Error(`warden serve exited with ${code}`)));
    });
    // The health check runs in an engine worker thread: a 200 naming the version proves the bundled worker started.
    const health = await request(origin, '/api/health');
    expect(health.status).toBe(200);
    expect(health.json.components.database.served).toBe('healthy');
    child.kill('SIGTERM');
    const { code, stderr } = await run;
    expect(stderr.trim()).toBe('Stopping…'); // and nothing else: no error from the worker
    expect(code).toBe(0);
  });
});
