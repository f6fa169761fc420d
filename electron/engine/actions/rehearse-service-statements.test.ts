import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ServiceStatementResult } from '../../../shared/types/migrations';
import { initialize } from './initialize';
import { plan } from './plan';
import { rehearse } from './rehearse';
import { loadSchema, type SchemaDefinition } from '../core/schema/schema-folder';
import { SERVICE_STATEMENTS_FILE } from '../core/migrations/service-statements';
import { chatService, openAsService, seedAsService } from '../test-support/chat-service';
import { contextFor, sha256File, shippedSchema, tempDir } from '../test-support/fixtures';
import { schemaVariant } from '../test-support/schema-variants';

// The shipped list of the chat service's statements (schemas/conversation_files/service-statements.json)
// run by rehearse on real files: clean at every shipped version, failing where a migration breaks one.

const REFERENCE_LOG = 'Log a reference (a duplicate upload linked to an existing file)';

/** A database at `version` holding rows the service wrote at 1.0.0 (some without a MIME type). */
async function serviceDatabaseAt(version: string, schema = shippedSchema()): Promise<{ dbPath: string; workDir: string }> {
  const dir = tempDir();
  const dbPath = join(dir, 'conversation_files.db');
  await initialize(contextFor(dbPath, schema), { to: '1.0.0' });
  seedAsService(dbPath, 60);
  await initialize(contextFor(dbPath, schema), { to: version });
  const workDir = join(dir, 'work');
  mkdirSync(workDir);
  return { dbPath, workDir };
}

/** The schema folder `schema` with its statement list replaced (an object), or removed (null). */
function withStatementList(schema: SchemaDefinition, list: object | null): SchemaDefinition {
  const file = join(schema.dir, SERVICE_STATEMENTS_FILE);
  if (list === null) rmSync(file);
  else writeFileSync(file, JSON.stringify(list));
  return loadSchema(schema.dir);
}

const outcomes = (results: ServiceStatementResult[]) => results.filter((r) => r.outcome !== 'ok').map((r) => [r.name, r.outcome, r.error]);
const byName = (results: ServiceStatementResult[], name: string) => results.find((r) => r.name === name)!;

