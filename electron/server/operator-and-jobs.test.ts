import { METHOD_NAMES } from '../../shared/contract';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_OPERATOR_HEADER } from '../../shared/transport';
import { actorFor } from '../engine/core/history/actor';
import { initialize } from '../engine/actions/initialize';
import { contextFor, SHIPPED_SCHEMA_DIR, sqlite3 } from '../engine/test-support/fixtures';
import { startHttpHost, type HttpHost } from './http-host';
import { listenToEvents, request, type Reply } from './test-support/http-client';
import { suiteDir } from './test-support/suite-dir';

// Who did it, and the jobs every console sees (issue 14), over real HTTP against a real
// `warden serve` host; the sqlite3 shell reads what the history recorded.

function call(server: HttpHost, method: string, input: unknown, operator?: string): Promise<Reply> {
  return request(server.origin, `/api/${method}`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${server.token}`,
      'Content-Type': 'application/json',
      ...(operator === undefined ? {} : { [HTTP_OPERATOR_HEADER]: operator }),
    },
    body: JSON.stringify(input),
  });
}

/** The newest history event as the sqlite3 shell reads it: action|actor. */
const newestEvent = (path: string) => sqlite3(path, "SELECT action || '|' || actor FROM schema_events ORDER BY event_id DESC LIMIT 1");

describe('warden serve without --operator: the name each call sends is recorded', () => {
  const folder = suiteDir();
  let server: HttpHost;
  let current: string;
  let old: string;

  beforeAll(async () => {
    current = join(folder.path, 'current.db');
    old = join(folder.path, 'old.db');
    await initialize(contextFor(current));
    await initialize(contextFor(old), { to: '1.0.0' });
    server = await startHttpHost({
      databases: [current, old],
      schemaDir: SHIPPED_SCHEMA_DIR,
      port: 0,
      rendererDir: join(folder.path, 'no-console'),
      healthIntervalMs: 60_000,
      workers: 2,
    });
  });
  afterAll(async () => {
    await server.close();
    folder.remove();
  });

  it('tells the console to ask for a name', async () => {
    expect((await call(server, 'hostInfo', {})).json).toEqual({
      ok: true,
      result: { operator: null, asksForOperator: true, processActor: actorFor(), readOnly: false, mayCall: METHOD_NAMES },
    });
  });

  it('records the operator of a backup and of a migration as the actor of their history rows', async () => {
    expect((await call(server, 'backup', { db: 'current' }, encodeURIComponent('Zoë Álvarez'))).status).toBe(200);
    expect(newestEvent(current)).toBe(`backup|${actorFor('Zoë Álvarez via warden serve')}`);
    expect(newestEvent(current)).toMatch(/^backup\|Zoë Álvarez via warden serve \(\S+@\S+, pid \d+\)$/);

    expect((await call(server, 'migrate', { db: 'old' }, 'alice')).json).toMatchObject({ ok: true, result: { from: '1.0.0', to: '1.2.0' } });
    expect(newestEvent(old)).toBe(`migrate|${actorFor('alice via warden serve')}`);
    expect(sqlite3(old, "SELECT version || '|' || applied_by FROM schema_version WHERE kind = 'migrate' ORDER BY version")).toBe(
      [`1.1.0|${actorFor('alice via warden serve')}`, `1.2.0|${actorFor('alice via warden serve')}`].join('\n'),
    );
    // The pre-migrate backup acted for her too.
    expect(sqlite3(old, "SELECT count(*) FROM schema_events WHERE action = 'backup' AND actor LIKE 'alice via warden serve (%'")).toBe('1');
  });

  it('a call without a name is recorded as the server process, as before', async () => {
    await call(server, 'backup', { db: 'current' });
    expect(newestEvent(current)).toBe(`backup|${actorFor()}`);
  });

  it('refuses a header that is not a name (400), and writes nothing', async () => {
    const before = sqlite3(current, 'SELECT count(*) FROM schema_events');
    for (const bad of ['', '%E0%A4%A', encodeURIComponent('alice\nbob'), encodeURIComponent('<script>'), 'x'.repeat(65)]) {
      const reply = await call(server, 'backup', { db: 'current' }, bad);
      expect(reply.status).toBe(400);
      expect(reply.json.error).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('X-Warden-Operator') });
    }
    expect(sqlite3(current, 'SELECT count(*) FROM schema_events')).toBe(before);
  });

  it('keeps each long operation as a job that every console is told about and can list, with who started it', async () => {
    const listener = await listenToEvents(server.origin, server.token);
    try {
      const reply = await call(server, 'verify', { db: 'current', level: 'full', operationId: 'op-http-verify-1' }, 'carol');
      expect(reply.status).toBe(200);
      const started = await listener.waitFor((e) => e.type === 'job' && e.job.id === 'op-http-verify-1' && e.job.state === 'running');
      const ended = await listener.waitFor((e) => e.type === 'job' && e.job.id === 'op-http-verify-1' && e.job.state === 'done');
      expect(started.type === 'job' && started.job.startedBy).toBe(actorFor('carol via warden serve'));
      expect(ended.type === 'job' && ended.job.result).toEqual(reply.json.result);
      const jobs = (await call(server, 'jobs', {})).json.result as { id: string; kind: string; state: string }[];
      expect(jobs.find((j) => j.id === 'op-http-verify-1')).toMatchObject({ kind: 'verify', state: 'done', db: 'current', options: { level: 'full' } });
    } finally {
      listener.close();
    }
  });
});

describe('warden serve --operator', () => {
  const folder = suiteDir();
  let server: HttpHost;
  let path: string;

  beforeAll(async () => {
    path = join(folder.path, 'shop.db');
    await initialize(contextFor(path));
    server = await startHttpHost({
      databases: [path],
      schemaDir: SHIPPED_SCHEMA_DIR,
      port: 0,
      rendererDir: join(folder.path, 'no-console'),
      healthIntervalMs: 60_000,
      workers: 1,
      operator: 'bob',
    });
  });
  afterAll(async () => {
    await server.close();
    folder.remove();
  });

  it('records its operator when a call names none, and the console does not ask', async () => {
    expect((await call(server, 'hostInfo', {})).json.result).toMatchObject({ operator: 'bob', asksForOperator: false });
    await call(server, 'backup', { db: 'shop' });
    expect(newestEvent(path)).toBe(`backup|${actorFor('bob via warden serve')}`);
    // A name sent with the call is who acted.
    await call(server, 'backup', { db: 'shop' }, 'dave');
    expect(newestEvent(path)).toBe(`backup|${actorFor('dave via warden serve')}`);
  });
});
