import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backup } from '../engine/actions/backup';
import { initialize } from '../engine/actions/initialize';
import { contextFor, sha256File, SHIPPED_SCHEMA_DIR, sqlite3, tempDir } from '../engine/test-support/fixtures';
import { chosenDeployments } from './chosen-deployments';
import { fleetCompare } from './fleet-compare';
import { parseFleet } from './fleet-file';
import { rollingMigrate } from './rolling-migrate';

// What the console's Fleet page asks of the fleet beyond the CLI: a rollout of only the
// deployments the operator kept, a report that says a deployment at the target is unhealthy, and
// Compare against another deployment or the expected schema at a version. Local files, the
// engine called directly; sqlite3 and sha256 are the referees.

const options = { defaultSchemaDir: SHIPPED_SCHEMA_DIR };

async function fleetAt(versions: Record<string, string>, groups: Record<string, string> = {}) {
  const dir = tempDir();
  for (const [n, v] of Object.entries(versions)) await initialize(contextFor(join(dir, `${n}.db`)), { to: v });
  const fleet = parseFleet(
    { deployments: Object.keys(versions).map((n) => ({ name: n, group: groups[n] ?? 'production', file: `${n}.db` })) },
    join(dir, 'fleet.json'),
  );
  return { dir, fleet, db: (n: string) => join(dir, `${n}.db`) };
}

describe('the deployments a console rollout acts on', () => {
  it('keeps only the ones named (of the group), and refuses a name the fleet file does not have there, naming it', async () => {
    const { fleet } = await fleetAt({ a: '1.0.0', b: '1.0.0', c: '1.0.0' }, { c: 'staging' });
    expect(chosenDeployments(fleet, undefined, undefined).map((d) => d.name)).toEqual(['a', 'b', 'c']);
    expect(chosenDeployments(fleet, undefined, ['c', 'a']).map((d) => d.name)).toEqual(['a', 'c']);
    expect(() => chosenDeployments(fleet, 'production', ['a', 'c'])).toThrow(
      'The group "production" of the fleet file has no deployment named "c"; nothing was started.',
    );
    expect(() => chosenDeployments(fleet, undefined, ['zz'])).toThrow(/no deployment named "zz"/);
  });

  it('a deployment left out is not touched by the rollout: the others reach the target, its file is byte for byte as it was', async () => {
    const { fleet, db } = await fleetAt({ a: '1.0.0', b: '1.0.0', c: '1.0.0' });
    const before = sha256File(db('b'));
    const kept = chosenDeployments(fleet, undefined, ['a', 'c']);
    const report = await rollingMigrate(fleet, kept, { to: '1.1.0', parallel: 1, onProgress: () => undefined }, options);
    expect(report.outcome).toBe('completed');
    expect(report.deployments.map((d) => [d.name, d.outcome])).toEqual([
      ['a', 'migrated'],
      ['c', 'migrated'],
    ]);
    expect(sha256File(db('b'))).toBe(before);
    expect(sqlite3(db('b'), 'SELECT max(version) FROM schema_version')).toBe('1.0.0');
  });
});

describe("a rollout's report of a deployment already at the target", () => {
  it('says its health with the reason: an unhealthy one at the target is reported unhealthy, a healthy one healthy', async () => {
    const { fleet, db } = await fleetAt({ sick: '1.2.0', well: '1.2.0', behind: '1.1.0' });
    await backup(contextFor(db('well')));
    sqlite3(db('sick'), 'DROP TABLE file_metadata;');
    const report = await rollingMigrate(fleet, fleet.deployments, { to: '1.2.0', parallel: 1, onProgress: () => undefined }, options);
    const of = (name: string) => report.deployments.find((d) => d.name === name)!;
    expect(of('sick').outcome).toBe('already at target');
    expect(of('sick').health).toEqual({ status: 'unhealthy', reason: expect.stringMatching(/file_metadata/) });
    expect(of('well').health?.status).toBe('healthy');
    expect(of('behind').outcome).toBe('migrated');
    expect(of('behind').health?.status).not.toBe('unhealthy');
  });
});

describe('Compare from the console', () => {
  it('a deployment against the expected schema at its version: a dropped index is only on the expected side, with its SQL', async () => {
    const { fleet, db } = await fleetAt({ a: '1.2.0', b: '1.2.0' });
    sqlite3(db('a'), 'DROP INDEX idx_conversation_files_hash;');
    const comparison = await fleetCompare(fleet, { a: 'a', expectedAt: '1.2.0' }, options);
    expect(comparison.a).toMatchObject({ name: 'Expected at 1.2.0', version: '1.2.0', expected: true });
    expect(comparison.b).toMatchObject({ name: 'a', version: '1.2.0' });
    expect(comparison.same).toBe(false);
    expect(comparison.differences).toEqual([
      expect.objectContaining({
        kind: 'index',
        name: 'idx_conversation_files_hash',
        change: 'only-in-a',
        a: expect.stringMatching(/^CREATE INDEX idx_conversation_files_hash/i),
        b: null,
      }),
    ]);
    expect((await fleetCompare(fleet, { a: 'b', expectedAt: '1.2.0' }, options)).same).toBe(true);
  });

  it('a deployment against the expected schema of another version: what that version changes, each side as written', async () => {
    const { fleet } = await fleetAt({ a: '1.0.0' });
    const comparison = await fleetCompare(fleet, { a: 'a', expectedAt: '1.1.0' }, options);
    expect(comparison.same).toBe(false);
    // 1.1.0 rebuilds file_access_log to accept 'reference': its new CHECK is only on the expected side, with both CREATE TABLEs to set side by side.
    const changed = comparison.differences.find((d) => d.table === 'file_access_log' && d.kind === 'check' && d.change === 'only-in-a')!;
    expect(changed.a).toContain("'reference'");
    expect(changed.b).not.toContain("'reference'");
    expect((await fleetCompare(fleet, { a: 'a', expectedAt: '1.0.0' }, options)).same).toBe(true);
  });

  it('two deployments, as the CLI compares them; and refuses a pair that is not one', async () => {
    const { fleet, db } = await fleetAt({ a: '1.2.0', b: '1.2.0' });
    sqlite3(db('b'), 'CREATE VIEW big_files AS SELECT file_id FROM conversation_files WHERE file_size > 1000000;');
    const comparison = await fleetCompare(fleet, { a: 'a', b: 'b' }, options);
    expect(comparison.differences).toEqual([expect.objectContaining({ kind: 'view', name: 'big_files', change: 'only-in-b' })]);
    await expect(fleetCompare(fleet, { a: 'a', b: 'a' }, options)).rejects.toThrow('a compared with itself shows nothing');
    await expect(fleetCompare(fleet, { a: 'a', b: 'b', expectedAt: '1.2.0' }, options)).rejects.toThrow(/one other side/);
    await expect(fleetCompare(fleet, { a: 'a' }, options)).rejects.toThrow(/one other side/);
    await expect(fleetCompare(fleet, { a: 'a', b: 'nope' }, options)).rejects.toThrow('The fleet file has no deployment named "nope".');
    await expect(fleetCompare(fleet, { a: 'a', expectedAt: '9.9.9' }, options)).rejects.toMatchObject({ code: 'UNKNOWN_VERSION' });
  });
});
