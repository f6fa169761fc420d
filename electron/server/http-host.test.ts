import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backup } from '../engine/actions/backup';
import { initialize } from '../engine/actions/initialize';
import { contextFor, seedFiles, SHIPPED_SCHEMA_DIR, sqlite3 } from '../engine/test-support/fixtures';
import { startHttpHost, type HttpHost } from './http-host';
import { fillWithFiles } from './test-support/big-database';
import { callApi, listenToEvents, request, type Reply } from './test-support/http-client';
import { suiteDir } from './test-support/suite-dir';
import { damageMiddlePages } from '../engine/test-support/damage';

// The HTTP host for real: a server on 127.0.0.1, the real engine in its worker threads, real
// database files, sqlite3 to break them.

const STACK_LINE = /\n\s+at .+:\d+/;

function expectNoStack(reply: Reply): void {
  expect(reply.text).not.toMatch(STACK_LINE);
  expect(reply.text).not.toContain('"stack"');
}

function builtConsole(dir: string): string {
  mkdirSync(join(dir, 'assets'), { recursive: true });
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Schema Warden</title><script type="module" src="./assets/app.js"></script>');
  writeFileSync(join(dir, 'assets/app.js'), 'console.log("console");');
  writeFileSync(join(dir, 'assets/app.css'), 'body{}');
  return dir;
}

