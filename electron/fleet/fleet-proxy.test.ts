import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initialize } from '../engine/actions/initialize';
import { backup } from '../engine/actions/backup';
import { contextFor, sha256File, SHIPPED_SCHEMA_DIR, sqlite3 } from '../engine/test-support/fixtures';
import { loadFleet } from './fleet-file';
import { startHttpHost, type HttpHost } from '../server/http-host';
import { callApi, request } from '../server/test-support/http-client';
import { suiteDir } from '../server/test-support/suite-dir';

// `warden serve --fleet`: the fleet's status over the API, and a deployment's API through the
// host — an agent (another real host on loopback, whose token only the fleet file's token file
// knows) and a local file. The host's read-only token stays read-only through it.

describe('warden serve --fleet: fleet status and deployments through the host', () => {
  const folder = suiteDir();
  const dir = folder.path;
  let agent: HttpHost;
  let host: HttpHost;

  beforeAll(async () => {
    await initialize(contextFor(join(dir, 'remote.db')), { to: '1.0.0' });
    await initialize(contextFor(join(dir, 'local.db')));
    await backup(contextFor(join(dir, 'local.db'))); // backed up: healthy, not 'not backed up'
    agent = await startHttpHost({
      databases: [join(dir, 'remote.db')],
      schemaDir: SHIPPED_SCHEMA_DIR,
      port: 0,
      rendererDir: join(dir, 'none'),
      healthIntervalMs: 1000,
      workers: 1,
    });
    writeFileSync(join(dir, 'agent.token'), agent.token, { mode: 0o600 });
    writeFileSync(
      join(dir, 'fleet.json'),
      JSON.stringify({
        deployments: [
          { name: 'remote', group: 'production', url: agent.origin, tokenFile: 'agent.token' },
          { name: 'local', group: 'staging', file: 'local.db' },
        ],
      }),
    );
    host = await startHttpHost({
      databases: [join(dir, 'local.db')],
      schemaDir: SHIPPED_SCHEMA_DIR,
      port: 0,
      rendererDir: join(dir, 'none'),
      healthIntervalMs: 1000,
      workers: 1,
      fleet: { fleet: loadFleet(join(dir, 'fleet.json')), defaultSchemaDir: SHIPPED_SCHEMA_DIR },
    });
  });
  afterAll(async () => {
    await host.close();
    await agent.close();
    folder.remove();
  });

  const viaFleet = (name: string, method: string, input: unknown, token = host.token) =>
    request(host.origin, `/fleet/${name}/api/${method}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(input),
    });

  it('answers fleetStatus worst first, to either token', async () => {
    for (const token of [host.token, host.readOnlyToken]) {
      const reply = await callApi(host.origin, token, 'fleetStatus', {});
      expect(reply.status).toBe(200);
      expect(reply.json.result.deployments.map((d: { name: string; status: string }) => [d.name, d.status])).toEqual([
        ['remote', 'degraded'],
        ['local', 'healthy'],
      ]);
    }
    const staging = await callApi(host.origin, host.token, 'fleetStatus', { group: 'staging' });
    expect(staging.json.result.deployments.map((d: { name: string }) => d.name)).toEqual(['local']);
  });

  it("passes a deployment's calls on with the agent's token, and serves a local file itself", async () => {
    const listed = await viaFleet('remote', 'listDatabases', {});
    expect(listed.json.result.map((d: { id: string }) => d.id)).toEqual(['remote']);
    expect((await viaFleet('remote', 'status', { db: 'remote' })).json.result).toMatchObject({ version: '1.0.0', status: 'degraded' });
    expect((await viaFleet('local', 'status', { db: 'local' })).json.result).toMatchObject({ version: '1.2.0', status: 'healthy' });
    const migrated = await viaFleet('remote', 'migrate', { db: 'remote' });
    expect(migrated.status).toBe(200);
    expect(sqlite3(join(dir, 'remote.db'), 'SELECT max(version) FROM schema_version')).toBe('1.2.0');
  });

  it("keeps the host's read-only token read-only through the fleet, and refuses what is not a deployment's", async () => {
    const before = sha256File(join(dir, 'local.db'));
    for (const name of ['remote', 'local']) {
      const refused = await viaFleet(name, 'backup', { db: name }, host.readOnlyToken);
      expect({ name, status: refused.status, code: refused.json.error.code }).toEqual({ name, status: 403, code: 'FORBIDDEN' });
      expect((await viaFleet(name, 'status', { db: name }, host.readOnlyToken)).status).toBe(200);
      // The deployment's console is told it is read-only, whatever the agent's own token may do.
      expect((await viaFleet(name, 'hostInfo', {}, host.readOnlyToken)).json.result.readOnly).toBe(true);
      expect((await viaFleet(name, 'hostInfo', {})).json.result.readOnly).toBe(false);
    }
    expect(sha256File(join(dir, 'local.db'))).toBe(before);
    expect((await viaFleet('local', 'createDatabase', { schema: 'conversation_files' })).status).toBe(501);
    expect((await viaFleet('nowhere', 'status', { db: 'x' })).status).toBe(404);
    expect((await viaFleet('remote', 'status', { db: 'remote' }, 'not-the-token')).status).toBe(401);
  });
});
