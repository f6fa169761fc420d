import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initialize } from './initialize';
import { migrate } from './migrate';
import { plan } from './plan';
import { status } from './status';
import { contextFor, seedFiles, sha256File, sqlite3, tempDir } from '../test-support/fixtures';
import { buildUnversioned, schemaVariant } from '../test-support/schema-variants';

async function databaseAt(version: string, files = 0): Promise<string> {
  const dbPath = join(tempDir(), 'db.sqlite');
  await initialize(contextFor(dbPath), { to: version });
  if (files) seedFiles(dbPath, files);
  return dbPath;
}

const codes = (p: ReturnType<typeof plan>) => p.blockers.map((b) => b.code);

describe('plan', () => {
  it('of a 1.0.0 database lists 1.1.0 and 1.2.0 with their checksums, SQL and rebuild warnings', async () => {
    const dbPath = await databaseAt('1.0.0', 10);
    const before = sha256File(dbPath);
    const ctx = contextFor(dbPath);
    const result = plan(ctx);
    expect(result).toMatchObject({ path: dbPath, from: '1.0.0', to: '1.2.0', blockers: [], drift: [] });
    expect(result.steps.map((s) => s.version)).toEqual(['1.1.0', '1.2.0']);
    for (const step of result.steps) {
      const migration = ctx.schema.migrations.find((m) => m.version === step.version)!;
      expect(step).toMatchObject({ file: migration.file, checksum: migration.checksum, sql: migration.sql, description: migration.description });
      expect(step.warnings.filter((w) => w.rule === 'table-rebuild' && w.severity === 'danger')).toHaveLength(1);
    }
    expect(result.steps[0].warnings.find((w) => w.rule === 'table-rebuild')!.message).toContain('Rebuilds table file_access_log');
    expect(result.steps[1].warnings.find((w) => w.rule === 'table-rebuild')!.message).toContain('Rebuilds table conversation_files');
    expect(sha256File(dbPath)).toBe(before);
  });

  it('honours --to, and has nothing to do at the latest version', async () => {
    expect(plan(contextFor(await databaseAt('1.0.0')), { to: '1.1.0' }).steps.map((s) => s.version)).toEqual(['1.1.0']);
    expect(plan(contextFor(await databaseAt('1.2.0')))).toMatchObject({ from: '1.2.0', steps: [], blockers: [] });
  });

  it('of a fresh (empty) file is every migration, and names the tables it will create', async () => {
    const dbPath = join(tempDir(), 'empty.db');
    new Database(dbPath).close();
    const fresh = plan(contextFor(dbPath));
    expect(fresh.steps.map((s) => s.version)).toEqual(['1.0.0', '1.1.0', '1.2.0']);
    // The tables it will have, as sqlite3 lists them once initialized (the version tables, Schema Warden's and the service's, left out).
    const other = join(tempDir(), 'initialized.db');
    await initialize(contextFor(other));
    const listed = sqlite3(
      other,
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT IN ('schema_version', 'schema_events', 'schema_migrations') ORDER BY name",
    ).split('\n');
    expect(fresh.tables).toEqual(listed);
    expect(fresh.tables).toHaveLength(5);
  });

  it('refuses an unknown target and a missing file', async () => {
    const dbPath = await databaseAt('1.0.0');
    expect(() => plan(contextFor(dbPath), { to: '1.5.0' })).toThrow(expect.objectContaining({ code: 'UNKNOWN_VERSION' }));
    expect(() => plan(contextFor(join(tempDir(), 'nothing.db')))).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });
});

