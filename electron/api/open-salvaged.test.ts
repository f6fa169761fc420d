import { copyFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DatabaseEntry } from '../../shared/types/databases';
import type { SalvageReport } from '../../shared/types/repair';
import { backup } from '../engine/actions/backup';
import { initialize } from '../engine/actions/initialize';
import { damageLeafOf } from '../engine/test-support/damage';
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

// "Open the salvaged file": the new file a salvage made beside a served database, served as a
// database of its own so the console can check it and work on it. Named by its file name as the
// salvage report gives it (no path over the wire), and only a salvage output of that database.

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

describe('openSalvaged', () => {
  it('serves the salvaged file under an id of its own, a database like any other (its rows as sqlite3 counts them); the damaged one is untouched', async () => {
    const dbPath = join(folder.path, 'chat.db');
    await initialize(contextFor(dbPath));
    seedFiles(dbPath, 400);
    // A page of the access log, a table no other points at: what the salvage loses leaves no child row without its parent.
    damageLeafOf(dbPath, 'file_access_log', 2);
    const damagedHash = sha256File(dbPath);
    const ctx = host();
    const live = ctx.registry.add(dbPath, 'conversation_files');

    const salvaged = (await dispatch(ctx, 'salvage', { db: live.id })) as { ok: true; result: SalvageReport };
    expect(salvaged.ok).toBe(true);
    const file = basename(salvaged.result.out);
    expect(file).toMatch(/^chat-salvaged-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z\.db$/);

    const opened = (await dispatch(ctx, 'openSalvaged', { db: live.id, file })) as { ok: true; result: DatabaseEntry };
    expect(opened).toMatchObject({ ok: true, result: { name: file, path: salvaged.result.out, schema: 'conversation_files' } });
    expect(opened.result.id).not.toBe(live.id);
    expect(opened.result.backupOf).toBeUndefined();
    expect(ctx.registry.list().map((e) => e.path)).toEqual([dbPath, salvaged.result.out]);
    const rows = (await dispatch(ctx, 'rows', { db: opened.result.id, table: 'conversation_files', withTotal: true })) as {
      ok: true;
      result: { total: number };
    };
    expect(rows.result.total).toBe(Number(sqlite3(salvaged.result.out, 'SELECT count(*) FROM conversation_files')));
    // Not backed up yet: it needs attention until it is, and then it is healthy.
    expect(await dispatch(ctx, 'status', { db: opened.result.id })).toMatchObject({ ok: true, result: { status: 'degraded', problems: [{ kind: 'backup' }] } });
    await backup(contextFor(salvaged.result.out));
    expect(await dispatch(ctx, 'status', { db: opened.result.id })).toMatchObject({ ok: true, result: { status: 'healthy', problems: [] } });
    // Opened twice: the same entry.
    expect(await dispatch(ctx, 'openSalvaged', { db: live.id, file })).toMatchObject({ ok: true, result: { id: opened.result.id } });
    expect(sha256File(dbPath)).toBe(damagedHash);
  });

  it("only the salvage outputs of that database, by name: another database's, a missing one, and one asked of a backup are refused", async () => {
    const dbPath = join(folder.path, 'shop.db');
    await initialize(contextFor(dbPath));
    const taken = await backup(contextFor(dbPath));
    const ctx = host();
    const live = ctx.registry.add(dbPath, 'conversation_files');
    // Another database's salvage output in the same folder is not this database's.
    const others = join(folder.path, 'other-salvaged-2026-11-30T16-45-00-123Z.db');
    copyFileSync(dbPath, others);
    expect(await dispatch(ctx, 'openSalvaged', { db: live.id, file: basename(others) })).toMatchObject({
      ok: false,
      error: {
        code: 'INVALID_INPUT',
        message: 'other-salvaged-2026-11-30T16-45-00-123Z.db is not a file that a salvage of shop.db makes (those are named shop-salvaged-TIME.db).',
      },
    });
    expect(await dispatch(ctx, 'openSalvaged', { db: live.id, file: 'shop-salvaged-2026-11-30T16-45-00-123Z.db' })).toMatchObject({
      ok: false,
      error: {
        code: 'NOT_FOUND',
        message: expect.stringMatching(
          /^No salvaged file named shop-salvaged-2026-11-30T16-45-00-123Z\.db beside .*shop\.db: it was moved or removed since the salvage\.$/,
        ),
      },
    });
    expect(await dispatch(ctx, 'openSalvaged', { db: live.id, file: '../shop-salvaged-2026-11-30T16-45-00-123Z.db' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    const look = (await dispatch(ctx, 'openBackup', { db: live.id, backup: taken.name })) as { ok: true; result: DatabaseEntry };
    expect(await dispatch(ctx, 'openSalvaged', { db: look.result.id, file: 'shop-salvaged-2026-11-30T16-45-00-123Z.db' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    expect(ctx.registry.list()).toHaveLength(2);
  });
});
