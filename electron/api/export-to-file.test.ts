import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ExportStarted } from '../../shared/types/data';
import type { HostEvent } from '../../shared/types/jobs';
import { initialize } from '../engine/actions/initialize';
import { contextFor, seedFiles, SHIPPED_SCHEMA_DIR } from '../engine/test-support/fixtures';
import { suiteDir } from '../server/test-support/suite-dir';
import { DatabaseRegistry } from './database-registry';
import { dispatch } from './dispatch';
import { EngineWorkers } from './engine-workers';
import type { HostCapabilities, HostContext } from './host-context';
import { IntegrityMemory } from './integrity-memory';
import { Jobs } from './jobs';
import { Operations } from './operations';
import { QueryHistory } from './query-history';
import { SchemaCatalog } from './schema-catalog';

// The desktop app's export: written where its save dialog says, private to the user, whole or not
// at all: a cancelled export leaves the file the user picked as it was, and no .partial beside it.

const engine = new EngineWorkers({ entry: new URL('./engine-worker-tsx.mjs', import.meta.url), size: 1 });
const folder = suiteDir();
afterAll(async () => {
  await engine.close();
  folder.remove();
});

function host(capabilities: Partial<HostCapabilities>, emit: (event: HostEvent) => void = () => {}): HostContext {
  return {
    registry: new DatabaseRegistry(),
    schemas: new SchemaCatalog(dirname(SHIPPED_SCHEMA_DIR), 'conversation_files'),
    operations: new Operations(),
    integrity: new IntegrityMemory(),
    queryHistory: new QueryHistory(),
    jobs: new Jobs(() => {}),
    identity: { via: 'a test host', operator: null, asksForOperator: false },
    engine,
    emit,
    capabilities: { placeNewDatabase: async (name) => join(folder.path, name), ...capabilities },
  };
}

describe('exportResult in the desktop app', () => {
  it('writes the whole filtered table into the chosen file, mode 0600, as sqlite3 -csv -header prints it', async () => {
    const dbPath = join(folder.path, 'shop.db');
    await initialize(contextFor(dbPath));
    seedFiles(dbPath, 2500);
    const target = join(folder.path, 'picked.csv');
    const asked: string[] = [];
    const ctx = host({ chooseExportFile: async (name) => (asked.push(name), target) });
    const db = ctx.registry.add(dbPath, 'conversation_files').id;
    const filters = [{ column: 'session_id', op: 'eq', value: 'session-7' }];
    const answer = await dispatch(ctx, 'exportResult', { db, format: 'csv', table: 'conversation_files', filters });
    expect(answer.ok).toBe(true);
    const started = (answer as { ok: true; result: ExportStarted }).result;
    expect(asked).toEqual([`${db}-conversation_files.csv`]);
    expect(started).toMatchObject({ savedTo: target, download: null });
    const referee = execFileSync(
      'sqlite3',
      ['-csv', '-header', dbPath, "SELECT * FROM conversation_files WHERE session_id = 'session-7' ORDER BY file_id, rowid"],
      {
        encoding: 'utf8',
      },
    );
    expect(readFileSync(target, 'utf8')).toBe(referee);
    expect(started.rows).toBe(referee.split('\n').length - 2);
    expect(statSync(target).mode & 0o777).toBe(0o600);
  });

  it('cancelled halfway: the file the user picked is as it was, and no .partial is left', async () => {
    const dbPath = join(folder.path, 'big.db');
    await initialize(contextFor(dbPath));
    seedFiles(dbPath, 20_000);
    const target = join(folder.path, 'kept.csv');
    writeFileSync(target, 'what was there before\n');
    let ctx: HostContext;
    const emit = (event: HostEvent) => {
      if (event.type === 'progress' && event.progress.done >= 2000) ctx.operations.cancel('export-cancel-1');
    };
    ctx = host({ chooseExportFile: async () => target }, emit);
    const db = ctx.registry.add(dbPath, 'conversation_files').id;
    const answer = await dispatch(ctx, 'exportResult', { db, format: 'jsonl', table: 'conversation_files', operationId: 'export-cancel-1' });
    expect(answer).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    expect(readFileSync(target, 'utf8')).toBe('what was there before\n');
    expect(existsSync(`${target}.partial`)).toBe(false);
  });
});