describe('plan blockers, and migrate refusing the same plan', () => {
  it('an edited applied migration blocks, naming the file and the way out; migrate changes nothing', async () => {
    const dbPath = await databaseAt('1.1.0');
    const edited = contextFor(dbPath)
      .schema.migrations.find((m) => m.version === '1.1.0')!
      .sql.replace('-- A CHECK', '-- Edited later. A CHECK');
    const ctx = contextFor(dbPath, schemaVariant({ '1.1.0__access_log_reference_type.sql': edited }));
    const result = plan(ctx);
    expect(codes(result)).toEqual(['CHECKSUM_MISMATCH']);
    expect(result.blockers[0].message).toContain('1.1.0__access_log_reference_type.sql');
    expect(result.blockers[0].next).toEqual([{ action: 'acceptChecksum', version: '1.1.0' }]);
    expect(result.steps.map((s) => s.version)).toEqual(['1.2.0']);
    const before = sha256File(dbPath);
    await expect(migrate(ctx)).rejects.toThrow(expect.objectContaining({ code: 'CHECKSUM_MISMATCH' }));
    expect(sha256File(dbPath)).toBe(before);
  });

  it('a database newer than known: no steps, NEWER_THAN_KNOWN', async () => {
    const dbPath = await databaseAt('1.2.0');
    const ctx = contextFor(dbPath, schemaVariant({ '1.2.0__storage_backend_and_required_mime_type.sql': null }));
    const result = plan(ctx);
    expect(result).toMatchObject({ from: '1.2.0', to: '1.1.0', steps: [] });
    expect(codes(result)).toEqual(['NEWER_THAN_KNOWN']);
  });

  it('asking for an older version: DOWNGRADE_NOT_SUPPORTED', async () => {
    const result = plan(contextFor(await databaseAt('1.2.0')), { to: '1.0.0' });
    expect(codes(result)).toEqual(['DOWNGRADE_NOT_SUPPORTED']);
    expect(result.blockers[0].hint).toContain('restore a backup');
  });

  it('a version added below the current one is out of order, for plan, status and migrate', async () => {
    const dbPath = await databaseAt('1.2.0');
    const ctx = contextFor(dbPath, schemaVariant({ '1.1.5__file_tags.sql': 'CREATE TABLE file_tags (file_id TEXT, tag TEXT);' }));
    const result = plan(ctx);
    expect(codes(result)).toContain('OUT_OF_ORDER');
    const blocker = result.blockers.find((b) => b.code === 'OUT_OF_ORDER')!;
    expect(blocker.message).toContain('1.1.5__file_tags.sql was never applied');
    expect(blocker.hint).toContain('above 1.2.0');
    expect(status(ctx).problems).toContainEqual(expect.objectContaining({ kind: 'version', name: '1.1.5', change: 'missing', severity: 'error' }));
    const before = sha256File(dbPath);
    await expect(migrate(ctx)).rejects.toThrow(expect.objectContaining({ code: 'OUT_OF_ORDER' }));
    expect(sha256File(dbPath)).toBe(before);
  });

  it('drift the migration would trip over blocks, naming the statement and the drift', async () => {
    const dbPath = await databaseAt('1.0.0', 5);
    sqlite3(dbPath, 'DROP TABLE file_access_log');
    const ctx = contextFor(dbPath);
    const result = plan(ctx);
    expect(codes(result)).toEqual(['SCHEMA_DRIFT']);
    expect(result.blockers[0].message).toContain('1.1.0__access_log_reference_type.sql would fail at line 20');
    expect(result.blockers[0].message).toContain('no such table: file_access_log');
    expect(result.blockers[0].message).toContain('Table file_access_log is missing');
    expect(result.blockers[0].next).toEqual([{ action: 'repair' }, { action: 'verify' }]);
    expect(result.drift[0]).toMatchObject({ kind: 'table', name: 'file_access_log', change: 'missing' });
    const before = sha256File(dbPath);
    await expect(migrate(ctx)).rejects.toThrow(expect.objectContaining({ code: 'SCHEMA_DRIFT' }));
    expect(sha256File(dbPath)).toBe(before);
  });

  it('drift the migration does not touch is shown but does not block', async () => {
    const dbPath = await databaseAt('1.0.0');
    sqlite3(dbPath, 'DROP INDEX idx_file_metadata_file_id');
    const result = plan(contextFor(dbPath));
    expect(result.blockers).toEqual([]);
    expect(result.drift).toEqual([expect.objectContaining({ kind: 'index', name: 'idx_file_metadata_file_id', change: 'missing' })]);
  });

  it('an unversioned database blocks with the baseline command to run', () => {
    const dbPath = join(tempDir(), 'db.sqlite');
    buildUnversioned(dbPath, '1.0.0');
    const result = plan(contextFor(dbPath));
    expect(result.steps).toEqual([]);
    expect(codes(result)).toEqual(['NOT_VERSIONED']);
    expect(result.blockers[0].next).toEqual([{ action: 'baseline' }]);
  });

  it('migrate follows the plan it shows', async () => {
    const dbPath = await databaseAt('1.0.0', 20);
    const ctx = contextFor(dbPath);
    const planned = plan(ctx).steps.map((s) => s.version);
    expect((await migrate(ctx)).applied.map((s) => s.version)).toEqual(planned);
  });
});
