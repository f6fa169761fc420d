import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RolloutReport, SchemaComparison } from '../../shared/types/fleet';
import { HTTP_OPERATOR_HEADER } from '../../shared/transport';
import { initialize } from '../engine/actions/initialize';
import { contextFor, sha256File, SHIPPED_SCHEMA_DIR, sqlite3 } from '../engine/test-support/fixtures';
import { loadFleet } from '../fleet/fleet-file';
import { startAgent, type Agent } from '../fleet/test-support/agents';
import { startHttpHost, type HttpHost } from './http-host';
import { request, type Reply } from './test-support/http-client';
import { suiteDir } from './test-support/suite-dir';

// What the console's Fleet page asks of `warden serve --fleet` beyond its status and jobs:
// fleetCompare (a local file against a real agent, against the expected schema, and a deployment
// that is not there), open to the read-only token as schemaObjects is; and fleetMigrate of only the
// deployments the dialog kept. sqlite3 and sha256 are the referees.

describe('warden serve --fleet: Compare schemas and a rollout of the deployments kept', () => {
  const folder = suiteDir();
  const dir = folder.path;
  const db = (n: string) => join(dir, `${n}.db`);
  const agentTokens = { operator: randomBytes(24).toString('base64url'), readOnly: randomBytes(24).toString('base64url') };
  let agent: Agent;
  let host: HttpHost;

  const call = (method: string, input: unknown, token = host.token): Promise<Reply> =>
    request(host.origin, `/api/${method}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', [HTTP_OPERATOR_HEADER]: 'alice' },
      body: JSON.stringify(input),
    });

  beforeAll(async () => {
    for (const n of ['a', 'vm']) await initialize(contextFor(db(n)));
    for (const n of ['old', 'kept-out']) await initialize(contextFor(db(n)), { to: '1.0.0' });
    sqlite3(db('a'), 'DROP INDEX idx_conversation_files_hash;');
    agent = await startAgent(db('vm'), agentTokens);
    process.env.WARDEN_FLEET_COMPARE_TEST_TOKEN = agentTokens.operator;
    const server = createServer();
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const closed = (server.address() as AddressInfo).port;
    await new Promise<void>((done) => server.close(() => done()));
    const deployments = [
      { name: 'a', group: 'production', file: 'a.db' },
      { name: 'vm', group: 'production', url: agent.origin, tokenEnv: 'WARDEN_FLEET_COMPARE_TEST_TOKEN' },
      { name: 'old', group: 'staging', file: 'old.db' },
      { name: 'kept-out', group: 'staging', file: 'kept-out.db' },
      { name: 'gone', group: 'staging', url: `http://127.0.0.1:${closed}`, tokenEnv: 'WARDEN_FLEET_COMPARE_TEST_TOKEN' },
    ];
    writeFileSync(join(dir, 'fleet.json'), JSON.stringify({ deployments }));
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
  }, 60_000);
  afterAll(async () => {
    await host?.close();
    await agent?.stop();
    folder.remove();
  });

  it('compares a local file with a real agent, and with the expected schema, for the read-only token too; the dropped index with its SQL', async () => {
    const before = sha256File(db('a'));
    const pair = await call('fleetCompare', { a: 'a', b: 'vm' }, host.readOnlyToken);
    expect(pair.status).toBe(200);
    const comparison = pair.json.result as SchemaComparison;
    expect([comparison.a.name, comparison.b.name, comparison.b.address]).toEqual(['a', 'vm', expect.stringContaining(new URL(agent.origin).host)]);
    expect(comparison.differences).toEqual([
      expect.objectContaining({
        kind: 'index',
        name: 'idx_conversation_files_hash',
        change: 'only-in-b',
        a: null,
        b: sqlite3(db('vm'), "SELECT sql FROM sqlite_master WHERE name = 'idx_conversation_files_hash'"),
      }),
    ]);
    const expected = (await call('fleetCompare', { a: 'vm', expectedAt: '1.2.0' }, host.readOnlyToken)).json.result as SchemaComparison;
    expect([expected.a.expected, expected.same]).toEqual([true, true]);
    expect(sha256File(db('a'))).toBe(before); // compared, never written
  });

  it('says a deployment that is not there cannot be reached (UNREACHABLE, not INTERNAL)', async () => {
    const reply = await call('fleetCompare', { a: 'a', b: 'gone' });
    expect([reply.status, reply.json.error.code]).toEqual([502, 'UNREACHABLE']); // the world, not a bug: never INTERNAL
    expect(reply.json.error.message).toMatch(/^A deployment of the comparison cannot be reached: /);
  });

  it('rolls out to the deployments named only: the one left out is byte for byte as it was; an unknown name starts nothing', async () => {
    const untouched = sha256File(db('kept-out'));
    const refused = await call('fleetMigrate', { to: '1.1.0', parallel: 1, group: 'staging', deployments: ['old', 'a'] });
    expect([refused.status, refused.json.error.code, refused.json.error.message]).toEqual([
      400,
      'INVALID_INPUT',
      'The group "staging" of the fleet file has no deployment named "a"; nothing was started.',
    ]);
    const reply = await call('fleetMigrate', { to: '1.1.0', parallel: 1, group: 'staging', deployments: ['old'] });
    expect(reply.status).toBe(200);
    const report = reply.json.result as RolloutReport;
    expect(report.outcome).toBe('completed');
    expect(report.deployments.map((d) => [d.name, d.outcome, d.health?.status])).toEqual([['old', 'migrated', 'degraded']]);
    expect(sqlite3(db('old'), 'SELECT max(version) FROM schema_version')).toBe('1.1.0');
    expect(sha256File(db('kept-out'))).toBe(untouched);
    const job = ((await call('jobs', {})).json.result as { kind: string; options: Record<string, unknown> }[]).find((j) => j.kind === 'fleetMigrate');
    expect(job?.options).toMatchObject({ to: '1.1.0', group: 'staging', deployments: ['old'] });
  });
});
