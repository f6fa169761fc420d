import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initialize } from '../engine/actions/initialize';
import { contextFor, sha256File, SHIPPED_SCHEMA_DIR, tempDir } from '../engine/test-support/fixtures';
import { parseFleet } from './fleet-file';
import { rollingMigrate } from './rolling-migrate';

// Rolling migrate at its edges, as an outside tester tried it on local files (the engine called
// directly): a target the schema does not know, a deployment newer than the target, --parallel
// larger than the fleet, a named canary already at the target. sha256 is the referee of "untouched".

async function fleetAt(versions: Record<string, string>) {
  const dir = tempDir();
  for (const [n, v] of Object.entries(versions)) await initialize(contextFor(join(dir, `${n}.db`)), { to: v });
  const fleet = parseFleet({ deployments: Object.keys(versions).map((n) => ({ name: n, file: `${n}.db` })) }, join(dir, 'fleet.json'));
  const sums = () => Object.fromEntries(Object.keys(versions).map((n) => [n, sha256File(join(dir, `${n}.db`))]));
  return { dir, fleet, sums };
}

const options = { defaultSchemaDir: SHIPPED_SCHEMA_DIR };

describe('rolling migrate at its edges', () => {
  it('halts before touching anything for a version the schema does not know, or a deployment already newer (never a downgrade)', async () => {
    const { dir, fleet, sums } = await fleetAt({ a: '1.0.0', b: '1.2.0' });
    const before = sums();
    const unknown = await rollingMigrate(fleet, fleet.deployments, { to: '9.9.9', parallel: 1, onProgress: () => undefined }, options);
    expect(unknown.outcome).toBe('halted');
    const notKnown = 'Version 9.9.9 is not a version of the conversation_files schema (known: 1.0.0, 1.1.0, 1.2.0)';
    expect(unknown.deployments.map((d) => [d.name, d.outcome, d.detail])).toEqual([
      ['a', 'rehearsal failed', notKnown],
      ['b', 'rehearsal failed', notKnown],
    ]);
    const downgrade = await rollingMigrate(fleet, fleet.deployments, { to: '1.1.0', parallel: 1, onProgress: () => undefined }, options);
    expect(downgrade.outcome).toBe('halted');
    expect(downgrade.deployments.find((d) => d.name === 'b')).toMatchObject({
      outcome: 'rehearsal failed',
      detail: 'it is at 1.2.0, newer than 1.1.0: a rollout never downgrades',
      version: '1.2.0',
    });
    expect(sums()).toEqual(before);
    expect(existsSync(join(dir, 'a.db.backups'))).toBe(false);
  });

  it('says a deployment could not be reached, not that its rehearsal failed', async () => {
    const { dir, fleet, sums } = await fleetAt({ a: '1.0.0' });
    // Port 9 (discard): nothing listens on it here.
    const withGone = parseFleet(
      {
        deployments: [
          { name: 'a', file: join(dir, 'a.db') },
          { name: 'gone', url: 'http://127.0.0.1:9', tokenEnv: 'WARDEN_ROLLOUT_EDGES_TOKEN' },
        ],
      },
      fleet.path,
    );
    process.env.WARDEN_ROLLOUT_EDGES_TOKEN = 'a-token-for-an-agent-that-is-gone';
    const before = sums();
    const report = await rollingMigrate(withGone, withGone.deployments, { to: '1.2.0', parallel: 1, onProgress: () => undefined }, options);
    expect(report.haltedBecause).toMatch(
      /^1 deployment\(s\) could not be reached, so no database was touched \(gone: http:\/\/127\.0\.0\.1:9 did not answer listDatabases \(ECONNREFUSED\)\)$/,
    );
    expect(sums()).toEqual(before);
  });

  it('takes --parallel larger than the fleet, and says so when the named canary is already at the target', async () => {
    const { fleet } = await fleetAt({ a: '1.2.0', b: '1.0.0', c: '1.0.0' });
    const lines: string[] = [];
    const report = await rollingMigrate(fleet, fleet.deployments, { to: '1.2.0', canary: 'a', parallel: 64, onProgress: (l) => lines.push(l) }, options);
    expect([report.outcome, report.canary]).toEqual(['completed', 'b']);
    expect(report.deployments.map((d) => [d.name, d.version, d.outcome])).toEqual([
      ['a', '1.2.0', 'already at target'],
      ['b', '1.2.0', 'migrated'],
      ['c', '1.2.0', 'migrated'],
    ]);
    // Before, b became the canary without a word: the operator who named a had to find it in the table.
    expect(lines).toContain('a is already at 1.2.0: b is the canary instead');
  });
});
