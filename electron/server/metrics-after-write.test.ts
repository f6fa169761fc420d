import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initialize } from '../engine/actions/initialize';
import { contextFor, SHIPPED_SCHEMA_DIR, sqlite3 } from '../engine/test-support/fixtures';
import { startHttpHost, type HttpHost } from './http-host';
import { callApi, request } from './test-support/http-client';
import { suiteDir } from './test-support/suite-dir';

// GET /metrics right after the host itself backed up or migrated a database. Before, the scrape
// repeated the last periodic check for up to --health-interval (30 s by default): no verified
// backup, the old schema version, pending migrations, just after the operator fixed all three.

describe('warden serve: /metrics right after a write through the host', () => {
  const folder = suiteDir();
  const DB = 'store';
  let server: HttpHost;
  const scrape = async () => {
    const text = (await request(server.origin, '/metrics', { headers: { Authorization: `Bearer ${server.readOnlyToken}` } })).text;
    return new Map(
      text
        .split('\n')
        .filter((l) => l && !l.startsWith('#'))
        .map((l) => [l.slice(0, l.lastIndexOf(' ')), Number(l.slice(l.lastIndexOf(' ') + 1))]),
    );
  };

  beforeAll(async () => {
    await initialize(contextFor(join(folder.path, `${DB}.db`)), { to: '1.0.0' });
    // An interval far longer than the test: what the scrape says comes from the write, not the timer.
    server = await startHttpHost({
      databases: [join(folder.path, `${DB}.db`)],
      schemaDir: SHIPPED_SCHEMA_DIR,
      port: 0,
      rendererDir: join(folder.path, 'none'),
      healthIntervalMs: 10 * 60_000,
      workers: 1,
    });
  });
  afterAll(async () => {
    await server.close();
    folder.remove();
  });

  it('reports the backup and the migration at the next scrape', async () => {
    const before = await scrape();
    expect(before.get(`warden_database_schema_version{database="${DB}"}`)).toBe(1_000_000);
    expect(before.has(`warden_database_last_verified_backup_age_seconds{database="${DB}"}`)).toBe(false);

    expect((await callApi(server.origin, server.token, 'backup', { db: DB })).json.ok).toBe(true);
    const afterBackup = await scrape();
    expect(afterBackup.get(`warden_database_last_verified_backup_age_seconds{database="${DB}"}`)).toBeLessThan(10);

    expect((await callApi(server.origin, server.token, 'migrate', { db: DB })).json.result).toMatchObject({ to: '1.2.0' });
    const afterMigrate = await scrape();
    // sqlite3 is the referee of where the file is.
    expect(sqlite3(join(folder.path, `${DB}.db`), 'SELECT max(version) FROM schema_version')).toBe('1.2.0');
    expect(afterMigrate.get(`warden_database_schema_version{database="${DB}"}`)).toBe(1_002_000);
    expect(afterMigrate.get(`warden_database_pending_migrations{database="${DB}"}`)).toBe(0);
    expect(afterMigrate.get(`warden_database_status{database="${DB}"}`)).toBe(0);
  });
});
