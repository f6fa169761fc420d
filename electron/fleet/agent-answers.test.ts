import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backup } from '../engine/actions/backup';
import { initialize } from '../engine/actions/initialize';
import { contextFor, SHIPPED_SCHEMA_DIR } from '../engine/test-support/fixtures';
import { startHttpHost, type HttpHost } from '../server/http-host';
import { suiteDir } from '../server/test-support/suite-dir';
import { ANSWER_LIMITS, misshapen, overLimits } from './agent-answers';
import { parseFleet } from './fleet-file';
import { fleetStatus } from './fleet-status';

// Hostile agents whose answers are valid JSON within the byte cap of old, but cost the host
// far more once parsed (an outside red team's 200 MB of `[{},{},…]` killed `warden serve --fleet`),
// or carry one wrong-typed field (which failed the whole fleet status). Each must be that
// deployment's own failure, bounded in memory, with the real agent beside it read as usual.

const MB = 1024 * 1024;
const STATUS_OK = {
  exists: true,
  status: 'healthy',
  reason: 'fine',
  version: '1.2.0',
  latest: '1.2.0',
  pending: [],
  problems: [],
  checkedAt: '2026-12-07T00:00:00.000Z',
};

/** `[{},{},…]` of about `bytes` bytes: tiny as text, millions of objects once parsed. */
const flood = (bytes: number) => `{"ok":true,"result":[${'{},'.repeat(Math.floor(bytes / 3))}{}]}`;

/** A fake agent: answers listDatabases as a real one, and `status` with `status` (bytes made once: the fake's own cost is not the host's). */
function fakeAgent(status: Buffer): Server {
  return createServer((req, res) => {
    const reply = (text: string | Buffer) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(text);
    if (req.url === '/api/listDatabases') return reply('{"ok":true,"result":[{"id":"db"}]}');
    if (req.url === '/api/backups') return reply('{"ok":true,"result":[]}');
    return reply(status);
  });
}

describe('what an answer may cost, decided on its text', () => {
  it('counts objects, lists and depth without being fooled by strings', () => {
    const limits = { bytes: MB, containers: 3, depth: 2 };
    expect(overLimits('{"a":[1,2],"b":"[[[[{{{{"}', limits)).toBeNull();
    expect(overLimits('[{},{},{}]', limits)).toMatch(/more than 3 objects and lists/);
    expect(overLimits('[[[1]]]', limits)).toMatch(/deeper than 2 levels/);
    expect(overLimits('"\\"[[[[["', limits)).toBeNull();
    expect(overLimits('x'.repeat(MB + 1), limits)).toMatch(/more than the 1 MB/);
  });

  it('names the first field of an answer that is not what the method answers', () => {
    expect(misshapen('status', STATUS_OK)).toBeNull();
    expect(misshapen('status', { ...STATUS_OK, problems: 'x' })).toMatch(/^problems: /);
    expect(misshapen('status', { ...STATUS_OK, status: 'pwned' })).toMatch(/^status: /);
    expect(misshapen('status', { ...STATUS_OK, pending: 'abc' })).toMatch(/^pending: /);
    expect(misshapen('backups', [{ name: 'a', createdAt: 'x', bytes: 1, version: null, verified: { ok: 'yes' } }])).toMatch(/^0\.verified\.ok: /);
  });
});

describe('fleet status against agents whose answers are costly or misshapen', () => {
  const folder = suiteDir();
  const servers: Server[] = [];
  const origins: Record<string, string> = {};
  let agent: HttpHost;

  const answers: Record<string, string> = {
    // The red team's attack: 200 MB, under the old 256 MB cap; now cut at the status cap, unread.
    'flood-200mb': flood(200 * MB),
    // Under the status byte cap, yet over a million objects: refused by count, never parsed.
    'flood-under-cap': flood(ANSWER_LIMITS.status.bytes - 64),
    deep: `{"ok":true,"result":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
    'problems-x': JSON.stringify({ ok: true, result: { ...STATUS_OK, problems: 'x' } }),
    'status-pwned': JSON.stringify({ ok: true, result: { ...STATUS_OK, status: 'pwned' } }),
    'pending-abc': JSON.stringify({ ok: true, result: { ...STATUS_OK, pending: 'abc' } }),
  };

  beforeAll(async () => {
    for (const [name, answer] of Object.entries(answers)) {
      const server = fakeAgent(Buffer.from(answer));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      servers.push(server);
      origins[name] = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    }
    await initialize(contextFor(join(folder.path, 'real.db')));
    await backup(contextFor(join(folder.path, 'real.db'))); // healthy, not 'not backed up'
    agent = await startHttpHost({
      databases: [join(folder.path, 'real.db')],
      schemaDir: SHIPPED_SCHEMA_DIR,
      port: 0,
      rendererDir: join(folder.path, 'none'),
      healthIntervalMs: 60_000,
      workers: 1,
    });
    process.env.WARDEN_HOSTILE_FLEET_TOKEN = 'a-token-for-the-hostile-agents-test';
    process.env.WARDEN_HOSTILE_REAL_TOKEN = agent.token;
  });
  afterAll(async () => {
    for (const server of servers) server.closeAllConnections(), server.close();
    await agent.close();
    folder.remove();
  });

  it('each is its own deployment\'s "not Schema Warden", the real agent beside them healthy, the heap bounded', async () => {
    const fleet = parseFleet(
      {
        deployments: [
          ...Object.keys(answers).map((name) => ({ name, url: origins[name], tokenEnv: 'WARDEN_HOSTILE_FLEET_TOKEN' })),
          { name: 'real', url: agent.origin, tokenEnv: 'WARDEN_HOSTILE_REAL_TOKEN' },
        ],
      },
      join(folder.path, 'fleet.json'),
    );
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const report = await fleetStatus(fleet, fleet.deployments, { defaultSchemaDir: SHIPPED_SCHEMA_DIR, quickTimeoutMs: 20_000 }, { waitMs: 25_000 });
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
    const why = Object.fromEntries(report.deployments.map((d) => [d.name, `${d.status}: ${d.reason}`]));
    const cap = ANSWER_LIMITS.status.bytes / MB;
    expect(why['flood-200mb']).toBe(
      `unreachable: ${origins['flood-200mb']} did not answer status (its answer ran past ${cap} MB, more than this call ever needs).`,
    );
    expect(why['flood-under-cap']).toMatch(
      /answered status, but its answer holds more than 50,000 objects and lists, more than this call ever needs; the answer was dropped unread/,
    );
    expect(why.deep).toMatch(/answered status, but its answer nests deeper than 32 levels/);
    expect(why['problems-x']).toMatch(/^unreachable: .* answered status with something that is not Schema Warden's answer \(problems: /);
    expect(why['status-pwned']).toMatch(/not Schema Warden's answer \(status: /);
    expect(why['pending-abc']).toMatch(/not Schema Warden's answer \(pending: /);
    expect(why.real).toBe('healthy: At 1.2.0, the latest version; the schema is as expected.');
    // Parsed, the under-cap flood alone is 1.4 million objects (about 80 MB of heap); measured, nothing of it is built.
    expect(heapGrowth).toBeLessThan(64 * MB);
  }, 60_000);
});
