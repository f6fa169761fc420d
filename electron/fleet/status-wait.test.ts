import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeploymentStatus } from '../../shared/types/fleet';
import { backup } from '../engine/actions/backup';
import { initialize } from '../engine/actions/initialize';
import { contextFor, SHIPPED_SCHEMA_DIR } from '../engine/test-support/fixtures';
import { runCli } from '../engine/test-support/cli';
import { startHttpHost, type HttpHost } from '../server/http-host';
import { callApi } from '../server/test-support/http-client';
import { suiteDir } from '../server/test-support/suite-dir';
import { parseFleet, type Deployment } from './fleet-file';
import { fleetStatus, hostStatusAsking } from './fleet-status';
import { StatusAsking } from './status-asking';
import { readFileSync, writeFileSync } from 'node:fs';

// One hung agent held `fleet status` for its whole 20 s deadline (the CLI, the HTTP fleet API and
// the Fleet page alike). Now the status reports after a bounded wait: what has answered, and the
// rest named as still waiting; a host's next status has the answers that came late. The agents
// here are local HTTP servers: one that never answers, one that answers when the test lets it.

const AGENT_TOKEN = 'a-token-for-the-status-wait-agents';

/** A Schema Warden agent's answers to what fleet status asks, for one healthy database. */
function answerOf(path: string): unknown {
  if (path.endsWith('/listDatabases')) return [{ id: 'db' }];
  if (path.endsWith('/backups')) return [];
  return {
    exists: true,
    status: 'healthy',
    reason: 'At 1.2.0, the latest version.',
    version: '1.2.0',
    latest: '1.2.0',
    pending: [],
    problems: [],
    checkedAt: '2026-12-07T04:00:00.000Z',
  };
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; origin: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const states = (deployments: DeploymentStatus[]) => Object.fromEntries(deployments.map((d) => [d.name, d.status]));

describe('fleet status with a hung agent', () => {
  const folder = suiteDir();
  const dir = folder.path;
  let hung: { server: Server; origin: string };
  /** Sockets the hung agent saw closed: a status that has reported lets go of its asks. */
  const hungClosed: Promise<void>[] = [];
  let slow: { server: Server; origin: string };
  let letSlowAnswer: () => void = () => undefined;
  let slowGate: Promise<void> = Promise.resolve();
  const slowAsked: string[] = [];

  beforeAll(async () => {
    await initialize(contextFor(join(dir, 'local.db')));
    await backup(contextFor(join(dir, 'local.db'))); // backed up: healthy
    hung = await listen((req) => {
      hungClosed.push(new Promise((resolve) => req.socket.once('close', () => resolve())));
    });
    slow = await listen((req, res) => {
      slowAsked.push(req.url!);
      req
        .resume()
        .on(
          'end',
          () =>
            void slowGate.then(() => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ ok: true, result: answerOf(req.url!) }))),
        );
    });
    process.env.WARDEN_STATUS_WAIT_TOKEN = AGENT_TOKEN;
  });
  afterAll(() => {
    for (const { server } of [hung, slow]) server.closeAllConnections(), server.close();
    folder.remove();
  });

  const holdSlow = () => {
    slowGate = new Promise((resolve) => (letSlowAnswer = resolve));
  };

  it('reports what has answered after the wait, names the hung agent as still waiting, and lets go of it', async () => {
    const fleet = parseFleet(
      {
        deployments: [
          { name: 'hung', url: hung.origin, tokenEnv: 'WARDEN_STATUS_WAIT_TOKEN' },
          { name: 'local', file: 'local.db' },
        ],
      },
      join(dir, 'fleet.json'),
    );
    const report = await fleetStatus(fleet, fleet.deployments, { defaultSchemaDir: SHIPPED_SCHEMA_DIR }, { waitMs: 1000 });
    expect(states(report.deployments)).toEqual({ hung: 'waiting', local: 'healthy' });
    const waiting = report.deployments.find((d) => d.name === 'hung')!;
    expect(waiting.waitingSince).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(waiting.reason).toBe(
      `Still waiting: no answer within 1 s (asked at ${waiting.waitingSince}), and no earlier answer; give it longer with --wait SECONDS.`,
    );
    expect([waiting.address, report.worst]).toEqual([hung.origin, 'waiting']);
    // The CLI's status does not wait for it after reporting: its request is abandoned (else the process lives on for 20 s).
    expect(hungClosed).toHaveLength(1);
    await hungClosed[0];
  }, 15_000);

  it('stops an SSH tunnel that is not ready yet once it has reported, rather than waiting for it', async () => {
    // An ssh that never opens its tunnel (a VM that does not answer): it notes its pid and sleeps.
    const pidFile = join(dir, 'ssh.pid');
    const fakeSsh = join(dir, 'fake-ssh');
    writeFileSync(fakeSsh, `#!/bin/sh\necho $$ > '${pidFile}'\nexec sleep 60\n`, { mode: 0o700 });
    const fleet = parseFleet(
      { deployments: [{ name: 'vm', ssh: { host: 'vm.example', user: 'warden' }, remotePort: 7373, tokenEnv: 'WARDEN_STATUS_WAIT_TOKEN' }] },
      join(dir, 'fleet.json'),
    );
    const report = await fleetStatus(fleet, fleet.deployments, { defaultSchemaDir: SHIPPED_SCHEMA_DIR, sshCommand: fakeSsh }, { waitMs: 1000 });
    expect(states(report.deployments)).toEqual({ vm: 'waiting' });
    const pid = Number(readFileSync(pidFile, 'utf8'));
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    // Before, ssh was left to its own 20 s readiness deadline, and the CLI with it.
    while (alive()) await new Promise((resolve) => setTimeout(resolve, 50));
  }, 15_000);

  it("a host's next status has the answer that came late, without asking twice, and shows it while it asks again", async () => {
    const fleet = parseFleet(
      {
        deployments: [
          { name: 'slow', url: slow.origin, tokenEnv: 'WARDEN_STATUS_WAIT_TOKEN' },
          { name: 'local', file: 'local.db' },
        ],
      },
      join(dir, 'fleet.json'),
    );
    const asking = hostStatusAsking();
    const options = { defaultSchemaDir: SHIPPED_SCHEMA_DIR };
    holdSlow();
    const first = await fleetStatus(fleet, fleet.deployments, options, { asking, waitMs: 500 });
    expect(states(first.deployments)).toEqual({ slow: 'waiting', local: 'healthy' });
    expect(first.deployments[0].reason).toMatch(/and no earlier answer; the Fleet page shows its answer when it comes\.$/);
    // The next status finds the same ask under way (not a second one), which now answers.
    const second = fleetStatus(fleet, fleet.deployments, options, { asking, waitMs: 10_000 });
    letSlowAnswer();
    const answered = await second;
    expect(states(answered.deployments)).toEqual({ slow: 'healthy', local: 'healthy' });
    expect(answered.deployments.find((d) => d.name === 'slow')!.waitingSince).toBeUndefined();
    expect(slowAsked).toEqual(['/api/listDatabases', '/api/status', '/api/backups']);
    // Asked again and stuck this time: its last answer is shown, marked as waiting for a new one.
    holdSlow();
    const third = await fleetStatus(fleet, fleet.deployments, options, { asking, waitMs: 500 });
    const slowNow = third.deployments.find((d) => d.name === 'slow')!;
    expect([slowNow.status, slowNow.version, slowNow.checkedAt]).toEqual(['healthy', '1.2.0', '2026-12-07T04:00:00.000Z']);
    expect(slowNow.reason).toBe(
      `Still waiting: no answer within 0.5 s (asked at ${slowNow.waitingSince}); its last answer, checked at 2026-12-07T04:00:00.000Z, follows. At 1.2.0, the latest version.`,
    );
    letSlowAnswer();
  }, 30_000);

  it('the HTTP fleet API answers after its wait, with the hung agent still waiting', async () => {
    const fleet = parseFleet(
      {
        deployments: [
          { name: 'hung', url: hung.origin, tokenEnv: 'WARDEN_STATUS_WAIT_TOKEN' },
          { name: 'local', file: 'local.db' },
        ],
      },
      join(dir, 'fleet.json'),
    );
    const host: HttpHost = await startHttpHost({
      databases: [],
      schemaDir: SHIPPED_SCHEMA_DIR,
      port: 0,
      rendererDir: join(dir, 'none'),
      healthIntervalMs: 60_000,
      workers: 1,
      fleet: { fleet, defaultSchemaDir: SHIPPED_SCHEMA_DIR, deadlines: { statusWaitMs: 3000 } },
    });
    try {
      // The first status starts the host's engine worker (the local file) and its ask of the hung agent; the second finds that ask still under way.
      await callApi(host.origin, host.token, 'fleetStatus', {});
      const reply = await callApi(host.origin, host.token, 'fleetStatus', {});
      expect(reply.status).toBe(200);
      expect(states(reply.json.result.deployments)).toEqual({ hung: 'waiting', local: 'healthy' });
      expect(reply.json.result.deployments[0].reason).toMatch(/^Still waiting: no answer within 3 s .*the Fleet page shows its answer when it comes\.$/);
    } finally {
      await host.close();
    }
  }, 30_000);

  it('`warden fleet status --wait` reports the hung agent as WAITING, exit 3', () => {
    writeFileSync(
      join(dir, 'hung.json'),
      JSON.stringify({
        deployments: [
          { name: 'hung', url: hung.origin, tokenEnv: 'WARDEN_STATUS_WAIT_TOKEN' },
          { name: 'local', file: 'local.db' },
        ],
      }),
    );
    const run = runCli(['fleet', 'status', '--fleet', join(dir, 'hung.json'), '--wait', '1']);
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(/worst WAITING \(checked in \d+ ms; 1 still waiting for an answer\)/);
    expect(run.stdout).toMatch(/^WAITING +hung +default +- +- +- +- /m);
    expect(run.stdout).toContain(`hung (${hung.origin}): Still waiting: no answer within 1 s`);
  }, 60_000);
});

describe('StatusAsking', () => {
  it('asks at most `concurrency` deployments at once, and none still in line once abandoned', async () => {
    const asking = new StatusAsking(2, 'wait');
    const deployments = parseFleet({ deployments: ['a', 'b', 'c', 'd'].map((name) => ({ name, file: `${name}.db` })) }, '/srv/fleet.json').deployments;
    const asked: string[] = [];
    const release: (() => void)[] = [];
    let atOnce = 0;
    let most = 0;
    const held = (d: Deployment) => {
      asked.push(d.name);
      most = Math.max(most, ++atOnce);
      return new Promise<DeploymentStatus>((resolve) => release.push(() => (atOnce--, resolve({ ...report[0], name: d.name, status: 'healthy' }))));
    };
    const report = await asking.collect(deployments, held, 100);
    expect(report.map((d) => d.status)).toEqual(['waiting', 'waiting', 'waiting', 'waiting']);
    expect([asked, most]).toEqual([['a', 'b'], 2]);
    // The report is out (the CLI printed it): c and d, still in line, are never asked.
    asking.abandon();
    for (const answer of release.splice(0)) answer();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(asked).toEqual(['a', 'b']);
  });
});
