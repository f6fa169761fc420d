import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallEnvelope } from '../../shared/transport';
import { DatabaseRegistry } from '../api/database-registry';
import { dispatch } from '../api/dispatch';
import { EngineWorkers } from '../api/engine-workers';
import type { HostContext } from '../api/host-context';
import { IntegrityMemory } from '../api/integrity-memory';
import { QueryHistory } from '../api/query-history';
import { Jobs } from '../api/jobs';
import { Operations } from '../api/operations';
import { SchemaCatalog } from '../api/schema-catalog';
import { initialize } from '../engine/actions/initialize';
import { seedAsService } from '../engine/test-support/chat-service';
import { damageMiddlePages } from '../engine/test-support/damage';
import { contextFor, sha256File, SHIPPED_SCHEMA_DIR, sqlite3 } from '../engine/test-support/fixtures';
import { registerApiHandlers } from '../main/ipc';
import { startHttpHost, type HttpHost } from './http-host';
import { callApi } from './test-support/http-client';
import { suiteDir } from './test-support/suite-dir';

// The same start gate whichever way it is called: the web console's initialize over HTTP, and the
// desktop app's IPC handler in front of the same dispatcher. A default flipped on either path
// (no quick_check, no schema verdict) fails here, not only in the CLI's tests.

const folder = suiteDir();
const OBJECTS = "SELECT type || ' ' || name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name";

/** Three databases: one missing conversation_files, one with a table of another shape, one with damaged pages. */
async function brokenDatabases(dir: string): Promise<{ dropped: string; drifted: string; damaged: string; objects: string }> {
  const paths = { dropped: join(dir, 'dropped.db'), drifted: join(dir, 'drifted.db'), damaged: join(dir, 'damaged.db') };
  for (const path of Object.values(paths)) {
    await initialize(contextFor(path), { backup: false });
    seedAsService(path, path === paths.damaged ? 2000 : 40);
  }
  const objects = sqlite3(paths.dropped, OBJECTS);
  sqlite3(paths.dropped, 'PRAGMA foreign_keys = off; DROP TABLE conversation_files;');
  sqlite3(paths.drifted, 'PRAGMA foreign_keys = off; DROP TABLE file_metadata; CREATE TABLE file_metadata (x);');
  damageMiddlePages(paths.damaged);
  return { ...paths, objects };
}

type Call = (method: string, input: unknown) => Promise<CallEnvelope<any>>;

function expectTheGate(call: () => Call, paths: () => Awaited<ReturnType<typeof brokenDatabases>>) {
  it('recreates a dropped table, reports it and the verdict', async () => {
    const reply = await call()('initialize', { db: 'dropped' });
    expect(reply).toMatchObject({
      ok: true,
      result: { upToDate: true, repaired: { recreated: expect.arrayContaining([expect.objectContaining({ kind: 'table', name: 'conversation_files' })]) } },
    });
    expect(reply.ok && reply.result.verdict.status).not.toBe('unhealthy');
    expect(sqlite3(paths().dropped, OBJECTS)).toBe(paths().objects);
  });

  it('refuses drift repair cannot fix, naming it, and writes nothing', async () => {
    const before = sha256File(paths().drifted);
    expect(await call()('initialize', { db: 'drifted' })).toMatchObject({
      ok: false,
      error: { code: 'SCHEMA_DRIFT', message: expect.stringContaining('file_metadata') },
    });
    expect(sha256File(paths().drifted)).toBe(before);
  });

  it('refuses a damaged file (quick_check is on by default on this path too), byte for byte unchanged', async () => {
    const before = sha256File(paths().damaged);
    expect(await call()('initialize', { db: 'damaged' })).toMatchObject({ ok: false, error: { code: 'CORRUPT' } });
    expect(sha256File(paths().damaged)).toBe(before);
  });
}

describe('the start gate through the HTTP host (warden serve)', () => {
  let server: HttpHost;
  let paths: Awaited<ReturnType<typeof brokenDatabases>>;
  beforeAll(async () => {
    paths = await brokenDatabases(join(folder.path, 'http'));
    server = await startHttpHost({
      databases: [paths.dropped, paths.drifted, paths.damaged],
      schemaDir: SHIPPED_SCHEMA_DIR,
      port: 0,
      workers: 2,
      healthIntervalMs: 60_000,
      rendererDir: join(folder.path, 'no-console'),
    });
  });
  afterAll(async () => server.close());

  expectTheGate(
    () => async (method, input) => (await callApi(server.origin, server.token, method, input)).json,
    () => paths,
  );
});

describe("the start gate through the desktop app's IPC handler", () => {
  const engine = new EngineWorkers({ entry: new URL('../api/engine-worker-tsx.mjs', import.meta.url), size: 2 });
  const APP_URL = 'file:///opt/schema-warden/out/renderer/index.html';
  const channels = new Map<string, (event: unknown, input: unknown) => Promise<CallEnvelope<unknown>>>();
  let paths: Awaited<ReturnType<typeof brokenDatabases>>;
  beforeAll(async () => {
    paths = await brokenDatabases(join(folder.path, 'ipc'));
    const host: HostContext = {
      registry: new DatabaseRegistry(),
      schemas: new SchemaCatalog(dirname(SHIPPED_SCHEMA_DIR), 'conversation_files'),
      operations: new Operations(),
      integrity: new IntegrityMemory(),
      queryHistory: new QueryHistory(),
      jobs: new Jobs(() => undefined),
      identity: { via: 'the desktop app', operator: null, asksForOperator: false },
      engine,
      emit: () => undefined,
      capabilities: { placeNewDatabase: async () => null },
    };
    for (const path of [paths.dropped, paths.drifted, paths.damaged]) host.registry.add(path, 'conversation_files');
    // As electron/main/index.ts wires it: the IPC handler in front of the one dispatcher.
    registerApiHandlers({ handle: (channel: string, handler: any) => channels.set(channel, handler) } as any, APP_URL, (method, input) =>
      dispatch(host, method, input),
    );
  });
  afterAll(async () => {
    await engine.close();
    folder.remove();
  });

  const fromTheWindow = { senderFrame: { url: APP_URL, parent: null }, sender: { id: 1 } };
  expectTheGate(
    () => async (method, input) => (await channels.get(`warden:${method}`)!(fromTheWindow, input)) as CallEnvelope<any>,
    () => paths,
  );
});