describe('rehearse runs the service statements on the migrated copy', () => {
  it.each(['1.1.0', '1.2.0'])('every listed statement works at %s', async (version) => {
    const { dbPath, workDir } = await serviceDatabaseAt(version);
    const report = await rehearse(contextFor(dbPath), { to: version, workDir });
    expect(report.ok).toBe(true);
    expect(report.serviceStatements).toMatchObject({ file: 'service-statements.json', version, notRun: null });
    const results = report.serviceStatements!.results;
    expect(results).toHaveLength(shippedSchema().serviceStatements!.statements.length);
    expect(outcomes(results)).toEqual([]);
  });

  it('at 1.0.0 every statement works but the reference log, which is listed from 1.1.0 on because 1.0.0 really refuses it', async () => {
    const { dbPath, workDir } = await serviceDatabaseAt('1.0.0');
    const report = await rehearse(contextFor(dbPath), { to: '1.0.0', workDir });
    expect(report.ok).toBe(true);
    expect(outcomes(report.serviceStatements!.results)).toEqual([
      [REFERENCE_LOG, 'skipped', 'not run: listed as working from 1.1.0 on, and the database is at 1.0.0'],
    ]);
    // The known upstream bug the `since` stands for: 1.0.0's CHECK on access_type refuses 'reference'.
    const db = openAsService(dbPath);
    try {
      expect(() => chatService(db).logAccess('file-1', 'reference', 'alice', null)).toThrow('CHECK constraint failed');
    } finally {
      db.close();
    }
  });

  it("each statement sees the setup rows and none of the others' writes, with foreign keys on, and the real file stays byte-identical", async () => {
    const { dbPath, workDir } = await serviceDatabaseAt('1.0.0');
    const before = sha256File(dbPath);
    const report = await rehearse(contextFor(dbPath), { workDir });
    expect(report).toMatchObject({ ok: true, reached: '1.2.0' });
    const results = report.serviceStatements!.results;
    expect(results.filter((r) => r.role === 'setup').map((r) => r.rows)).toEqual([1, 1, 1, 1]);
    // Read after the deletes and soft deletes: they were rolled back.
    expect(byName(results, 'Get a file in a session').rows).toBe(1);
    expect(byName(results, 'Delete a batch of files (their other rows go by cascade)').rows).toBe(2);
    expect(sha256File(dbPath)).toBe(before);
    expect(readdirSync(workDir)).toEqual([]);
  });

  it('runs them with foreign keys on, as the service does: a write without its parent fails', async () => {
    const schema = withStatementList(schemaVariant({}), {
      statements: [
        {
          name: 'Add metadata to a file that does not exist',
          sql: 'INSERT INTO file_metadata (file_id, metadata_key, metadata_value) VALUES (?, ?, ?)',
          params: ['no-such-file', 'pages', '1'],
        },
      ],
    });
    const { dbPath } = await serviceDatabaseAt('1.2.0', schema);
    const report = await rehearse(contextFor(dbPath, schema));
    expect(report.ok).toBe(false);
    expect(outcomes(report.serviceStatements!.results)).toEqual([['Add metadata to a file that does not exist', 'failed', 'FOREIGN KEY constraint failed']]);
  });

  it('a 1.2.0 that makes mime_type NOT NULL without ON CONFLICT REPLACE fails its rehearsal, naming the upload without a MIME type', async () => {
    const shipped = shippedSchema().migrations.find((m) => m.version === '1.2.0')!;
    const broken = shipped.sql.replace('mime_type TEXT NOT NULL ON CONFLICT REPLACE DEFAULT', 'mime_type TEXT NOT NULL DEFAULT');
    expect(broken).not.toBe(shipped.sql);
    const schema = schemaVariant({ [shipped.file]: broken });
    const { dbPath, workDir } = await serviceDatabaseAt('1.1.0', schema);
    const before = sha256File(dbPath);
    const report = await rehearse(contextFor(dbPath, schema), { workDir });
    expect(report).toMatchObject({ ok: false, reached: '1.2.0', drift: [], integrity: { ok: true } });
    expect(report.steps.every((s) => s.ok)).toBe(true);
    const failed = report.serviceStatements!.results.filter((r) => r.outcome === 'failed');
    expect(failed).toEqual([
      {
        name: 'Upload a file with no MIME type and no uploader',
        sql: 'INSERT INTO conversation_files (file_id, session_id, original_filename, stored_filename, file_path, file_size, file_hash, mime_type, uploaded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        role: 'write',
        outcome: 'failed',
        rows: null,
        error: 'NOT NULL constraint failed: conversation_files.mime_type',
      },
    ]);
    expect(sha256File(dbPath)).toBe(before);
    expect(readdirSync(workDir)).toEqual([]);
  });

  it('does not run them when a step fails, and says why', async () => {
    const schema = schemaVariant({ '1.3.0__one_file_per_session.sql': 'CREATE UNIQUE INDEX idx_one_file_per_session ON conversation_files (session_id);\n' });
    const { dbPath } = await serviceDatabaseAt('1.2.0', schema);
    const report = await rehearse(contextFor(dbPath, schema));
    expect(report.ok).toBe(false);
    expect(report.serviceStatements).toEqual({
      file: 'service-statements.json',
      version: '1.2.0',
      results: [],
      notRun: 'Step 1.3.0 failed, so the copy never reached the target; fix the step first.',
    });
  });

  it('a failing setup statement fails the rehearsal and the statements that need its rows are not run', async () => {
    const schema = withStatementList(schemaVariant({}), {
      setup: [{ name: 'Upload into a missing table', sql: 'INSERT INTO uploads (id) VALUES (?)', params: ['x'] }],
      statements: [{ name: 'Count uploads', sql: 'SELECT count(*) FROM uploads', params: [] }],
    });
    const { dbPath } = await serviceDatabaseAt('1.2.0', schema);
    const report = await rehearse(contextFor(dbPath, schema));
    expect(report.ok).toBe(false);
    expect(outcomes(report.serviceStatements!.results)).toEqual([
      ['Upload into a missing table', 'failed', 'no such table: uploads'],
      ['Count uploads', 'skipped', 'not run: the setup statement "Upload into a missing table" failed, so the rows it needs are missing'],
    ]);
  });

  it('a schema without a list says so: no statements checked, in the rehearsal and the plan', async () => {
    const schema = withStatementList(schemaVariant({}), null);
    const { dbPath } = await serviceDatabaseAt('1.1.0', schema);
    expect(plan(contextFor(dbPath, schema)).serviceStatements).toBeNull();
    const report = await rehearse(contextFor(dbPath, schema));
    expect(report).toMatchObject({ ok: true, serviceStatements: null });
  });
});

describe('plan shows what the list covers', () => {
  it('counts writes and reads, and names the tables and views they touch at the target', async () => {
    const { dbPath } = await serviceDatabaseAt('1.0.0');
    expect(plan(contextFor(dbPath)).serviceStatements).toEqual({
      file: 'service-statements.json',
      writes: 17,
      reads: 10,
      covered: [
        'conversation_files',
        'file_access_log',
        'file_metadata',
        'session_file_associations',
        'v_active_files',
        'v_pending_cleanups',
        'v_session_file_summary',
      ],
      // The service only reaches it through a trigger and v_pending_cleanups.
      uncovered: ['file_cleanup_queue'],
    });
  });
});
