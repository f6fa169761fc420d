import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostEvent, Job } from '../../shared/types/jobs';
import { initialize } from '../engine/actions/initialize';
import { contextFor, SHIPPED_SCHEMA_DIR } from '../engine/test-support/fixtures';
import { startHttpHost, type HttpHost } from './http-host';
import { callApi, listenToEvents } from './test-support/http-client';
import { suiteDir } from './test-support/suite-dir';

// The read-only token sees that jobs ran (kind, database, who, when, how they ended), not what
// they held: another operator's SQL, or the words of an error (one carried a file's hash).

const SECRET = 'secret_column_of_the_operator';

describe("other operators' jobs through the read-only token", () => {
  const folder = suiteDir();
  let server: HttpHost;
  beforeAll(async () => {
    await initialize(contextFor(join(folder.path, 'cf.db')));
    server = await startHttpHost({
      databases: [join(folder.path, 'cf.db')],
      schemaDir: SHIPPED_SCHEMA_DIR,
      port: 0,
      rendererDir: join(folder.path, 'none'),
      healthIntervalMs: 60_000,
      workers: 1,
    });
  });
  afterAll(async () => {
    await server.close();
    folder.remove();
  });

  it('jobs and the events stream show kind, who and when, not the SQL or the error text; the operator sees them whole', async () => {
    const readOnlyEvents = await listenToEvents(server.origin, server.readOnlyToken);
    const operatorEvents = await listenToEvents(server.origin, server.token);
    const failed = await callApi(server.origin, server.token, 'query', {
      db: 'cf',
      sql: `SELECT ${SECRET} FROM conversation_files`,
      operationId: 'op-secret-query-1',
    });
    expect(failed.json).toMatchObject({ ok: false, error: { message: expect.stringContaining(SECRET) } });
    const ended = (e: HostEvent) => e.type === 'job' && e.job.id === 'op-secret-query-1' && e.job.state !== 'running';
    const seenReadOnly = (await readOnlyEvents.waitFor(ended)) as Extract<HostEvent, { type: 'job' }>;
    const seenOperator = (await operatorEvents.waitFor(ended)) as Extract<HostEvent, { type: 'job' }>;
    readOnlyEvents.close();
    operatorEvents.close();

    expect(JSON.stringify(readOnlyEvents.events)).not.toContain(SECRET);
    expect(seenReadOnly.job).toMatchObject({ kind: 'query', db: 'cf', state: 'failed', options: {}, error: { code: seenOperator.job.error!.code } });
    expect(JSON.stringify(seenOperator.job)).toContain(SECRET);

    const listed = (await callApi(server.origin, server.readOnlyToken, 'jobs', {})).json.result as Job[];
    const job = listed.find((j) => j.id === 'op-secret-query-1')!;
    expect(job).toMatchObject({ kind: 'query', state: 'failed', startedBy: expect.any(String), startedAt: expect.any(String), endedAt: expect.any(String) });
    expect(JSON.stringify(listed)).not.toContain(SECRET);
    expect(JSON.stringify((await callApi(server.origin, server.token, 'jobs', {})).json)).toContain(SECRET);
  });
});
