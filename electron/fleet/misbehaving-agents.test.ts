import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initialize } from '../engine/actions/initialize';
import { backup } from '../engine/actions/backup';
import { contextFor, SHIPPED_SCHEMA_DIR } from '../engine/test-support/fixtures';
import { startHttpHost, type HttpHost } from '../server/http-host';
import { suiteDir } from '../server/test-support/suite-dir';
import { ANSWER_LIMITS } from './agent-answers';
import { answerDeadlineMs, MAX_ANSWER_BYTES } from './deployment-client';
import { parseFleet } from './fleet-file';
import { fleetStatus } from './fleet-status';

// Agents that misbehave, as an outside tester met them: one that never answers, one that sends a
// byte every so often, one whose answer never ends, another program on the agent's port, and an
// agent that refuses the token. Each must come back as that deployment's "unreachable" with why,
// in bounded time and memory, while a real agent beside them is read as usual.

type Behaviour = (req: IncomingMessage, res: ServerResponse) => void;

const BEHAVIOURS: Record<string, Behaviour> = {
  silent: () => undefined,
  dripping: (req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    const drip = setInterval(() => res.write(' '), 200);
    req.socket.once('close', () => clearInterval(drip));
  },
  endless: (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    const chunk = Buffer.alloc(1024 * 1024, 32);
    const pour = () => {
      while (!res.destroyed && res.write(chunk));
      if (!res.destroyed) res.once('drain', pour);
    };
    pour();
  },
  'other-tool': (_req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"status":"ok"}'),
  'ok-without-result': (_req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}'),
};

describe('fleet status with agents that misbehave', () => {
  const folder = suiteDir();
  const servers: Server[] = [];
  const origins: Record<string, string> = {};
  let agent: HttpHost;
  const TOKEN = 'the-fleet-token-for-misbehaving-agents';

  beforeAll(async () => {
    for (const [name, behave] of Object.entries(BEHAVIOURS)) {
      const server = createServer(behave);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      servers.push(server);
      origins[name] = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    }
    await initialize(contextFor(join(folder.path, 'real.db')));
    await backup(contextFor(join(folder.path, 'real.db'))); // backed up: healthy, not 'not backed up'
    agent = await startHttpHost({
      databases: [join(folder.path, 'real.db')],
      schemaDir: SHIPPED_SCHEMA_DIR,
      port: 0,
      rendererDir: join(folder.path, 'none'),
      healthIntervalMs: 60_000,
      workers: 1,
    });
    process.env.WARDEN_MISBEHAVING_FLEET_TOKEN = TOKEN;
    process.env.WARDEN_MISBEHAVING_REAL_TOKEN = agent.token;
  });
  afterAll(async () => {
    for (const server of servers) server.closeAllConnections(), server.close();
    await agent.close();
    folder.remove();
  });

  it('reports each as unreachable with why, and reads the real agent beside them', async () => {
    const fleet = parseFleet(
      {
        deployments: [
          ...Object.keys(BEHAVIOURS)
            .filter((name) => name !== 'endless')
            .map((name) => ({ name, url: origins[name], tokenEnv: 'WARDEN_MISBEHAVING_FLEET_TOKEN' })),
          // The real agent, given a token it does not hold.
          { name: 'wrong-token', url: agent.origin, tokenEnv: 'WARDEN_MISBEHAVING_FLEET_TOKEN' },
          { name: 'real', url: agent.origin, tokenEnv: 'WARDEN_MISBEHAVING_REAL_TOKEN', database: 'real' },
          // A database the agent does not serve: the fleet file is wrong, the database is not unhealthy.
          { name: 'no-such-database', url: agent.origin, tokenEnv: 'WARDEN_MISBEHAVING_REAL_TOKEN', database: 'nope' },
        ],
      },
      join(folder.path, 'fleet.json'),
    );
    const report = await fleetStatus(fleet, fleet.deployments, { defaultSchemaDir: SHIPPED_SCHEMA_DIR, quickTimeoutMs: 3000 }, { waitMs: 30_000 });
    const why = Object.fromEntries(report.deployments.map((d) => [d.name, `${d.status}: ${d.reason}`]));
    expect(why).toEqual({
      silent: `unreachable: ${origins.silent} did not answer listDatabases (no complete answer in 3 s).`,
      dripping: `unreachable: ${origins.dripping} did not answer listDatabases (no complete answer in 3 s).`,
      'other-tool': `unreachable: ${origins['other-tool']} answered listDatabases with HTTP 200 and no Schema Warden answer: is it a warden serve agent?`,
      'ok-without-result': `unreachable: ${origins['ok-without-result']} answered listDatabases with HTTP 200 and no Schema Warden answer: is it a warden serve agent?`,
      'wrong-token': `unreachable: ${agent.origin} refused the token from the environment variable WARDEN_MISBEHAVING_FLEET_TOKEN (HTTP 401): it is neither of that agent's tokens. Put the agent's operator token there (the one its --token-file or $WARDEN_TOKEN holds).`,
      real: 'healthy: At 1.2.0, the latest version; the schema is as expected.',
      'no-such-database': `unreachable: ${agent.origin}: No database has the id "nope" here (known: real); check "database" in the fleet file.`,
    });
    // That one stuck agent does not hold up the report is status-wait.test.ts's (by order of events, not by the clock).
    expect(JSON.stringify(report)).not.toContain(TOKEN);
  }, 30_000);

  it('stops reading an answer that never ends, before it fills the memory', async () => {
    const fleet = parseFleet(
      { deployments: [{ name: 'endless', url: origins.endless, tokenEnv: 'WARDEN_MISBEHAVING_FLEET_TOKEN' }] },
      join(folder.path, 'fleet.json'),
    );
    const rssBefore = process.memoryUsage().rss;
    const report = await fleetStatus(fleet, fleet.deployments, { defaultSchemaDir: SHIPPED_SCHEMA_DIR, quickTimeoutMs: 25_000 }, { waitMs: 30_000 });
    const cap = ANSWER_LIMITS.listDatabases.bytes;
    expect(report.deployments[0].reason).toBe(
      `${origins.endless} did not answer listDatabases (its answer ran past ${cap / 1024 / 1024} MB, more than this call ever needs).`,
    );
    // Before: 5 GB of RSS in 20 s and counting, until the process died.
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(2 * MAX_ANSWER_BYTES);
  }, 30_000);

  it('gives reads a short deadline and long operations a long one', () => {
    expect(answerDeadlineMs('status')).toBe(20_000);
    expect(answerDeadlineMs('backups')).toBe(20_000);
    expect(answerDeadlineMs('migrate')).toBe(30 * 60_000);
    expect(answerDeadlineMs('verify', { timeoutMs: 5 })).toBe(5);
  });
});