describe('warden serve: API, security and health', () => {
  const folder = suiteDir();
  const dir = folder.path;
  let server: HttpHost;
  let healthyDb: string;

  beforeAll(async () => {
    healthyDb = join(dir, 'data', 'conversation_files.db');
    await initialize(contextFor(healthyDb));
    await backup(contextFor(healthyDb)); // backed up: healthy, not 'not backed up'
    server = await startHttpHost({
      databases: [healthyDb, join(dir, 'data', 'fresh.db')],
      schemaDir: SHIPPED_SCHEMA_DIR,
      port: 0,
      rendererDir: builtConsole(join(dir, 'renderer')),
      healthIntervalMs: 150,
      workers: 2,
    });
  });
  afterAll(async () => {
    await server.close();
    folder.remove();
  });

  it('answers the API with the token and the engine behind it', async () => {
    const reply = await callApi(server.origin, server.token, 'status', { db: 'conversation_files' });
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({ ok: true, result: { status: 'healthy', version: '1.2.0', path: healthyDb } });
    const list = await callApi(server.origin, server.token, 'listDatabases', {});
    expect(list.json.result.map((d: { id: string }) => d.id)).toEqual(['conversation_files', 'fresh']);
  });

  it('refuses a request without the token, or with a wrong one (401)', async () => {
    const none = await request(server.origin, '/api/status', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"db":"conversation_files"}',
    });
    expect(none.status).toBe(401);
    expect(none.json.error.code).toBe('UNAUTHORIZED');
    expect(none.headers['www-authenticate']).toBe('Bearer');
    const wrong = await callApi(server.origin, `${server.token}x`, 'status', { db: 'conversation_files' });
    expect(wrong.status).toBe(401);
    // The token in the URL is only for the events stream (EventSource cannot send headers).
    const inUrl = await request(server.origin, `/api/status?token=${server.token}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"db":"conversation_files"}',
    });
    expect(inUrl.status).toBe(401);
    expect((await request(server.origin, '/api/events')).status).toBe(401);
  });

  it('refuses a request whose Host header names another server (DNS rebinding)', async () => {
    const reply = await request(server.origin, '/api/status', {
      method: 'POST',
      headers: { Host: `attacker.example:${new URL(server.origin).port}`, Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' },
      body: '{"db":"conversation_files"}',
    });
    expect(reply.status).toBe(421);
    expect(reply.json.error.code).toBe('UNAUTHORIZED');
    expect((await request(server.origin, '/', { headers: { Host: 'attacker.example' } })).status).toBe(421);
    const localhost = await request(server.origin, '/', { headers: { Host: `localhost:${new URL(server.origin).port}` } });
    expect(localhost.status).toBe(200);
  });

  it('answers 404 for a database id it does not serve, and no route takes a path', async () => {
    const reply = await callApi(server.origin, server.token, 'status', { db: 'other' });
    expect(reply.status).toBe(404);
    expect(reply.json.error).toMatchObject({ code: 'UNKNOWN_DATABASE' });
    expect(reply.json.error.message).toContain('"other"');
    const path = await callApi(server.origin, server.token, 'status', { db: '/etc/passwd' });
    expect(path.status).toBe(400);
    expect(path.json.error.message).toMatch(/"db" must be a database id/);
  });

  it('refuses a large body with 413, whether or not it announces its length', async () => {
    const body = JSON.stringify({ db: 'conversation_files', pad: 'x'.repeat(200_000) });
    const announced = await request(server.origin, '/api/status', {
      method: 'POST',
      headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json', 'Content-Length': String(body.length) },
      body,
    });
    expect(announced.status).toBe(413);
    const chunked = await request(server.origin, '/api/status', {
      method: 'POST',
      headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
      body,
    });
    expect(chunked.status).toBe(413);
    expect(chunked.json.error.message).toMatch(/larger than 65536 bytes/);
    // The server still answers afterwards.
    expect((await callApi(server.origin, server.token, 'listSchemas', {})).status).toBe(200);
  });

  it('answers bad input with 400 and a sentence naming the field, never a stack trace', async () => {
    const replies = await Promise.all([
      callApi(server.origin, server.token, 'verify', { db: 'conversation_files', level: 'deep' }),
      callApi(server.origin, server.token, 'status', { db: 'conversation_files', extra: true }),
      request(server.origin, '/api/status', {
        method: 'POST',
        headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' },
        body: '{"db": ',
      }),
      request(server.origin, '/api/status', { method: 'POST', headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'text/plain' }, body: 'db' }),
      callApi(server.origin, server.token, 'initialize', { db: 'fresh', to: '9.9.9' }),
    ]);
    expect(replies.map((r) => r.status)).toEqual([400, 400, 400, 415, 400]);
    expect(replies[0].json.error.message).toBe('Invalid input for verify: "level" must be one of "quick", "full".');
    expect(replies[1].json.error.message).toBe('Invalid input for status: unexpected field "extra".');
    expect(replies[2].json.error.message).toBe('The request body is not valid JSON.');
    expect(replies[4].json.error.code).toBe('UNKNOWN_VERSION');
    for (const reply of replies) expectNoStack(reply);
  });

  it('knows its routes: unknown method 404, GET on a method 405, a method without a handler 501', async () => {
    expect((await callApi(server.origin, server.token, 'dropEverything', {})).status).toBe(404);
    const get = await request(server.origin, '/api/status', { headers: { Authorization: `Bearer ${server.token}` } });
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
    const open = await callApi(server.origin, server.token, 'openDatabase', {});
    expect(open.status).toBe(501);
    expect(open.json.error.message).toMatch(/serves only the ones named when it started/);
  });

  it('creates <name>.db in its data folder, registers it and announces it on the events stream', async () => {
    const events = await listenToEvents(server.origin, server.token);
    try {
      const reply = await callApi(server.origin, server.token, 'createDatabase', { schema: 'conversation_files', version: '1.1.0', name: 'qa_upgrade' });
      expect(reply.status).toBe(200);
      expect(reply.json.result).toMatchObject({ id: 'qa_upgrade', name: 'qa_upgrade.db', path: join(dir, 'data', 'qa_upgrade.db') });
      expect(sqlite3(join(dir, 'data', 'qa_upgrade.db'), 'SELECT max(version) FROM schema_version')).toBe('1.1.0');
      const announced = await events.waitFor((e) => e.type === 'databases' && e.selected === 'qa_upgrade');
      expect(announced.type === 'databases' && announced.databases.map((d) => d.id)).toContain('qa_upgrade');
      const status = await callApi(server.origin, server.token, 'status', { db: 'qa_upgrade' });
      expect(status.json.result).toMatchObject({ version: '1.1.0', pending: ['1.2.0'] });
      const again = await callApi(server.origin, server.token, 'createDatabase', { schema: 'conversation_files', name: 'qa_upgrade' });
      expect(again.status).toBe(409);
      expect(again.json.error.code).toBe('ALREADY_EXISTS');
    } finally {
      events.close();
    }
  });

  it('serves the built console with content types and the CSP, and nothing outside it', async () => {
    const index = await request(server.origin, '/?token=abc');
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.headers['content-security-policy']).toMatch(/script-src 'self';/);
    expect(index.headers['content-security-policy']).not.toMatch(/unsafe-eval/);
    expect(index.headers['referrer-policy']).toBe('no-referrer');
    expect((await request(server.origin, '/assets/app.js')).headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await request(server.origin, '/assets/app.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    for (const path of [
      '/../data/conversation_files.db',
      '/%2e%2e/data/conversation_files.db',
      '/assets/..%2f..%2fdata%2fconversation_files.db',
      '/assets/',
      '/missing.js',
    ]) {
      const reply = await request(server.origin, path);
      expect(reply.status, path).toBe(404);
      expect(reply.text).not.toContain('SQLite format 3');
    }
  });

  it('health: 200 while healthy, then 503 naming the table someone dropped (to the token holder)', async () => {
    const withToken = { headers: { Authorization: `Bearer ${server.token}` } };
    const before = await request(server.origin, '/api/health', withToken);
    expect(before.status).toBe(200);
    expect(before.json).toMatchObject({
      status: 'degraded', // fresh.db is not initialized yet: degraded, still serving
      components: { database: { conversation_files: 'healthy', fresh: 'not_initialized', schema_version: '1.2.0' }, backend: 'running' },
    });
    expect(before.json.databases[0]).toMatchObject({
      name: 'conversation_files',
      path: healthyDb,
      version: '1.2.0',
      latest: '1.2.0',
      pending: [],
      problems: [],
    });

    sqlite3(healthyDb, 'DROP TABLE file_metadata');
    await new Promise((r) => setTimeout(r, 200)); // past the 150 ms cache interval
    const after = await request(server.origin, '/api/health', withToken);
    expect(after.status).toBe(503);
    expect(after.json.status).toBe('unhealthy');
    expect(after.json.components.database.conversation_files).toMatch(/^error: .*file_metadata/);
    expect(after.json.databases[0].problems.join(' ')).toContain('file_metadata');
    expect((await request(server.origin, '/api/health', { headers: { Host: 'anything.example' } })).status).toBe(503);

    // Without the token: the same statuses, and no path, file name, reason or problem.
    const anonymous = await request(server.origin, '/api/health');
    expect(anonymous.status).toBe(503);
    expect(anonymous.json.components.database).toMatchObject({ conversation_files: 'error', fresh: 'not_initialized' });
    for (const db of anonymous.json.databases) expect(Object.keys(db).sort()).toEqual(['checkedAt', 'latest', 'name', 'pending', 'status', 'version']);
    for (const secret of [dir, '.db', 'file_metadata', '/']) expect(anonymous.text, secret).not.toContain(secret);
  });
});

describe('warden serve under load: long calls, progress, cancel, many clients', () => {
  const folder = suiteDir();
  let server: HttpHost;

  beforeAll(async () => {
    const dir = folder.path;
    const big = join(dir, 'big.db');
    await initialize(contextFor(big));
    fillWithFiles(big, 400_000);
    const small = join(dir, 'small.db');
    await initialize(contextFor(small));
    await backup(contextFor(small)); // backed up: healthy, not 'not backed up'
    server = await startHttpHost({
      databases: [big, small],
      schemaDir: SHIPPED_SCHEMA_DIR,
      port: 0,
      rendererDir: join(dir, 'no-console'),
      healthIntervalMs: 60_000,
      workers: 2,
    });
    expect((await request(server.origin, '/api/health')).status).toBe(200); // warms the health cache
  });
  afterAll(async () => {
    await server.close();
    folder.remove();
  });

  it('streams the progress of a long call over server-sent events, tagged with its operation and database', async () => {
    const events = await listenToEvents(server.origin, server.token);
    try {
      const reply = await callApi(server.origin, server.token, 'verify', { db: 'big', level: 'full', operationId: 'verify-full-0001' });
      expect(reply.json).toMatchObject({ ok: true, result: { status: 'healthy', integrity: { level: 'full', ok: true } } });
      const progress = events.events.flatMap((e) => (e.type === 'progress' && e.operationId === 'verify-full-0001' ? [e] : []));
      expect(progress.every((e) => e.db === 'big')).toBe(true);
      const phases = progress.map((e) => e.progress.phase);
      // The full check runs per table on every core: its progress is pages checked, under one phase.
      expect(phases).toEqual(expect.arrayContaining(['schema', 'integrity_check', expect.stringMatching(/^integrity_check on \d+ threads$/), 'done']));
      const pages = progress.filter((e) => e.progress.unit === 'pages').map((e) => e.progress.done);
      expect(pages).toEqual([...pages].sort((a, b) => a - b));
    } finally {
      events.close();
    }
  });

  it('keeps answering health checks and other clients while a long call runs', async () => {
    let longCallDone = false;
    const events = await listenToEvents(server.origin, server.token);
    const longCall = callApi(server.origin, server.token, 'verify', { db: 'big', level: 'full', operationId: 'verify-full-0002' }).then((r) => {
      longCallDone = true;
      return r;
    });
    await events.waitFor((e) => e.type === 'progress' && e.operationId === 'verify-full-0002' && e.progress.phase === 'integrity_check');
    const health = await request(server.origin, '/api/health');
    const status = await callApi(server.origin, server.token, 'status', { db: 'small' });
    expect(longCallDone).toBe(false);
    expect(health.status).toBe(200);
    expect(status.json.result.status).toBe('healthy');
    expect((await longCall).status).toBe(200);
    events.close();
  });

  it('answers many concurrent clients', async () => {
    const clients = Array.from({ length: 40 }, async (_, k) => {
      const replies: Reply[] = [];
      for (let round = 0; round < 5; round++) {
        replies.push(
          await (k % 3 === 0
            ? request(server.origin, '/api/health')
            : k % 3 === 1
              ? callApi(server.origin, server.token, 'status', { db: 'small' })
              : callApi(server.origin, server.token, 'listDatabases', {})),
        );
      }
      return replies;
    });
    const all = (await Promise.all(clients)).flat();
    expect(all).toHaveLength(200);
    expect(all.every((r) => r.status === 200)).toBe(true);
  });

  it('cancels a running call at its next step, and a queued one before it starts', async () => {
    const events = await listenToEvents(server.origin, server.token);
    const cancel = async (operationId: string) => (await callApi(server.origin, server.token, 'cancel', { operationId })).json.result.cancelled as boolean;
    try {
      const running = callApi(server.origin, server.token, 'verify', { db: 'big', level: 'full', operationId: 'cancel-running-1' });
      const blocker = callApi(server.origin, server.token, 'verify', { db: 'big', level: 'full', operationId: 'blocker-0000001' });
      await events.waitFor((e) => e.type === 'progress' && e.operationId === 'blocker-0000001');
      await events.waitFor((e) => e.type === 'progress' && e.operationId === 'cancel-running-1' && e.progress.phase === 'integrity_check');
      // Both workers are busy: this call waits in the queue until it is cancelled.
      const queued = callApi(server.origin, server.token, 'verify', { db: 'small', level: 'full', operationId: 'cancel-queued-1' });

      expect(await cancel('cancel-running-1')).toBe(true);
      await expect.poll(() => cancel('cancel-queued-1'), { timeout: 5_000 }).toBe(true);
      expect(await cancel('never-started-1')).toBe(false);
      for (const reply of [await running, await queued]) {
        expect(reply.status).toBe(409);
        expect(reply.json.error.code).toBe('CANCELLED');
      }
      expect((await blocker).status).toBe(200);
      expect(events.events.some((e) => e.type === 'progress' && e.operationId === 'cancel-queued-1')).toBe(false);
    } finally {
      events.close();
    }
  });
});

describe('warden serve: live status', () => {
  const folder = suiteDir();
  let server: HttpHost;
  let live: string;
  let damaged: string;

  beforeAll(async () => {
    live = join(folder.path, 'live.db');
    damaged = join(folder.path, 'damaged.db');
    await initialize(contextFor(live));
    await backup(contextFor(live)); // backed up: healthy, not 'not backed up'
    await initialize(contextFor(damaged));
    seedFiles(damaged, 1500);
    damageMiddlePages(damaged);
    server = await startHttpHost({
      databases: [live, damaged],
      schemaDir: SHIPPED_SCHEMA_DIR,
      port: 0,
      rendererDir: join(folder.path, 'no-console'),
      healthIntervalMs: 300,
      workers: 1,
    });
  });
  afterAll(async () => {
    await server.close();
    folder.remove();
  });

  it('re-checks every interval by itself and pushes each status; a table dropped behind its back arrives as unhealthy', async () => {
    const events = await listenToEvents(server.origin, server.token);
    try {
      await events.waitFor((e) => e.type === 'status' && e.db === 'live' && e.status?.status === 'healthy');
      sqlite3(live, 'DROP TABLE file_cleanup_queue;'); // the referee breaks it; nobody asks the host
      const broken = await events.waitFor((e) => e.type === 'status' && e.db === 'live' && e.status?.status === 'unhealthy');
      expect(broken.type === 'status' && broken.status?.reason).toMatch(/file_cleanup_queue/);
    } finally {
      events.close();
    }
  });

  it('a file with 20 pages overwritten in its middle: health 503, its status unhealthy with the failed quick_check', async () => {
    const anonymous = await request(server.origin, '/api/health');
    expect(anonymous.status).toBe(503);
    expect(anonymous.json.databases.find((d: { name: string }) => d.name === 'damaged')).toMatchObject({ status: 'unhealthy' });
    // The reason (it names the check's findings) is for the token holder only.
    const health = await request(server.origin, '/api/health', { headers: { Authorization: `Bearer ${server.token}` } });
    expect(health.status).toBe(503);
    expect(health.json.databases.find((d: { name: string }) => d.name === 'damaged')).toMatchObject({
      status: 'unhealthy',
      reason: expect.stringMatching(/quick_check failed/),
    });
    const status = await callApi(server.origin, server.token, 'status', { db: 'damaged' });
    expect(status.json.result).toMatchObject({ status: 'unhealthy', integrity: { ok: false } });
  });
});

describe('warden serve: Close stops serving a database for this server', () => {
  const folder = suiteDir();
  let server: HttpHost;
  let kept: string;
  let closed: string;

  beforeAll(async () => {
    kept = join(folder.path, 'kept.db');
    closed = join(folder.path, 'closed.db');
    await initialize(contextFor(kept));
    await initialize(contextFor(closed));
    sqlite3(closed, 'DROP TABLE file_metadata;'); // unhealthy: the health endpoint answers 503 while it is served
    // A long health interval: the closed database must leave the health document at once, not when the cache expires.
    server = await startHttpHost({
      databases: [kept, closed],
      schemaDir: SHIPPED_SCHEMA_DIR,
      port: 0,
      rendererDir: builtConsole(join(folder.path, 'renderer')),
      healthIntervalMs: 60_000,
      workers: 2,
    });
  });
  afterAll(async () => {
    await server.close();
    folder.remove();
  });

  it('forgets it in the API, the events and the health document, and leaves the file byte for byte', async () => {
    expect((await request(server.origin, '/api/health')).status).toBe(503);
    const before = readFileSync(closed);
    const events = await listenToEvents(server.origin, server.token);
    try {
      const reply = await callApi(server.origin, server.token, 'closeDatabase', { db: 'closed' });
      expect(reply.status).toBe(200);
      expect(reply.json).toEqual({ ok: true, result: { closed: true } });
      const announced = await events.waitFor((e) => e.type === 'databases');
      expect(announced.type === 'databases' && announced.databases.map((d) => d.id)).toEqual(['kept']);
    } finally {
      events.close();
    }
    expect((await callApi(server.origin, server.token, 'listDatabases', {})).json.result.map((d: { id: string }) => d.id)).toEqual(['kept']);
    const status = await callApi(server.origin, server.token, 'status', { db: 'closed' });
    expect([status.status, status.json.error.code]).toEqual([404, 'UNKNOWN_DATABASE']);
    const health = await request(server.origin, '/api/health', { headers: { Authorization: `Bearer ${server.token}` } });
    expect(health.status).toBe(200);
    expect(health.json.databases.map((d: { name: string }) => d.name)).toEqual(['kept']);
    expect(readFileSync(closed).equals(before)).toBe(true);
    expect(sqlite3(closed, 'PRAGMA integrity_check')).toBe('ok');
  });
});
