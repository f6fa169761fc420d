import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initialize } from '../engine/actions/initialize';
import { contextFor, sha256File, SHIPPED_SCHEMA_DIR } from '../engine/test-support/fixtures';
import { loadFleet } from '../fleet/fleet-file';
import { sshdUnavailable, startSshd, type SshServer } from '../fleet/test-support/sshd';
import { startHttpHost, type HttpHost } from './http-host';
import { request } from './test-support/http-client';
import { suiteDir } from './test-support/suite-dir';

// The fleet proxy of `warden serve --fleet` when a deployment misbehaves, as an outside tester
// tried it: a stuck agent, another program on the agent's port, an agent that refuses the token
// the fleet file points at (and the token file mended afterwards), the host's read-only token
// trying every operator method on an agent whose operator token the host holds, and an SSH
// tunnel that dies under the host (the VM rebooted).

const unavailable = sshdUnavailable();

describe('warden serve --fleet: deployments that misbehave, through the host', () => {
  const folder = suiteDir();
  const dir = folder.path;
  const servers: Server[] = [];
  let agent: HttpHost;
  let host: HttpHost;
  let sshd: SshServer | null = null;

  const listen = async (server: Server) => {
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };

  beforeAll(async () => {
    await initialize(contextFor(join(dir, 'remote.db')), { to: '1.0.0' });
    agent = await startHttpHost({
      databases: [join(dir, 'remote.db')],
      schemaDir: SHIPPED_SCHEMA_DIR,
      port: 0,
      rendererDir: join(dir, 'none'),
      healthIntervalMs: 60_000,
      workers: 1,
    });
    writeFileSync(join(dir, 'agent.token'), agent.token, { mode: 0o600 });
    writeFileSync(join(dir, 'stale.token'), 'a-token-the-agent-never-had-0123', { mode: 0o600 });
    const stuck = await listen(createServer(() => undefined));
    const otherTool = await listen(createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"status":"ok"}')));
    const deployments: object[] = [
      { name: 'remote', url: agent.origin, tokenFile: 'agent.token' },
      { name: 'stale', url: agent.origin, tokenFile: 'stale.token', database: 'remote' },
      { name: 'stuck', url: stuck, tokenFile: 'agent.token' },
      { name: 'other-tool', url: otherTool, tokenFile: 'agent.token' },
    ];
    if (!unavailable) {
      mkdirSync(join(dir, 'ssh'));
      sshd = await startSshd(join(dir, 'ssh'));
      deployments.push({
        name: 'tunnelled',
        ssh: { host: '127.0.0.1', port: sshd.port, user: sshd.user, identityFile: sshd.identityFile, knownHostsFile: sshd.knownHostsFile },
        remotePort: Number(new URL(agent.origin).port),
        tokenFile: 'agent.token',
      });
    }
    writeFileSync(join(dir, 'fleet.json'), JSON.stringify({ deployments }));
    host = await startHttpHost({
      databases: [],
      dataDir: dir,
      schemaDir: SHIPPED_SCHEMA_DIR,
      port: 0,
      rendererDir: join(dir, 'none'),
      healthIntervalMs: 60_000,
      workers: 1,
      fleet: { fleet: loadFleet(join(dir, 'fleet.json')), defaultSchemaDir: SHIPPED_SCHEMA_DIR, deadlines: { quickTimeoutMs: 2500 } },
    });
  }, 60_000);
  afterAll(async () => {
    await host.close();
    await agent.close();
    for (const server of servers) server.closeAllConnections(), server.close();
    await sshd?.stop();
    folder.remove();
  });

  const viaFleet = (name: string, method: string, input: unknown, token = host.token) =>
    request(host.origin, `/fleet/${name}/api/${method}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(input),
    });

  it('answers for a stuck agent within its deadline, and for another program on the port, as unreachable (502) with why', async () => {
    const started = performance.now();
    const stuck = await viaFleet('stuck', 'status', { db: 'x' });
    expect(performance.now() - started).toBeLessThan(6_000);
    expect([stuck.status, stuck.json.error.message]).toEqual([
      502,
      'The deployment stuck cannot be reached: stuck did not answer status (no complete answer in 3 s).',
    ]);
    const other = await viaFleet('other-tool', 'status', { db: 'x' });
    expect(other.status).toBe(502);
    expect(other.json.error.message).toMatch(
      /^The deployment other-tool cannot be reached: http:\/\/127\.0\.0\.1:\d+ answered status with HTTP 200 and no Schema Warden answer: is it a warden serve agent\?$/,
    );
  });

  it("says the fleet file's token was refused (not this console's), names its file, and reads it again once mended", async () => {
    const refused = await viaFleet('stale', 'status', { db: 'remote' });
    // 401 would tell the console its own token is wrong; it is the deployment that cannot be reached.
    expect(refused.status).toBe(502);
    expect(refused.json.error.message).toBe(
      `The deployment stale cannot be reached: ${agent.origin} refused the token from the file ${join(dir, 'stale.token')} (HTTP 401): it is neither of that agent's tokens. Put the agent's operator token there (the one its --token-file or $WARDEN_TOKEN holds).`,
    );
    expect(refused.text).not.toContain('a-token-the-agent-never-had');
    writeFileSync(join(dir, 'stale.token'), agent.token, { mode: 0o600 });
    expect((await viaFleet('stale', 'status', { db: 'remote' })).json.result).toMatchObject({ version: '1.0.0' });
  });

  it("refuses every operator method to the host's read-only token before the agent hears of it", async () => {
    const before = sha256File(join(dir, 'remote.db'));
    const operatorOnly = [
      'migrate',
      'initialize',
      'backup',
      'restore',
      'repair',
      'recoverRows',
      'acceptChecksum',
      'baseline',
      'query',
      'rehearse',
      'cancel',
      'salvage',
    ];
    for (const method of operatorOnly) {
      const reply = await viaFleet('remote', method, { db: 'remote', to: '1.2.0', sql: 'SELECT 1', operationId: 'x' }, host.readOnlyToken);
      expect([method, reply.status, reply.json?.error?.code]).toEqual([method, 403, 'FORBIDDEN']);
    }
    // An encoded "..": the URL parser makes it this host's own /api/migrate, where the read-only token is refused just the same.
    const traversal = await request(host.origin, '/fleet/%2e%2e/api/migrate', {
      method: 'POST',
      headers: { Authorization: `Bearer ${host.readOnlyToken}`, 'Content-Type': 'application/json' },
      body: '{"db":"remote"}',
    });
    expect(traversal.status).toBe(403);
    expect(sha256File(join(dir, 'remote.db'))).toBe(before);
    expect(existsSync(join(dir, 'remote.db.backups'))).toBe(false);
    const jobs = (
      await request(agent.origin, '/api/jobs', {
        method: 'POST',
        headers: { Authorization: `Bearer ${agent.token}`, 'Content-Type': 'application/json' },
        body: '{}',
      })
    ).json.result as unknown[];
    expect(jobs).toEqual([]);
  });

  it("does not pass a fleet's own calls on to a deployment (the agent's fleet is not this host's)", async () => {
    for (const method of ['fleetMigrate', 'fleetStatus']) {
      const reply = await viaFleet('remote', method, { to: '1.2.0', parallel: 1 });
      // Answered by this host, not the agent ("This host has no fleet to migrate" would be the agent's word).
      expect([reply.status, reply.json.error.message]).toEqual([501, `${method} is not available on a fleet deployment opened in this console.`]);
    }
  });

  it.skipIf(unavailable !== null)(
    'opens a new SSH tunnel when the old one died (the VM rebooted), instead of failing until the host restarts',
    async () => {
      expect((await viaFleet('tunnelled', 'status', { db: 'remote' })).json.result).toMatchObject({ version: '1.0.0' });
      // The tunnel's ssh is this test process's child: end it, as a dropped connection would.
      const children = execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)], { encoding: 'utf8' });
      const ssh = children
        .split('\n')
        .map((l) => l.trim().split(/\s+/))
        .filter(([, comm]) => comm === 'ssh');
      expect(ssh).toHaveLength(1);
      process.kill(Number(ssh[0][0]), 'SIGKILL');
      await new Promise((r) => setTimeout(r, 300));
      const again = await viaFleet('tunnelled', 'status', { db: 'remote' });
      expect([again.status, again.json.result?.version ?? again.json.error?.message]).toEqual([200, '1.0.0']);
    },
    30_000,
  );
});
