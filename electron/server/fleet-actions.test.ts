import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetActionEntry, FleetActionReport } from '../../shared/types/fleet';
import { HTTP_OPERATOR_HEADER } from '../../shared/transport';
import type { HostEvent, Job } from '../../shared/types/jobs';
import { actorFor } from '../engine/core/history/actor';
import { initialize } from '../engine/actions/initialize';
import { contextFor, seedFiles, sha256File, SHIPPED_SCHEMA_DIR, sqlite3 } from '../engine/test-support/fixtures';
import { loadFleet } from '../fleet/fleet-file';
import { startAgent, type Agent } from '../fleet/test-support/agents';
import { startHttpHost, type HttpHost } from './http-host';
import { listenToEvents, request, type Reply } from './test-support/http-client';
import { suiteDir } from './test-support/suite-dir';

// fleetVerify and fleetBackup: Verify all and Back up all of the console's Fleet page, kept as
// host jobs with each deployment's live step as their progress. Two local files, a real
// `warden serve` agent (its own process) and an agent that is not there. sqlite3 is the referee
// of every backup file; sha256 of what must not change.

const ROWS = 40;

describe('warden serve --fleet: Verify all and Back up all as host jobs', () => {
  const folder = suiteDir();
  const dir = folder.path;
  const db = (n: string) => join(dir, `${n}.db`);
  const backupsOf = (n: string) => (existsSync(`${db(n)}.backups`) ? readdirSync(`${db(n)}.backups`).filter((f) => f.endsWith('.sqlite')) : []);
  const agentTokens = { operator: randomBytes(24).toString('base64url'), readOnly: randomBytes(24).toString('base64url') };
  let agent: Agent;
  let host: HttpHost;

  const call = (method: string, input: unknown, token = host.token): Promise<Reply> =>
    request(host.origin, `/api/${method}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', [HTTP_OPERATOR_HEADER]: 'alice' },
      body: JSON.stringify(input),
    });

  /** A loopback port where nothing listens: the deployment that cannot be reached. */
  async function closedPort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((done) => server.close(() => done()));
    return port;
  }

  beforeAll(async () => {
    for (const n of ['a', 'b', 'vm']) {
      await initialize(contextFor(db(n)), { to: '1.0.0' });
      seedFiles(db(n), ROWS);
    }
    // b holds a session row whose file is gone (foreign keys off): only a full verify (foreign_key_check) finds it.
    sqlite3(db('b'), "PRAGMA foreign_keys=OFF; INSERT INTO session_file_associations (session_id, file_id) VALUES ('s-ghost', 'ghost-file');");
    agent = await startAgent(db('vm'), agentTokens);
    process.env.WARDEN_FLEET_ACTIONS_TEST_TOKEN = agentTokens.operator;
    const deployments = [
      { name: 'a', group: 'production', file: 'a.db' },
      { name: 'b', group: 'production', file: 'b.db' },
      { name: 'vm', group: 'production', url: agent.origin, tokenEnv: 'WARDEN_FLEET_ACTIONS_TEST_TOKEN' },
      { name: 'gone', group: 'staging', url: `http://127.0.0.1:${await closedPort()}`, tokenEnv: 'WARDEN_FLEET_ACTIONS_TEST_TOKEN' },
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

  it('refuses Back up all to the read-only token (403, no backup written) and lets it verify all', async () => {
    const refused = await call('fleetBackup', { parallel: 2 }, host.readOnlyToken);
    expect([refused.status, refused.json.error.code]).toEqual([403, 'FORBIDDEN']);
    for (const n of ['a', 'b', 'vm']) expect(backupsOf(n)).toEqual([]);
    const verified = await call('fleetVerify', { level: 'quick', parallel: 2, group: 'staging' }, host.readOnlyToken);
    expect(verified.status).toBe(200);
    expect((verified.json.result as FleetActionReport).deployments.map((d) => [d.name, d.status])).toEqual([['gone', 'unreachable']]);
  });

  it('verifies every deployment in full as a job: each one seen verifying, then its result; b unhealthy, gone unreachable', async () => {
    const before = { a: sha256File(db('a')), b: sha256File(db('b')) };
    const events = await listenToEvents(host.origin, host.token);
    const reply = await call('fleetVerify', { level: 'full', parallel: 2, operationId: 'verify-all-00001' });
    // The answer may overtake the last progress event on the other connection.
    await events.waitFor((e) => e.type === 'progress' && e.operationId === 'verify-all-00001' && e.progress.done === 4);
    events.close();
    expect(reply.status).toBe(200);
    const report = reply.json.result as FleetActionReport;
    expect(report.stoppedBecause).toBeNull();
    expect(report.notDone).toEqual([]);
    // Worst first; a and vm are at 1.0.0 with 1.1.0 and 1.2.0 pending: degraded.
    expect(report.deployments.map((d) => [d.name, d.status])).toEqual([
      ['gone', 'unreachable'],
      ['b', 'unhealthy'],
      ['a', 'degraded'],
      ['vm', 'degraded'],
    ]);
    expect(report.deployments.find((d) => d.name === 'b')!.detail).toMatch(
      /^1 row\(s\) of session_file_associations point at missing rows of conversation_files/,
    );
    expect(report.deployments.find((d) => d.name === 'gone')!.detail).toMatch(/did not answer verify|did not answer listDatabases/);
    expect({ a: sha256File(db('a')), b: sha256File(db('b')) }).toEqual(before);

    const seen = events.events.flatMap((e: HostEvent) => (e.type === 'progress' && e.operationId === 'verify-all-00001' ? [e.progress.fleetAction ?? []] : []));
    for (const n of ['a', 'b', 'vm', 'gone']) {
      const running = seen.findIndex((entries) => entries.some((d) => d.name === n && d.step === 'running'));
      const done = seen.findIndex((entries) => entries.some((d) => d.name === n && d.step === 'done'));
      expect(running, n).toBeGreaterThanOrEqual(0);
      expect(done, n).toBeGreaterThan(running);
    }
    const job = ((await call('jobs', {})).json.result as Job[]).find((j) => j.id === 'verify-all-00001')!;
    expect(job).toMatchObject({ kind: 'fleetVerify', db: 'fleet', state: 'done', options: { level: 'full', parallel: 2 } });
    expect(job.startedBy).toBe(actorFor('alice via warden serve'));
    expect(job.progress!.fleetAction!.map((d: FleetActionEntry) => [d.name, d.step])).toEqual([
      ['a', 'done'],
      ['b', 'done'],
      ['vm', 'done'],
      ['gone', 'done'],
    ]);
  });

  it('backs up all: the unreachable one is reported, every other takes a backup that sqlite3 finds intact', async () => {
    const reply = await call('fleetBackup', { parallel: 2, operationId: 'backup-all-00001' });
    expect(reply.status).toBe(200);
    const report = reply.json.result as FleetActionReport;
    expect(report.stoppedBecause).toBeNull();
    expect(report.worst).toBe('unreachable');
    const byName = Object.fromEntries(report.deployments.map((d) => [d.name, d]));
    expect(byName.gone.status).toBe('unreachable');
    for (const n of ['a', 'b', 'vm']) {
      // Backed up, and then given the database's own verdict (a backup says nothing of its health: a is at 1.0.0 with steps pending).
      expect(byName[n].backedUp, `${n}: ${byName[n].detail}`).toBe(true);
      const files = backupsOf(n);
      expect(files, n).toHaveLength(1);
      expect(byName[n].detail).toContain(files[0]);
      const backupFile = join(`${db(n)}.backups`, files[0]);
      expect(sqlite3(backupFile, 'PRAGMA integrity_check')).toBe('ok');
      expect(sqlite3(backupFile, 'SELECT count(*) FROM conversation_files')).toBe(String(ROWS));
    }
    // The agent's backup was taken by the agent, for the operator who pressed Back up all.
    expect(sqlite3(db('vm'), "SELECT actor FROM schema_events WHERE action = 'backup' ORDER BY rowid DESC LIMIT 1")).toMatch(/^alice via warden serve/);
    const job = ((await call('jobs', {})).json.result as Job[]).find((j) => j.id === 'backup-all-00001')!;
    expect(job).toMatchObject({ kind: 'fleetBackup', db: 'fleet', state: 'done', options: { parallel: 2 } });
  });

  it('cancelled while the first deployment backs up: its agent is told to cancel, no other deployment starts, and the report says which were not done', async () => {
    for (const n of ['c', 'd']) {
      await initialize(contextFor(db(n)), { to: '1.0.0' });
      seedFiles(db(n), ROWS);
    }
    // An agent whose backup answers only when it is cancelled: a deployment still under way when Cancel is pressed.
    const calls: { method: string; body: Record<string, unknown> }[] = [];
    let answerBackup: ((cancelled: boolean) => void) | null = null;
    const slow: Server = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        const method = req.url!.replace('/api/', '');
        calls.push({ method, body: JSON.parse(text) as Record<string, unknown> });
        const send = (status: number, body: unknown) => res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
        if (method === 'backup')
          answerBackup = () =>
            send(409, { ok: false, error: { code: 'CANCELLED', message: 'backup was cancelled; nothing was changed by the unfinished step.' } });
        else if (method === 'cancel') {
          send(200, { ok: true, result: { cancelled: true } });
          answerBackup?.(true);
        } else send(404, { ok: false, error: { code: 'NOT_FOUND', message: 'no' } });
      });
    });
    await new Promise<void>((done) => slow.listen(0, '127.0.0.1', done));
    const slowOrigin = `http://127.0.0.1:${(slow.address() as AddressInfo).port}`;
    writeFileSync(
      join(dir, 'fleet-2.json'),
      JSON.stringify({
        deployments: [
          { name: 'slow', url: slowOrigin, database: 'main', tokenEnv: 'WARDEN_FLEET_ACTIONS_TEST_TOKEN' },
          { name: 'c', file: 'c.db' },
          { name: 'd', file: 'd.db' },
        ],
      }),
    );
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
      const before = { c: sha256File(db('c')), d: sha256File(db('d')) };
      const post = (method: string, input: unknown) =>
        request(second.origin, `/api/${method}`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${second.token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify(input),
        });
      const events = await listenToEvents(second.origin, second.token);
      const started = post('fleetBackup', { parallel: 1, operationId: 'backup-cancel-001' });
      await events.waitFor(
        (e) =>
          e.type === 'progress' &&
          e.operationId === 'backup-cancel-001' &&
          (e.progress.fleetAction ?? []).some((d) => d.name === 'slow' && d.step === 'running'),
        20_000,
      );
      while (!calls.some((c) => c.method === 'backup')) await new Promise((r) => setTimeout(r, 10));
      expect((await post('cancel', { operationId: 'backup-cancel-001' })).json.result).toEqual({ cancelled: true });
      const report = (await started).json.result as FleetActionReport;
      events.close();

      // The agent was asked to cancel the very operation it was running.
      const backupCall = calls.find((c) => c.method === 'backup')!;
      expect(backupCall.body.operationId).toMatch(/^[A-Za-z0-9-]{8,64}$/);
      expect(calls.find((c) => c.method === 'cancel')!.body).toEqual({ operationId: backupCall.body.operationId });
      expect(report.deployments).toEqual([]);
      expect(report.stoppedBecause).toBe('it was stopped (Cancel in the Jobs panel) with 3 of 3 deployment(s) not done');
      expect(report.notDone.map((d) => [d.name, d.detail])).toEqual([
        ['slow', expect.stringMatching(/^cancelled while backing up \(Cancel in the Jobs panel\): backup was cancelled/)],
        ['c', 'not started: it was stopped (Cancel in the Jobs panel)'],
        ['d', 'not started: it was stopped (Cancel in the Jobs panel)'],
      ]);
      // No backup was started on the deployments after it: no backup file, the databases byte for byte as they were.
      expect(backupsOf('c')).toEqual([]);
      expect(backupsOf('d')).toEqual([]);
      expect({ c: sha256File(db('c')), d: sha256File(db('d')) }).toEqual(before);
      const job = ((await post('jobs', {})).json.result as Job[]).find((j) => j.id === 'backup-cancel-001')!;
      expect(job.progress!.fleetAction!.map((d) => d.step)).toEqual(['not done', 'not done', 'not done']);
    } finally {
      await second.close();
      await new Promise<void>((done) => slow.close(() => done()));
    }
  });

  it('cancelled while a real agent backs up: the agent cancels its own backup (its job ends cancelled, no file left)', async () => {
    // About 240 MB (its backup takes most of a second here), so that the agent is still copying when Cancel reaches it.
    await initialize(contextFor(db('big')), { to: '1.2.0' });
    sqlite3(
      db('big'),
      `WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < 25000)
      INSERT INTO conversation_files (file_id, session_id, original_filename, stored_filename, file_path, file_size, file_hash, mime_type)
      SELECT 'file-' || k, 'session-' || (k % 50), 'f' || k, 's' || k, '/files/' || k, k, hex(randomblob(2000)), 'text/plain' FROM n;`,
    );
    const bigTokens = { operator: randomBytes(24).toString('base64url'), readOnly: randomBytes(24).toString('base64url') };
    const big = await startAgent(db('big'), bigTokens);
    process.env.WARDEN_FLEET_ACTIONS_BIG_TOKEN = bigTokens.operator;
    writeFileSync(
      join(dir, 'fleet-3.json'),
      JSON.stringify({
        deployments: [
          { name: 'big', url: big.origin, tokenEnv: 'WARDEN_FLEET_ACTIONS_BIG_TOKEN' },
          { name: 'e', file: 'a.db' },
        ],
      }),
    );
    const third = await startHttpHost({
      databases: [],
      dataDir: dir,
      schemaDir: SHIPPED_SCHEMA_DIR,
      port: 0,
      rendererDir: join(dir, 'none'),
      healthIntervalMs: 60_000,
      workers: 2,
      fleet: { fleet: loadFleet(join(dir, 'fleet-3.json')), defaultSchemaDir: SHIPPED_SCHEMA_DIR },
    });
    const backupsOfA = backupsOf('a').length;
    try {
      const post = (origin: string, token: string, method: string, input: unknown) =>
        request(origin, `/api/${method}`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Host: new URL(origin).host },
          body: JSON.stringify(input),
        });
      const started = post(third.origin, third.token, 'fleetBackup', { parallel: 1, operationId: 'backup-cancel-002' });
      // Wait until the agent itself runs the backup, then press Cancel on this host.
      let agentJob: Job | undefined;
      for (let i = 0; i < 500 && !agentJob; i++) {
        agentJob = ((await post(big.origin, bigTokens.operator, 'jobs', {})).json.result as Job[]).find((j) => j.kind === 'backup' && j.state === 'running');
        if (!agentJob) await new Promise((r) => setTimeout(r, 10));
      }
      expect(agentJob, 'the agent never ran the backup').toBeDefined();
      expect((await post(third.origin, third.token, 'cancel', { operationId: 'backup-cancel-002' })).json.result).toEqual({ cancelled: true });
      const report = (await started).json.result as FleetActionReport;
      expect(report.notDone.map((d) => [d.name, d.detail])).toEqual([
        ['big', expect.stringMatching(/^cancelled while backing up \(Cancel in the Jobs panel\): /)],
        ['e', 'not started: it was stopped (Cancel in the Jobs panel)'],
      ]);
      // The agent's own record: that very operation ended cancelled, and it left no backup file.
      const ended = ((await post(big.origin, bigTokens.operator, 'jobs', {})).json.result as Job[]).find((j) => j.id === agentJob!.id)!;
      expect(ended.state).toBe('cancelled');
      expect(backupsOf('big')).toEqual([]);
      expect(backupsOf('a')).toHaveLength(backupsOfA);
    } finally {
      await third.close();
      await big.stop();
    }
  }, 60_000);
});
