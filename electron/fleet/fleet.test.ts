import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetActionReport, FleetStatusReport, RolloutReport, SchemaComparison } from '../../shared/types/fleet';
import { initialize } from '../engine/actions/initialize';
import { finished, resultOf, runCli, spawnCli } from '../engine/test-support/cli';
import { contextFor, seedFiles, sha256File, sqlite3 } from '../engine/test-support/fixtures';
import { suiteDir } from '../server/test-support/suite-dir';
import { startAgent, type Agent } from './test-support/agents';
import { sshdUnavailable, startSshd, type SshServer } from './test-support/sshd';

// The fleet for real: six `warden serve` agents on loopback, each its own process on its own
// database, one of them (vm3) reached only through a real OpenSSH server started here; the
// `warden fleet` commands run as a user runs them. sqlite3 and sha256 are the referees of what
// was (not) touched.

const NAMES = ['vm1', 'vm2', 'vm3', 'vm4', 'vm5', 'vm6'] as const;
type Name = (typeof NAMES)[number];
const SSH_DEPLOYMENT: Name = 'vm3';
const unavailable = sshdUnavailable();
if (unavailable) console.warn(`fleet.test.ts skipped: sshd cannot be started here: ${unavailable}`);

const version = (db: string) => sqlite3(db, 'SELECT version FROM schema_version ORDER BY rowid DESC LIMIT 1');

