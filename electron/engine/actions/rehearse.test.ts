import Database from 'better-sqlite3';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initialize } from './initialize';
import { rehearse } from './rehearse';
import { CHILD_TABLES, contextFor, seedFiles, sha256File, shippedSchema, sqlite3, tempDir } from '../test-support/fixtures';
import { schemaVariant } from '../test-support/schema-variants';

/** A database at `version` with `files` files, seeded at 1.0.0 (where mime_type may still be NULL) and migrated up. */
async function seededAt(version: string, files: number, schema = shippedSchema()): Promise<{ dbPath: string; workDir: string }> {
  const dir = tempDir();
  const dbPath = join(dir, 'conversation_files.db');
  await initialize(contextFor(dbPath, schema), { to: '1.0.0' });
  seedFiles(dbPath, files);
  await initialize(contextFor(dbPath, schema), { to: version });
  const workDir = join(dir, 'work');
  mkdirSync(workDir);
  return { dbPath, workDir };
}

describe('rehearse', () => {
  it('rehearses 1.0.0 → 1.2.0 on thousands of rows: equal child counts, no violations, the real file unchanged', async () => {
    const { dbPath, workDir } = await seededAt('1.0.0', 3000);
    const before = sha256File(dbPath);
    const report = await rehearse(contextFor(dbPath), { workDir });
    expect(report).toMatchObject({ path: dbPath, from: '1.0.0', to: '1.2.0', reached: '1.2.0', ok: true, drift: [], integrity: { ok: true } });
    expect(report.steps.map((s) => [s.version, s.ok, s.foreignKeyViolations])).toEqual([
      ['1.1.0', true, 0],
      ['1.2.0', true, 0],
    ]);
    for (const step of report.steps) {
      expect(step.durationMs).toBeGreaterThanOrEqual(0);
      for (const table of CHILD_TABLES) expect(step.rowsAfter[table]).toBe(step.rowsBefore[table]);
      expect(step.rowsAfter.conversation_files).toBe(3000);
    }
    expect(report.steps[0].rowsBefore.file_access_log).toBe(6000);
    expect(sha256File(dbPath)).toBe(before);
    expect(readdirSync(workDir)).toEqual([]);
  });

  it('copies what is still in the -wal file, and leaves the real files alone', async () => {
    const { dbPath } = await seededAt('1.1.0', 50);
    const writer = new Database(dbPath);
    try {
      writer.pragma('journal_mode = WAL');
      writer.pragma('wal_autocheckpoint = 0');
      writer.exec("UPDATE file_metadata SET metadata_value = 'wal' WHERE metadata_id <= 10");
      writer.exec("INSERT INTO file_metadata (file_id, metadata_key, metadata_value) VALUES ('file-1', 'only-in-wal', 'x')");
      const main = sha256File(dbPath);
      const wal = sha256File(`${dbPath}-wal`);
      const report = await rehearse(contextFor(dbPath));
      expect(report.ok).toBe(true);
      expect(report.steps[0].rowsBefore.file_metadata).toBe(51);
      expect(sha256File(dbPath)).toBe(main);
      expect(sha256File(`${dbPath}-wal`)).toBe(wal);
    } finally {
      writer.close();
    }
  });

  it('reports a step that fails, with its statement, and removes the copy', async () => {
    const schema = schemaVariant({
      '1.3.0__one_file_per_session.sql':
        '-- Each session keeps one file.\n\nCREATE UNIQUE INDEX idx_one_file_per_session ON conversation_files (session_id);\n',
    });
    const { dbPath, workDir } = await seededAt('1.2.0', 200, schema);
    const before = sha256File(dbPath);
    const report = await rehearse(contextFor(dbPath, schema), { workDir });
    expect(report).toMatchObject({ ok: false, from: '1.2.0', to: '1.3.0', reached: '1.2.0', drift: [], integrity: { ok: true } });
    expect(report.steps).toHaveLength(1);
    const [step] = report.steps;
    expect(step).toMatchObject({ version: '1.3.0', ok: false, foreignKeyViolations: 0 });
    expect(step.error).toBe('1.3.0__one_file_per_session.sql failed at line 3: UNIQUE constraint failed: conversation_files.session_id.');
    expect(step.failedStatement).toEqual({
      file: '1.3.0__one_file_per_session.sql',
      line: 3,
      sql: 'CREATE UNIQUE INDEX idx_one_file_per_session ON conversation_files (session_id);',
    });
    expect(step.rowsAfter).toEqual(step.rowsBefore);
    expect(sha256File(dbPath)).toBe(before);
    expect(readdirSync(workDir)).toEqual([]);
  });

  it('counts the foreign-key violations a step would leave (and rolls it back)', async () => {
    const schema = schemaVariant({ '1.3.0__forget_first_file.sql': "DELETE FROM conversation_files WHERE file_id IN ('file-1', 'file-2');\n" });
    const { dbPath } = await seededAt('1.2.0', 20, schema);
    const report = await rehearse(contextFor(dbPath, schema));
    expect(report.ok).toBe(false);
    expect(report.steps[0]).toMatchObject({ version: '1.3.0', ok: false });
    // each file has a metadata row, an association, two access-log rows and a cleanup row
    expect(report.steps[0].foreignKeyViolations).toBe(10);
    expect(report.steps[0].error).toMatch(
      /^The step would leave 10 row\(s\) pointing at missing parents \(first: \w+ rowid \d+ → conversation_files\), so it was rolled back\.$/,
    );
  });

  it('refuses what migrate would refuse, before copying anything', async () => {
    const { dbPath, workDir } = await seededAt('1.0.0', 5);
    sqlite3(dbPath, 'DROP TABLE file_access_log');
    await expect(rehearse(contextFor(dbPath), { workDir })).rejects.toMatchObject({ code: 'SCHEMA_DRIFT' });
    expect(readdirSync(workDir)).toEqual([]);
  });

  it('stops when cancelled and still removes the copy', async () => {
    const { dbPath, workDir } = await seededAt('1.0.0', 5);
    const controller = new AbortController();
    const ctx = contextFor(dbPath, undefined, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase.startsWith('applying')) controller.abort();
      },
    });
    await expect(rehearse(ctx, { workDir })).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(readdirSync(workDir)).toEqual([]);
  });
});
