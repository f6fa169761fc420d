import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RolloutReport } from '../../shared/types/fleet';
import { consoleHintFor } from '../../shared/console-hints';
import { HTTP_OPERATOR_HEADER } from '../../shared/transport';
import { initialize } from '../engine/actions/initialize';
import { contextFor, seedFiles, SHIPPED_SCHEMA_DIR, sqlite3 } from '../engine/test-support/fixtures';
import { loadFleet } from '../fleet/fleet-file';
import { startHttpHost, type HttpHost } from './http-host';
import { request, type Reply } from './test-support/http-client';
import { suiteDir } from './test-support/suite-dir';

// Two rolling migrates started at once on the same host (two consoles, or a double click): before,
// both ran, rehearsing and migrating the same deployments side by side. The second is refused,
// saying which rollout is under way and what to do; once it has ended, a new one starts.

describe('warden serve --fleet: one rolling migrate at a time', () => {
  const folder = suiteDir();
  const dir = folder.path;
  let host: HttpHost;
  const call = (method: string, input: unknown, who: string): Promise<Reply> =>
    request(host.origin, `/api/${method}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${host.token}`, 'Content-Type': 'application/json', [HTTP_OPERATOR_HEADER]: who },
      body: JSON.stringify(input),
    });

  beforeAll(async () => {
    for (const n of ['a', 'b']) {
      await initialize(contextFor(join(dir, `${n}.db`)), { to: '1.0.0' });
      seedFiles(join(dir, `${n}.db`), 200);
    }
    writeFileSync(
      join(dir, 'fleet.json'),
      JSON.stringify({
        deployments: [
          { name: 'a', file: 'a.db' },
          { name: 'b', file: 'b.db' },
        ],
      }),
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

  it('refuses the second while the first runs (409, naming it), and takes a new one once it has ended', async () => {
    const [first, second] = await Promise.all([
      call('fleetMigrate', { to: '1.1.0', parallel: 1 }, 'alice'),
      call('fleetMigrate', { to: '1.2.0', parallel: 1 }, 'bob'),
    ]);
    const [done, refused] = first.status === 200 ? [first, second] : [second, first];
    expect((done.json.result as RolloutReport).outcome).toBe('completed');
    const to = (done.json.result as RolloutReport).to;
    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe('ALREADY_EXISTS');
    expect(refused.json.error.message).toMatch(
      new RegExp(
        `^A rolling migrate is already under way on this host: to ${to.replace(/\./g, '\\.')}, started by (alice|bob) via warden serve \\(.*\\) at \\S+\\. A second one is not started\\.$`,
      ),
    );
    expect(consoleHintFor(refused.json.error, 'fleetMigrate')).toMatch(/^Wait for the rolling migrate under way to end/);
    // Each database went through one rollout: one pre-migrate step per version, no step twice.
    for (const n of ['a', 'b'])
      expect(sqlite3(join(dir, `${n}.db`), 'SELECT group_concat(version) FROM schema_version')).toBe(to === '1.1.0' ? '1.0.0,1.1.0' : '1.0.0,1.1.0,1.2.0');

    const next = await call('fleetMigrate', { to: '1.2.0', parallel: 1 }, 'alice');
    expect([next.status, (next.json.result as RolloutReport).outcome]).toEqual([200, 'completed']);
  }, 60_000);
});