describe.skipIf(unavailable !== null)('warden fleet: six agents, one through SSH', () => {
  const folder = suiteDir();
  const dbs = Object.fromEntries(NAMES.map((n) => [n, join(folder.path, n, 'conversation_files.db')])) as Record<Name, string>;
  const tokens = Object.fromEntries(
    NAMES.map((n) => [n, { operator: randomBytes(24).toString('base64url'), readOnly: randomBytes(24).toString('base64url') }]),
  ) as Record<Name, { operator: string; readOnly: string }>;
  const agents = {} as Record<Name, Agent>;
  let sshd: SshServer;
  const fleetFile = join(folder.path, 'fleet.json');

  const sums = () => Object.fromEntries(NAMES.map((n) => [n, sha256File(dbs[n])]));
  const fleet = (args: string[]) => runCli(['fleet', ...args, '--fleet', fleetFile]);
  const json = <T>(run: { stdout: string; stderr: string }): T => {
    try {
      return resultOf(run) as T;
    } catch {
      throw new Error(`not JSON: ${run.stdout}\n${run.stderr}`);
    }
  };

  beforeAll(async () => {
    for (const n of NAMES) {
      mkdirSync(join(folder.path, n));
      await initialize(contextFor(dbs[n]), { to: '1.0.0' });
      seedFiles(dbs[n], 10);
    }
    // vm2 holds a session row whose file is gone (written with foreign keys off, as a buggy
    // service once did): quick_check and status cannot see it; 1.2.0's rebuild of
    // conversation_files checks its children and fails, 1.1.0 does not touch them, and only a
    // full verify (foreign_key_check) finds it.
    sqlite3(dbs.vm2, "PRAGMA foreign_keys=OFF; INSERT INTO session_file_associations (session_id, file_id) VALUES ('s-ghost', 'ghost-file');");
    await Promise.all(NAMES.map(async (n) => (agents[n] = await startAgent(dbs[n], tokens[n]))));
    mkdirSync(join(folder.path, 'ssh'));
    sshd = await startSshd(join(folder.path, 'ssh'));

    const deployments = NAMES.map((n, i) => {
      const group = i < 2 ? 'staging' : 'production';
      // Tokens by environment variable for some, by file for others; never in the file itself.
      const token = i % 2 === 0 ? { tokenEnv: `WARDEN_FLEET_TEST_${n.toUpperCase()}_TOKEN` } : { tokenFile: `tokens/${n}.token` };
      if (n === SSH_DEPLOYMENT) {
        return {
          name: n,
          group,
          ssh: { host: '127.0.0.1', port: sshd.port, user: sshd.user, identityFile: sshd.identityFile, knownHostsFile: sshd.knownHostsFile },
          remotePort: agents[n].port,
          ...token,
        };
      }
      return { name: n, group, url: agents[n].origin, ...token };
    });
    mkdirSync(join(folder.path, 'tokens'));
    for (const n of NAMES) {
      process.env[`WARDEN_FLEET_TEST_${n.toUpperCase()}_TOKEN`] = tokens[n].operator;
      writeFileSync(join(folder.path, 'tokens', `${n}.token`), `${tokens[n].operator}\n`, { mode: 0o600 });
    }
    writeFileSync(fleetFile, JSON.stringify({ deployments }, null, 2));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(Object.values(agents).map((a) => a.stop()));
    await sshd?.stop();
    folder.remove();
  });

  it('a read-only token cannot migrate, back up or restore (403), and the database is unchanged', async () => {
    const before = sha256File(dbs.vm1);
    for (const [method, body] of [
      ['migrate', {}],
      ['backup', {}],
      ['restore', { backup: 'vm1-20260101T000000000Z-manual.sqlite' }],
    ] as const) {
      const reply = await fetch(`${agents.vm1.origin}/api/${method}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${tokens.vm1.readOnly}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ db: 'conversation_files', ...body }),
      });
      const envelope = (await reply.json()) as { ok: boolean; error: { code: string; message: string } };
      expect({ method, status: reply.status, code: envelope.error.code }).toEqual({ method, status: 403, code: 'FORBIDDEN' });
      expect(envelope.error.message).toMatch(new RegExp(`^${method} is refused: this request carries the read-only token`));
    }
    expect(sha256File(dbs.vm1)).toBe(before);
    expect(existsSync(`${dbs.vm1}.backups`)).toBe(false);
    // The same token may look.
    const status = await fetch(`${agents.vm1.origin}/api/status`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${tokens.vm1.readOnly}`, 'Content-Type': 'application/json' },
      body: '{"db":"conversation_files"}',
    });
    expect(status.status).toBe(200);
  });

  it('a rolling migrate where one rehearsal fails halts before touching any database', () => {
    const before = sums();
    const run = fleet(['migrate', '--to', '1.2.0', '--canary', 'vm1', '--json']);
    expect(run.code).toBe(2);
    const report = json<RolloutReport>(run);
    expect(report.outcome).toBe('halted');
    expect(report.haltedBecause).toMatch(
      /^the rehearsal did not pass on 1 deployment\(s\), so no database was touched \(vm2: step 1\.2\.0 failed: The step would leave 2 row\(s\) pointing at missing parents/,
    );
    const outcomes = Object.fromEntries(report.deployments.map((d) => [d.name, d.outcome]));
    expect(outcomes).toEqual({ vm1: 'rehearsed', vm2: 'rehearsal failed', vm3: 'rehearsed', vm4: 'rehearsed', vm5: 'rehearsed', vm6: 'rehearsed' });
    expect(report.deployments.find((d) => d.name === SSH_DEPLOYMENT)!.address).toMatch(/^\S+@127\.0\.0\.1:\d+ → 127\.0\.0\.1:\d+$/);
    expect(report.deployments.every((d) => d.version === '1.0.0')).toBe(true);
    expect(sums()).toEqual(before);
    for (const n of NAMES) expect(existsSync(`${dbs[n]}.backups`)).toBe(false); // not even a backup was taken
    expect(run.stderr).toContain('vm2: rehearsal FAILED');
  }, 120_000);

  it('a rolling migrate whose canary fails its verify leaves the others untouched', () => {
    const before = sums();
    const run = fleet(['migrate', '--to', '1.1.0', '--canary', 'vm2', '--json']);
    expect(run.code).toBe(2);
    const report = json<RolloutReport>(run);
    expect(report).toMatchObject({ outcome: 'halted', canary: 'vm2' });
    expect(report.haltedBecause).toMatch(
      /^the canary vm2 did not pass: migrated to 1\.1\.0; backup first: \S+-pre-migrate\.sqlite, but verify finds it unhealthy: 1 row\(s\) of session_file_associations point at missing rows of conversation_files/,
    );
    const canary = report.deployments.find((d) => d.name === 'vm2')!;
    expect(canary).toMatchObject({ canary: true, from: '1.0.0', version: '1.1.0', outcome: 'verify failed' });
    expect(version(dbs.vm2)).toBe('1.1.0');
    for (const n of NAMES.filter((x) => x !== 'vm2')) {
      expect(sha256File(dbs[n])).toBe(before[n]);
      expect(report.deployments.find((d) => d.name === n)).toMatchObject({ outcome: 'not started', version: '1.0.0' });
    }
    // The canary went first: the rest of the rollout never started.
    expect(run.stderr.indexOf('canary vm2: verify FAILED')).toBeGreaterThan(run.stderr.indexOf('vm6: rehearsal ok'));
    expect(run.stderr).not.toMatch(/^vm[13456]: migrating/m);
  }, 120_000);

  it('an agent killed mid-rollout is reported unreachable and the rollout stops', async () => {
    // Repair vm2's orphans first, the way an operator would (the verify named them).
    sqlite3(
      dbs.vm2,
      "PRAGMA foreign_keys=OFF; DELETE FROM session_file_associations WHERE file_id = 'ghost-file'; DELETE FROM file_cleanup_queue WHERE file_id = 'ghost-file';",
    );
    const vm6Before = sha256File(dbs.vm6);
    const child = spawnCli(['fleet', 'migrate', '--to', '1.2.0', '--canary', 'vm1', '--json', '--fleet', fleetFile]);
    const done = finished(child);
    let stderr = '';
    let killed = false;
    child.stderr!.on('data', (c: Buffer) => {
      stderr += c.toString();
      // vm6 is last in the rollout: kill its agent as soon as the canary is through.
      if (!killed && stderr.includes('canary vm1: verified')) {
        killed = true;
        agents.vm6.child.kill('SIGKILL');
      }
    });
    const run = await done;
    expect(killed).toBe(true);
    expect(run.code).toBe(3);
    const report = resultOf(run) as RolloutReport;
    expect(report.outcome).toBe('halted');
    const byName = Object.fromEntries(report.deployments.map((d) => [d.name, d]));
    for (const n of ['vm1', 'vm2', 'vm3', 'vm4', 'vm5'] as const) {
      expect(byName[n]).toMatchObject({ outcome: 'migrated', version: '1.2.0' });
      expect(version(dbs[n])).toBe('1.2.0');
    }
    expect(byName.vm6).toMatchObject({ outcome: 'unreachable', version: null, from: '1.0.0' });
    expect(byName.vm6.detail).toMatch(/did not answer migrate \(ECONNREFUSED\)/);
    expect(report.haltedBecause).toMatch(/^vm6 did not pass/);
    expect(sha256File(dbs.vm6)).toBe(vm6Before);
    expect(version(dbs.vm6)).toBe('1.0.0');
    expect(sqlite3(dbs.vm3, 'PRAGMA integrity_check')).toBe('ok');
  }, 180_000);

  it('fleet status lists every deployment worst first, unreachable its own state, exit code the worst', () => {
    sqlite3(dbs.vm4, 'DROP INDEX idx_conversation_files_hash;'); // a missing index: unhealthy
    sqlite3(dbs.vm5, 'CREATE INDEX idx_extra_by_hand ON file_metadata (file_id);'); // an extra index: degraded
    const run = fleet(['status', '--json']);
    expect(run.code).toBe(3);
    const report = json<FleetStatusReport>(run);
    expect(report.worst).toBe('unreachable');
    expect(report.deployments.map((d) => [d.name, d.status])).toEqual([
      ['vm6', 'unreachable'],
      ['vm4', 'unhealthy'],
      ['vm5', 'degraded'],
      ['vm3', 'healthy'],
      ['vm1', 'healthy'],
      ['vm2', 'healthy'],
    ]);
    const [vm6, vm4, , vm3] = report.deployments;
    expect(vm6.reason).toMatch(/ECONNREFUSED/);
    expect(vm4.drift.errors).toBeGreaterThan(0);
    expect(vm4.drift.first).toMatch(/idx_conversation_files_hash/);
    expect(vm3).toMatchObject({ version: '1.2.0', pending: [] });
    expect(vm3.lastVerifiedBackup!.name).toMatch(/-pre-migrate\.sqlite$/);
    expect(vm3.lastVerifiedBackup!.ageSeconds).toBeLessThan(120);

    const text = fleet(['status']);
    expect(text.code).toBe(3);
    expect(text.stdout).toMatch(/^UNREACHABLE\s+vm6\s+production/m);
    const staging = fleet(['status', '--group', 'staging', '--json']);
    expect(staging.code).toBe(0);
    expect(json<FleetStatusReport>(staging).deployments.map((d) => d.name)).toEqual(['vm1', 'vm2']);
  }, 120_000);

  it('an SSH deployment whose host key is not the known one is unreachable, with what ssh said', () => {
    const strangers = join(folder.path, 'ssh', 'empty_known_hosts');
    writeFileSync(strangers, '');
    const other = join(folder.path, 'stranger-fleet.json');
    writeFileSync(
      other,
      JSON.stringify({
        deployments: [
          {
            name: 'vm3',
            group: 'production',
            ssh: { host: '127.0.0.1', port: sshd.port, user: sshd.user, identityFile: sshd.identityFile, knownHostsFile: strangers },
            remotePort: agents.vm3.port,
            tokenEnv: 'WARDEN_FLEET_TEST_VM3_TOKEN',
          },
        ],
      }),
    );
    const run = runCli(['fleet', 'status', '--fleet', other, '--json']);
    expect(run.code).toBe(3);
    const [vm3] = json<FleetStatusReport>(run).deployments;
    expect(vm3.status).toBe('unreachable');
    expect(vm3.reason).toMatch(/^The SSH tunnel to \S+@127\.0\.0\.1:\d+ failed: ssh exited \(code 255\): .*Host key verification failed\.$/);
  }, 60_000);

  it('verifies, backs up and compares across the fleet', () => {
    const compared = fleet(['compare', 'vm1', 'vm4', '--json']);
    expect(compared.code).toBe(1);
    const comparison = json<SchemaComparison>(compared);
    expect(comparison.differences.map((d) => [d.change, d.kind, d.name])).toEqual([['only-in-a', 'index', 'idx_conversation_files_hash']]);
    const same = fleet(['compare', 'vm1', SSH_DEPLOYMENT]);
    expect(same.code, same.stderr).toBe(0);

    const backedUp = fleet(['backup', '--group', 'staging', '--json']);
    expect(backedUp.code).toBe(0);
    const backups = json<FleetActionReport>(backedUp);
    expect(backups.deployments.map((d) => [d.name, d.status])).toEqual([
      ['vm1', 'healthy'],
      ['vm2', 'healthy'],
    ]);
    for (const d of backups.deployments) {
      const name = /^(\S+-manual\.sqlite) /.exec(d.detail)![1];
      expect(sqlite3(join(`${dbs[d.name as Name]}.backups`, name), 'PRAGMA integrity_check')).toBe('ok');
    }

    const verified = fleet(['verify', '--full', '--json']);
    expect(verified.code).toBe(3);
    expect(json<FleetActionReport>(verified).deployments.map((d) => [d.name, d.status])).toEqual([
      ['vm6', 'unreachable'],
      ['vm4', 'unhealthy'],
      ['vm5', 'degraded'],
      ['vm1', 'healthy'],
      ['vm2', 'healthy'],
      ['vm3', 'healthy'],
    ]);
  }, 120_000);
});
