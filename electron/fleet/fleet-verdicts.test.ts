import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderFleetAction } from '../cli/render-fleet';
import { backup } from '../engine/actions/backup';
import { initialize } from '../engine/actions/initialize';
import { contextFor, SHIPPED_SCHEMA_DIR, sqlite3 } from '../engine/test-support/fixtures';
import { suiteDir } from '../server/test-support/suite-dir';
import { fleetBackup, fleetVerify } from './fleet-actions';
import { parseFleet } from './fleet-file';
import { fleetStatus } from './fleet-status';

// What the fleet commands call a deployment, as an outside tester found it wrong: a drifted
// database backed up was HEALTHY, a Ctrl-C that did nothing said "worst HEALTHY", a database
// another process holds (BEGIN EXCLUSIVE in the sqlite3 shell) was UNHEALTHY rather than locked,
// and a verify that failed showed no version although status knew it. The sqlite3 shell holds
// the lock; /proc/locks (the kernel's own list) is what names it.

const options = { defaultSchemaDir: SHIPPED_SCHEMA_DIR };
const quiet = () => undefined;

describe('fleet verdicts', () => {
  const folder = suiteDir();
  const dir = folder.path;
  let holder: ChildProcessWithoutNullStreams;
  let agent: Server;

  beforeAll(async () => {
    for (const name of ['drifted', 'locked']) {
      await initialize(contextFor(join(dir, `${name}.db`)));
      await backup(contextFor(join(dir, `${name}.db`)));
    }
    sqlite3(join(dir, 'drifted.db'), 'CREATE TABLE extra(x);');
    // An agent whose verify fails (its file too damaged to check) while its status still reads the version.
    agent = createServer((req, res) => {
      req.resume().on('end', () => {
        const answer = req.url!.endsWith('/listDatabases')
          ? { ok: true, result: [{ id: 'db' }] }
          : req.url!.endsWith('/verify')
            ? {
                ok: false,
                error: { code: 'CORRUPT', message: 'The database /srv/db.sqlite is corrupt: database disk image is malformed.', hint: 'Restore it.' },
              }
            : {
                ok: true,
                result: {
                  exists: true,
                  status: 'unhealthy',
                  reason: 'Page 3 is damaged.',
                  version: '1.2.0',
                  latest: '1.2.0',
                  pending: [],
                  problems: [],
                  checkedAt: '2026-12-07T04:00:00.000Z',
                },
              };
        res.writeHead(answer.ok ? 200 : 500, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer));
      });
    });
    await new Promise<void>((resolve) => agent.listen(0, '127.0.0.1', resolve));
    process.env.WARDEN_FLEET_VERDICTS_TOKEN = 'a-token-for-the-verdicts-agent';
  });
  afterAll(() => {
    holder?.kill();
    agent.close();
    folder.remove();
  });

  it('fleet backup gives a drifted database its own verdict (degraded), not HEALTHY, with the backup named', async () => {
    const fleet = parseFleet({ deployments: [{ name: 'drifted', file: 'drifted.db' }] }, join(dir, 'fleet.json'));
    const report = await fleetBackup(fleet, fleet.deployments, 1, options, quiet);
    const [d] = report.deployments;
    expect([d.status, d.backedUp, d.version, report.worst]).toEqual(['degraded', true, '1.2.0', 'degraded']);
    expect(d.detail).toMatch(
      /^drifted-\S+-manual\.sqlite \(\d+ bytes, verified\); the database itself is degraded: Table extra exists but is not part of the expected schema\.$/,
    );
  }, 30_000);

  it('says no deployment was done, not "worst HEALTHY", after a Ctrl-C before any started', async () => {
    const fleet = parseFleet({ deployments: [{ name: 'drifted', file: 'drifted.db' }] }, join(dir, 'fleet.json'));
    const stopped = new AbortController();
    stopped.abort();
    const report = await fleetBackup(fleet, fleet.deployments, 1, options, quiet, { signal: stopped.signal });
    expect([report.worst, report.deployments.length, report.notDone.length]).toEqual([null, 0, 1]);
    expect(renderFleetAction(report).split('\n')[0]).toBe(`Fleet ${fleet.path}: 0 deployment(s) backed up (none was done)`);
  });

  it('calls a database another process holds LOCKED, naming that process, in fleet status, fleet verify and fleet backup', async () => {
    holder = spawn('/usr/bin/sqlite3', [join(dir, 'locked.db')]);
    holder.stdin.write("BEGIN EXCLUSIVE;\nSELECT 'held';\n");
    await new Promise<void>((resolve) => holder.stdout.on('data', (d: Buffer) => d.toString().includes('held') && resolve()));
    const fleet = parseFleet({ deployments: [{ name: 'locked', file: 'locked.db' }] }, join(dir, 'fleet.json'));
    const status = (await fleetStatus(fleet, fleet.deployments, options, { waitMs: 60_000 })).deployments[0];
    expect(status.status).toBe('locked');
    expect(status.reason).toBe(
      `Locked: The database ${join(dir, 'locked.db')} is locked by another process and stayed locked past the wait time; its health is not known until it is free. Held by process ${holder.pid} (sqlite3). Wait for the other process (a long write, a backup, an open sqlite3 shell) to finish, then try again.`,
    );
    const verified = await fleetVerify(fleet, fleet.deployments, 'quick', 1, options, quiet);
    expect([verified.deployments[0].status, verified.worst]).toEqual(['locked', 'locked']);
    expect(verified.deployments[0].detail).toContain(`Held by process ${holder.pid} (sqlite3).`);
    const backedUp = await fleetBackup(fleet, fleet.deployments, 1, options, quiet);
    expect([backedUp.deployments[0].status, backedUp.deployments[0].backedUp, backedUp.worst]).toEqual(['locked', false, 'locked']);
    expect(backedUp.deployments[0].detail).toContain(`Held by process ${holder.pid} (sqlite3).`);
    holder.kill();
  }, 90_000);

  it('fleet verify shows the version status reads when the verify itself fails', async () => {
    const fleet = parseFleet(
      { deployments: [{ name: 'damaged', url: `http://127.0.0.1:${(agent.address() as AddressInfo).port}`, tokenEnv: 'WARDEN_FLEET_VERDICTS_TOKEN' }] },
      join(dir, 'fleet.json'),
    );
    const report = await fleetVerify(fleet, fleet.deployments, 'quick', 1, options, quiet);
    expect(report.deployments.map((d) => [d.status, d.version, d.detail])).toEqual([
      ['unhealthy', '1.2.0', 'The database /srv/db.sqlite is corrupt: database disk image is malformed.'],
    ]);
  });
});
