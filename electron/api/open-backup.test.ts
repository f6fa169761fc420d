import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RowsPage } from '../../shared/types/data';
import type { DatabaseEntry } from '../../shared/types/databases';
import { backup } from '../engine/actions/backup';
import { initialize } from '../engine/actions/initialize';
import { contextFor, seedFiles, sha256File, SHIPPED_SCHEMA_DIR, sqlite3 } from '../engine/test-support/fixtures';
import { suiteDir } from '../server/test-support/suite-dir';
import { DatabaseRegistry } from './database-registry';
import { dispatch } from './dispatch';
import { EngineWorkers } from './engine-workers';
import type { HostContext } from './host-context';
import { IntegrityMemory } from './integrity-memory';
import { QueryHistory } from './query-history';
import { Jobs } from './jobs';
import { Operations } from './operations';
import { SchemaCatalog } from './schema-catalog';

// "Restore into a new file": a backup opened read-only under an id of its own, to look at in the
// Data view before replacing anything. Named by its backup name (no path over the wire); only
// reading methods reach it; the backup stays byte for byte what was verified.

const engine = new EngineWorkers({ entry: new URL('./engine-worker-tsx.mjs', import.meta.url), size: 1 });
const folder = suiteDir();
afterAll(async () => {
  await engine.close();
  folder.remove();
});

function host(): HostContext {
  return {
    registry: new DatabaseRegistry(),
    schemas: new SchemaCatalog(dirname(SHIPPED_SCHEMA_DIR), 'conversation_files'),
    operations: new Operations(),
    integrity: new IntegrityMemory(),
    queryHistory: new QueryHistory(),
    jobs: new Jobs(() => {}),
    identity: { via: 'a test host', operator: null, asksForOperator: false },
    engine,
    emit: () => {},
    capabilities: { placeNewDatabase: async (name) => join(folder.path, name) },
  };
}

describe('openBackup', () => {
  it('registers a backup read-only: its rows can be browsed and queried, nothing can write to it', async () => {
    const dbPath = join(folder.path, 'shop.db');
    await initialize(contextFor(dbPath));
    seedFiles(dbPath, 30);
    const taken = await backup(contextFor(dbPath));
    seedFiles(dbPath, 5, 1000); // written after the backup: the live file has 35 files, the backup 30
    const ctx = host();
    const live = ctx.registry.add(dbPath, 'conversation_files');

    const opened = (await dispatch(ctx, 'openBackup', { db: live.id, backup: taken.name })) as { ok: true; result: DatabaseEntry };
    expect(opened.ok).toBe(true);
    expect(opened.result).toMatchObject({ name: taken.name, path: taken.path, backupOf: live.id });
    expect(opened.result.id).not.toBe(live.id);
    const rows = (await dispatch(ctx, 'rows', { db: opened.result.id, table: 'conversation_files', withTotal: true })) as { ok: true; result: RowsPage };
    expect(rows.result.total).toBe(30);
    expect(Number(sqlite3(dbPath, 'SELECT count(*) FROM conversation_files'))).toBe(35);
    const query = await dispatch(ctx, 'query', { db: opened.result.id, sql: 'SELECT count(*) AS n FROM conversation_files' });
    expect(query).toMatchObject({ ok: true, result: { rows: [[30]] } });

    for (const [method, input] of [
      ['migrate', {}],
      ['repair', {}],
      ['backup', {}],
      ['initialize', {}],
      ['restore', { backup: taken.name }],
      ['recoverRows', { table: 'conversation_files', backup: taken.name }],
    ] as const) {
      const refused = await dispatch(ctx, method, { db: opened.result.id, ...input });
      expect(refused, method).toMatchObject({
        ok: false,
        error: { code: 'READ_ONLY', message: expect.stringContaining('is a backup opened to look at (read-only)') },
      });
    }
    expect(sha256File(taken.path)).toBe(taken.sha256);
    // A backup is not "not backed up": its status has no backup warning.
    expect(await dispatch(ctx, 'status', { db: opened.result.id })).toMatchObject({ ok: true, result: { status: 'healthy', problems: [] } });

    // Only backups the folder lists, by name.
    expect(await dispatch(ctx, 'openBackup', { db: live.id, backup: 'nothing-here.sqlite' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await dispatch(ctx, 'openBackup', { db: live.id, backup: '../shop.db' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });
});
