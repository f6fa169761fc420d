import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backup } from '../engine/actions/backup';
import { manifestPathOf } from '../engine/core/backups/backup-manifest';
import { initialize } from '../engine/actions/initialize';
import { contextFor, SHIPPED_SCHEMA_DIR, sha256File, sqlite3 } from '../engine/test-support/fixtures';
import { startHttpHost, type HttpHost } from './http-host';
import { callApi, request } from './test-support/http-client';
import { suiteDir } from './test-support/suite-dir';

// A crafted backup with a valid manifest whose conversation_files is a view making up large
// strings took `warden serve` down through a read-only recover-rows --dry-run, while
// verify-backup called it restorable. Through the host, all three now refuse it alike and the
// host keeps answering.

describe('warden serve and a crafted backup whose table is a view', () => {
  const folder = suiteDir();
  let server: HttpHost;
  let db: string;
  let name: string;

  beforeAll(async () => {
    db = join(folder.path, 'served.db');
    const ctx = contextFor(db);
    await initialize(ctx);
    const taken = await backup(ctx);
    name = taken.name;
    const columns = sqlite3(taken.path, "SELECT name FROM pragma_table_info('conversation_files') ORDER BY cid").split('\n');
    const select = columns.map((c) => (c === 'file_id' ? `'made-up-' || i AS file_id` : `printf('%.*c', 1000000, 'x') AS ${c}`)).join(', ');
    sqlite3(
      taken.path,
      `DROP TABLE conversation_files; CREATE VIEW conversation_files AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3) SELECT ${select} FROM n;`,
    );
    const manifest = JSON.parse(readFileSync(manifestPathOf(taken.path), 'utf8'));
    writeFileSync(manifestPathOf(taken.path), JSON.stringify({ ...manifest, sha256: sha256File(taken.path), bytes: statSync(taken.path).size }));
    server = await startHttpHost({
      databases: [db],
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

  it('verify-backup, a restore preview and recover-rows --dry-run refuse it for the same reason, and health still answers', async () => {
    const why = 'conversation_files is a view where version 1.2.0 has a table';
    const verified = (await callApi(server.origin, server.readOnlyToken, 'verifyBackup', { db: 'served', backup: name })).json;
    expect(verified).toMatchObject({ ok: true, result: { ok: false } });
    expect(verified.result.problems.join(' ')).toContain(`It cannot be restored: it does not hold the schema of version 1.2.0: ${why}`);
    for (const [method, input] of [
      ['previewRestore', { db: 'served', backup: name }],
      ['recoverRows', { db: 'served', table: 'conversation_files', backup: name, dryRun: true }],
    ] as const) {
      const reply = await callApi(server.origin, server.token, method, input);
      expect(reply.json, method).toMatchObject({ ok: false, error: { code: 'BACKUP_INVALID', message: expect.stringContaining(why) } });
    }
    expect([200, 503]).toContain((await request(server.origin, '/api/health')).status);
  });
});
