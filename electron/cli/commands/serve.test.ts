import { execFileSync, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from '../../engine/test-support/fixtures';
import { callApi, request } from '../../server/test-support/http-client';
import { CLI, serve } from '../../server/test-support/serve-process';

// `warden serve` as a user runs it: the real CLI in its own process.

const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

describe('warden serve', () => {
  it('prints its console URL with a token, answers health, and stops cleanly on SIGTERM', async () => {
    const db = join(tempDir(), 'served.db');
    const server = serve(['--db', db, '--port', '0', '--health-interval', '0.1']);
    const printed = await server.ready;
    const consoleUrl = /Console: (http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43})/.exec(printed)?.[1];
    expect(consoleUrl).toBeDefined();
    expect(printed).toContain(`served  ${db}`);
    const origin = new URL(consoleUrl!).origin;
    const health = await request(origin, '/api/health');
    expect(health.status).toBe(200);
    expect(health.json.components.database.served).toBe('not_initialized'); // serve initializes nothing by itself
    expect(server.stderr()).toBe('');
    const code = exited(server.child);
    server.child.kill('SIGTERM');
    expect(await code).toBe(0);
  });

  it('warns when it listens beyond this machine', async () => {
    const server = serve(['--db', join(tempDir(), 'x.db'), '--port', '0', '--host', '0.0.0.0']);
    await server.ready;
    expect(server.stderr()).toMatch(/^warning: listening on 0\.0\.0\.0, not only on this machine/);
    const code = exited(server.child);
    server.child.kill('SIGINT');
    expect(await code).toBe(0);
  });

  it('refuses an operator name that could not be recorded as a usage error (exit 64)', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'serve', '--operator', 'alice\nbob'], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(result.status).toBe(64);
    expect(result.stderr).toMatch(/a name of 1 to 64 letters, digits, spaces or \. _ ' @ -/);
  });

  it('takes its operator token from $WARDEN_TOKEN and its read-only token from a file, and refuses a bad token file', async () => {
    const dir = tempDir();
    const operator = 'operator-token-from-the-environment';
    const readOnly = 'read-only-token-from-a-file';
    writeFileSync(join(dir, 'ro.token'), `${readOnly}\n`, { mode: 0o600 });
    const server = serve(['--db', join(dir, 'x.db'), '--port', '0', '--read-only-token-file', join(dir, 'ro.token')], { WARDEN_TOKEN: operator });
    const printed = await server.ready;
    // Tokens the user gave are named by where they came from, never printed (README: "printed, unless given").
    expect(printed).not.toContain(operator);
    expect(printed).not.toContain(readOnly);
    expect(printed).toContain('Authorization: Bearer <the operator token from the environment variable WARDEN_TOKEN>');
    expect(printed).toContain(`Read-only token (view and verify; no changes, backups, restores or queries): the one from ${join(dir, 'ro.token')}`);
    const origin = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(printed)![1];
    expect((await callApi(origin, readOnly, 'status', { db: 'x' })).status).toBe(200);
    expect((await callApi(origin, readOnly, 'initialize', { db: 'x' })).status).toBe(403);
    expect((await callApi(origin, operator, 'initialize', { db: 'x' })).status).toBe(200);
    const code = exited(server.child);
    server.child.kill('SIGTERM');
    expect(await code).toBe(0);

    writeFileSync(join(dir, 'short.token'), 'abc', { mode: 0o600 });
    const refused = spawnSync(
      process.execPath,
      ['--import', 'tsx', CLI, 'serve', '--db', join(dir, 'x.db'), '--port', '0', '--token-file', join(dir, 'short.token')],
      { cwd: REPO_ROOT, encoding: 'utf8' },
    );
    expect(refused.status).toBe(64);
    expect(refused.stderr).toContain(`The token in ${join(dir, 'short.token')} is not usable`);

    // The fleet's rule on the agent's side too: an operator token every user of the machine can read is refused (ssh's rule for keys).
    writeFileSync(join(dir, 'open.token'), 'an-operator-token-anyone-can-read', { mode: 0o644 });
    chmodSync(join(dir, 'open.token'), 0o644);
    const open = spawnSync(
      process.execPath,
      ['--import', 'tsx', CLI, 'serve', '--db', join(dir, 'x.db'), '--port', '0', '--token-file', join(dir, 'open.token')],
      { cwd: REPO_ROOT, encoding: 'utf8' },
    );
    expect(open.status).toBe(64);
    expect(open.stderr).toContain(`The token file ${join(dir, 'open.token')} can be read or changed by other users (permissions 0644), so it is not used.`);
    expect(open.stderr).not.toContain('an-operator-token-anyone-can-read');

    // A pipe is still taken (`--token-file <(pass show warden)` keeps the token off the disk).
    execFileSync('mkfifo', ['-m', '600', join(dir, 'pipe.token')]);
    void writeFile(join(dir, 'pipe.token'), 'an-operator-token-from-a-pipe');
    const piped = serve(['--db', join(dir, 'x.db'), '--port', '0', '--token-file', join(dir, 'pipe.token')]);
    const pipedPrinted = await piped.ready;
    expect(pipedPrinted).not.toContain('an-operator-token-from-a-pipe');
    const pipedOrigin = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(pipedPrinted)![1];
    expect((await callApi(pipedOrigin, 'an-operator-token-from-a-pipe', 'status', { db: 'x' })).status).toBe(200);
    const pipedExit = exited(piped.child);
    piped.child.kill('SIGTERM');
    await pipedExit;
  });

  it('refuses a bad port as a usage error (exit 64)', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'serve', '--port', 'eighty'], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(result.status).toBe(64);
    expect(result.stderr).toMatch(/a port is a whole number from 0 to 65535/);
  });
});
