import { copyFileSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderPlan } from '../../cli/render-plans';
import { commandFor } from '../../cli/suggested-commands';
import { initialize } from './initialize';
import { migrate } from './migrate';
import { plan } from './plan';
import { browseRows } from './rows';
import { loadSchema } from '../core/schema/schema-folder';
import { contextFor, seedFiles, sha256File, SHIPPED_SCHEMA_DIR, sqlite3, tempDir } from '../test-support/fixtures';

// "1.2.0 will fill in mime_type on N rows": the count the plan gives, and the rows the Data view
// browses for it, against what running the migration on a copy really changes (sqlite3 compares).

async function databaseAt(version: string, files: number) {
  const dbPath = join(tempDir(), 'db.sqlite');
  const ctx = contextFor(dbPath);
  await initialize(ctx, { to: version });
  seedFiles(dbPath, files);
  return { dbPath, ctx };
}

/** file_ids whose mime_type the migration changed: the migrated copy beside the original, compared by sqlite3. */
function changedByMigration(original: string, migrated: string): string[] {
  const sql = `ATTACH '${original}' AS o; SELECT n.file_id FROM main.conversation_files n JOIN o.conversation_files c USING (file_id) WHERE n.mime_type IS NOT c.mime_type ORDER BY n.file_id;`;
  const out = sqlite3(migrated, sql);
  return out === '' ? [] : out.split('\n');
}

describe('the rows a pending step will change', () => {
  it('1.2.0 on a 1.1.0 database: the count and the browsed rows are exactly what the migration changes', async () => {
    const { dbPath, ctx } = await databaseAt('1.1.0', 300);
    const before = sha256File(dbPath);
    const migrationPlan = plan(ctx);
    expect(sha256File(dbPath)).toBe(before);
    const [step] = migrationPlan.steps;
    expect(step.version).toBe('1.2.0');
    expect(step.dataChanges).toEqual([
      {
        table: 'conversation_files',
        change: 'fill in mime_type (as application/octet-stream)',
        filters: [{ column: 'mime_type', op: 'isNull' }],
        rows: 100,
        notCounted: null,
        afterEarlierSteps: false,
      },
    ]);

    const copy = join(tempDir(), 'copy.sqlite');
    copyFileSync(dbPath, copy);
    await migrate(contextFor(copy), { backup: false });
    const changed = changedByMigration(dbPath, copy);
    expect(changed.length).toBe(step.dataChanges[0].rows);
    const browsed = await browseRows(ctx, { table: 'conversation_files', filters: step.dataChanges[0].filters, limit: 1000, withTotal: true });
    expect(browsed.total).toBe(changed.length);
    expect(browsed.rows.map((row) => row[0])).toEqual(changed);
    expect(sqlite3(copy, "SELECT count(*) FROM conversation_files WHERE mime_type = 'application/octet-stream'")).toBe('100');
    expect(renderPlan(migrationPlan, commandFor)).toContain(
      '   data      1.2.0 will fill in mime_type (as application/octet-stream) on 100 rows of conversation_files (mime_type IS NULL)\n',
    );
  });

  it('from 1.0.0 the 1.2.0 count is of the rows as they are now, and says the step before it runs first', async () => {
    const { dbPath, ctx } = await databaseAt('1.0.0', 90);
    const steps = plan(ctx).steps;
    expect(steps.map((s) => [s.version, s.dataChanges.length])).toEqual([
      ['1.1.0', 0],
      ['1.2.0', 1],
    ]);
    expect(steps[1].dataChanges[0]).toMatchObject({ rows: 30, afterEarlierSteps: true });
    const copy = join(tempDir(), 'copy.sqlite');
    copyFileSync(dbPath, copy);
    await migrate(contextFor(copy), { backup: false });
    expect(changedByMigration(dbPath, copy).length).toBe(30);
  });

  it('a declared column an earlier step adds is not counted yet, and says why; a version without a migration describes no step', async () => {
    const dir = join(tempDir(), 'schema');
    cpSync(SHIPPED_SCHEMA_DIR, dir, { recursive: true });
    const schemaFile = join(dir, 'schema.json');
    const json = JSON.parse(readFileSync(schemaFile, 'utf8'));
    json.dataChanges['1.2.0'].push({
      table: 'conversation_files',
      change: 'keep local files',
      filters: [{ column: 'storage_backend', op: 'eq', value: 'local' }],
    });
    writeFileSync(schemaFile, JSON.stringify(json));
    const { ctx } = await databaseAt('1.1.0', 6);
    const [, later] = plan({ ...ctx, schema: loadSchema(dir) }).steps[0].dataChanges;
    expect(later.rows).toBeNull();
    expect(later.notCounted).toMatch(/has no column named "storage_backend".*rehearse the plan/);

    json.dataChanges['9.9.9'] = [{ table: 'conversation_files', change: 'do nothing', filters: [] }];
    writeFileSync(schemaFile, JSON.stringify(json));
    expect(Object.keys(loadSchema(dir).dataChanges)).toEqual(['1.2.0']);
  });
});
