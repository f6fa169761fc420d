import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RolloutDeployment, RolloutReport } from '../../shared/types/fleet';
import { HTTP_OPERATOR_HEADER } from '../../shared/transport';
import type { HostEvent, Job } from '../../shared/types/jobs';
import { actorFor } from '../engine/core/history/actor';
import { initialize } from '../engine/actions/initialize';
import { contextFor, seedFiles, sha256File, SHIPPED_SCHEMA_DIR, sqlite3 } from '../engine/test-support/fixtures';
import { loadFleet } from '../fleet/fleet-file';
import { startHttpHost, type HttpHost } from './http-host';
import { listenToEvents, request, type Reply } from './test-support/http-client';
import { suiteDir } from './test-support/suite-dir';

// fleetMigrate: the rolling migrate of `warden fleet migrate` started from the console's Fleet
// page, kept as a host job with each deployment's live outcome as its progress. sqlite3 and
// sha256 are the referees of what each database holds.

const NAMES = ['a', 'b', 'c', 'd'] as const;

describe('warden serve --fleet: a rolling migrate kept as a host job', () => {
  const folder = suiteDir();
  const dir = folder.path;
  const db = (n: string) => join(dir, `${n}.db`);
  const sums = () => Object.fromEntries(NAMES.map((n) => [n, sha256File(db(n))]));
  const versions = () => Object.fromEntries(NAMES.map((n) => [n, sqlite3(db(n), 'SELECT group_concat(version) FROM schema_version')]));
  let host: HttpHost;

  const call = (method: string, input: unknown, token = host.token): Promise<Reply> =>
    request(host.origin, `/api/${method}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', [HTTP_OPERATOR_HEADER]: 'alice' },
      body: JSON.stringify(input),
    });

  beforeAll(async () => {
    for (const n of NAMES) {
      await initialize(contextFor(db(n)), { to: '1.0.0' });
      seedFiles(db(n), 5);
    }
    // b holds a session row whose file is gone (foreign keys off): 1.2.0's rebuild of
    // conversation_files checks its children, so b's rehearsal of 1.2.0 fails.
    sqlite3(db('b'), "PRAGMA foreign_keys=OFF; INSERT INTO session_file_associations (session_id, file_id) VALUES ('s-ghost', 'ghost-file');");
    writeFileSync(
      join(dir, 'fleet.json'),
      JSON.stringify({ deployments: NAMES.map((n) => ({ name: n, group: n === 'a' ? 'staging' : 'production', file: `${n}.db` })) }),
    );
    host = await startHttpHost({
      databases: [],
      dataDir: dir,
      schemaDir: SHIPPED_SCHEMA_DIR,
      port: 0,
      rendererDir: join(dir, 'none'),
      healthIntervalMs: 60_000,
      workers: 2,
      fleet: { fleet: loadFleet(join(dir, 'fleet.json')), defaultSchemaDir: SHIPPED_SCHEMA_DIR },
    });
  });
  afterAll(async () => {
    await host.close();
    folder.remove();
  });

  it('refuses the read-only token (403) and changes nothing', async () => {
    const before = sums();
    const refused = await call('fleetMigrate', { to: '1.2.0', parallel: 1 }, host.readOnlyToken);
    expect([refused.status, refused.json.error.code]).toEqual([403, 'FORBIDDEN']);
    expect(sums()).toEqual(before);
  });

  it('halts before touching any database when one rehearsal fails', async () => {
    const before = sums();
    const events = await listenToEvents(host.origin, host.token);
    const reply = await call('fleetMigrate', { to: '1.2.0', canary: 'a', parallel: 2, operationId: 'rollout-halts-0001' });
    events.close();
    expect(reply.status).toBe(200);
    const report = reply.json.result as RolloutReport;
    expect(report.outcome).toBe('halted');
    expect(report.haltedBecause).toMatch(/^the rehearsal did not pass on 1 deployment\(s\), so no database was touched \(b: step 1\.2\.0 failed/);
    expect(report.deployments.map((d) => [d.name, d.outcome, d.version])).toEqual([
      ['a', 'rehearsed', '1.0.0'],
      ['b', 'rehearsal failed', '1.0.0'],
      ['c', 'rehearsed', '1.0.0'],
      ['d', 'rehearsed', '1.0.0'],
    ]);
    expect(sums()).toEqual(before);
    for (const n of NAMES) expect(existsSync(`${db(n)}.backups`)).toBe(false);
    // Each deployment's live outcome went out as the job's progress: every one was seen rehearsing.
    const seen = events.events.flatMap((e: HostEvent) =>
      e.type === 'progress' && e.operationId === 'rollout-halts-0001' ? (e.progress.deployments ?? []) : [],
    );
    for (const n of NAMES) expect(seen.some((d: RolloutDeployment) => d.name === n && d.outcome === 'rehearsing')).toBe(true);
    expect(seen.some((d: RolloutDeployment) => d.outcome === 'migrating')).toBe(false);
  });

  it('rolls 1.2.0 out, the canary first, and keeps the job with its result and each deployment where it ended', async () => {
    sqlite3(
      db('b'),
      "PRAGMA foreign_keys=OFF; DELETE FROM session_file_associations WHERE file_id = 'ghost-file'; DELETE FROM file_cleanup_queue WHERE file_id = 'ghost-file';",
    );
    const events = await listenToEvents(host.origin, host.token);
    const reply = await call('fleetMigrate', { to: '1.2.0', canary: 'c', parallel: 2, operationId: 'rollout-done-00001' });
    events.close();
    const report = reply.json.result as RolloutReport;
    expect([report.outcome, report.canary, report.haltedBecause]).toEqual(['completed', 'c', null]);
    expect(report.deployments.map((d) => [d.name, d.from, d.version, d.outcome])).toEqual(NAMES.map((n) => [n, '1.0.0', '1.2.0', 'migrated']));
    for (const n of NAMES) {
      expect(versions()[n]).toBe('1.0.0,1.1.0,1.2.0');
      expect(sqlite3(db(n), 'PRAGMA integrity_check')).toBe('ok');
      expect(sqlite3(db(n), 'PRAGMA foreign_key_check')).toBe('');
      expect(readdirSync(`${db(n)}.backups`).filter((f) => f.endsWith('-pre-migrate.sqlite'))).toHaveLength(1);
      // Each migration acted for the operator who started the rollout.
      expect(sqlite3(db(n), "SELECT DISTINCT applied_by FROM schema_version WHERE version = '1.2.0'")).toBe(actorFor('alice via warden serve'));
    }
    // The canary was verified before any other deployment started migrating.
    const progress = events.events.flatMap((e: HostEvent) =>
      e.type === 'progress' && e.operationId === 'rollout-done-00001' ? [e.progress.deployments ?? []] : [],
    );
    const firstOtherMigrating = progress.findIndex((ds) => ds.some((d) => d.name !== 'c' && d.outcome === 'migrating'));
    const canaryMigrated = progress.findIndex((ds) => ds.some((d) => d.name === 'c' && d.outcome === 'migrated'));
    expect(canaryMigrated).toBeGreaterThanOrEqual(0);
    expect(canaryMigrated).toBeLessThan(firstOtherMigrating);

    const jobs = (await call('jobs', {})).json.result as Job[];
    const job = jobs.find((j) => j.id === 'rollout-done-00001')!;
    expect(job).toMatchObject({ kind: 'fleetMigrate', db: 'fleet', state: 'done', options: { to: '1.2.0', canary: 'c', parallel: 2 } });
    expect(job.startedBy).toBe(actorFor('alice via warden serve'));
    expect((job.result as RolloutReport).outcome).toBe('completed');
    expect(job.progress!.deployments!.map((d) => d.outcome)).toEqual(['migrated', 'migrated', 'migrated', 'migrated']);
    expect(jobs.find((j) => j.id === 'rollout-halts-0001')).toMatchObject({ state: 'done', result: { outcome: 'halted' } });
  });

  it('cancelled while the canary migrates: the canary finishes, no other deployment starts', async () => {
    // Three more deployments at 1.0.0 with more rows each: a migration long enough to cancel during.
    for (const n of ['e', 'f', 'g']) {
      await initialize(contextFor(db(n)), { to: '1.0.0' });
      seedFiles(db(n), 3000);
    }
    writeFileSync(join(dir, 'fleet-2.json'), JSON.stringify({ deployments: ['e', 'f', 'g'].map((n) => ({ name: n, file: `${n}.db` })) }));
    const second = await startHttpHost({
      databases: [],
      dataDir: dir,
      schemaDir: SHIPPED_SCHEMA_DIR,
      port: 0,
      rendererDir: join(dir, 'none'),
      healthIntervalMs: 60_000,
      workers: 2,
      fleet: { fleet: loadFleet(join(dir, 'fleet-2.json')), defaultSchemaDir: SHIPPED_SCHEMA_DIR },
    });
    try {
      const before = { f: sha256File(db('f')), g: sha256File(db('g')) };
      const events = await listenToEvents(second.origin, second.token);
      const post = (method: string, input: unknown) =>
        request(second.origin, `/api/${method}`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${second.token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify(input),
        });
      const started = post('fleetMigrate', { to: '1.2.0', canary: 'e', parallel: 1, operationId: 'rollout-cancel-001' });
      await events.waitFor(
        (e) =>
          e.type === 'progress' &&
          e.operationId === 'rollout-cancel-001' &&
          (e.progress.deployments ?? []).some((d) => d.name === 'e' && d.outcome === 'migrating'),
        20_000,
      );
      expect((await post('cancel', { operationId: 'rollout-cancel-001' })).json.result).toEqual({ cancelled: true });
      const report = (await started).json.result as RolloutReport;
      events.close();
      expect(report.outcome).toBe('halted');
      expect(report.haltedBecause).toMatch(/stopped \(Cancel in the Jobs panel\)/);
      expect(report.deployments.map((d) => [d.name, d.outcome, d.version])).toEqual([
        ['e', 'migrated', '1.2.0'],
        ['f', 'not started', '1.0.0'],
        ['g', 'not started', '1.0.0'],
      ]);
      expect(sqlite3(db('e'), 'SELECT max(version) FROM schema_version')).toBe('1.2.0');
      expect({ f: sha256File(db('f')), g: sha256File(db('g')) }).toEqual(before);
    } finally {
      await second.close();
    }
  });
});
