import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WardenError } from '../engine/errors';
import { initialize } from '../engine/initialize';
import { contextFor, sha256File, SHIPPED_SCHEMA_DIR, sqlite3 } from '../engine/test-support/fixtures';
import { suiteDir } from '../server/test-support/suite-dir';
import { compareDeployments } from './compare-deployments';
import { parseFleet } from './fleet-file';

// `warden fleet compare` replays each deployment's CREATE statements on this machine. An agent on
// a VM someone else controls answered schemaObjects with a script: before, it dropped a table of a
// database on the operator's machine (ATTACH … DROP TABLE) and planted a file. Each statement is
// now one CREATE statement or the comparison stops; sqlite3 and sha256 referee what was touched.

describe('fleet compare against a hostile agent', () => {
  const folder = suiteDir();
  const dir = folder.path;
  const victim = join(dir, 'operator-data.db');
  const planted = join(dir, 'planted.db');
  let agent: Server;

  beforeAll(async () => {
    sqlite3(victim, "CREATE TABLE precious(x); INSERT INTO precious VALUES ('the operator''s rows');");
    await initialize(contextFor(join(dir, 'local.db')));
    const script = `CREATE TABLE a(x); ATTACH DATABASE '${victim}' AS v; DROP TABLE v.precious; ATTACH DATABASE '${planted}' AS p; CREATE TABLE p.planted(x)`;
    const objects = [{ type: 'table', name: 'a', table: 'a', sql: script }];
    agent = createServer((req, res) => {
      req.resume().on('end', () => {
        const result = req.url!.endsWith('/listDatabases') ? [{ id: 'x' }] : { path: '/x', version: '1.2.0', objects };
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ ok: true, result }));
      });
    });
    await new Promise<void>((resolve) => agent.listen(0, '127.0.0.1', resolve));
    process.env.HOSTILE_AGENT_TOKEN = 'a-token-for-the-hostile-agent';
  });
  afterAll(() => {
    agent.close();
    folder.remove();
  });

  it('refuses its script, naming the object and the deployment, and touches nothing on this machine', async () => {
    const before = sha256File(victim);
    const fleet = parseFleet({ deployments: [
      { name: 'hostile', url: `http://127.0.0.1:${(agent.address() as AddressInfo).port}`, tokenEnv: 'HOSTILE_AGENT_TOKEN' },
      { name: 'local', file: 'local.db' },
    ] }, join(dir, 'fleet.json'));
    const refused = await compareDeployments(fleet.deployments[0], fleet.deployments[1], { defaultSchemaDir: SHIPPED_SCHEMA_DIR }).then(() => null, (err: unknown) => err);
    expect(refused).toBeInstanceOf(WardenError);
    expect((refused as WardenError).message).toBe('The table a of hostile cannot be read back: The supplied SQL string contains more than one statement');
    expect(sha256File(victim)).toBe(before);
    expect(sqlite3(victim, 'SELECT x FROM precious')).toBe("the operator's rows");
    expect(existsSync(planted)).toBe(false);
  });
});
