import { describe, expect, it } from 'vitest';
import type { LintWarning } from '../../../../shared/types/migrations';
import { expectedSchemaAt } from '../schema/expected-schema';
import { lintMigration } from './lint-migration';
import { shippedSchema } from '../../test-support/fixtures';

const schema = shippedSchema();
const file = (version: string) => schema.migrations.find((m) => m.version === version)!.sql;
const summary = (warnings: LintWarning[]) => warnings.map((w) => `${w.line} ${w.severity} ${w.rule}`);

describe('lintMigration on the shipped migrations', () => {
  it('1.1.0: a rebuild of file_access_log, on its DROP, and the foreign key its new table declares', () => {
    const warnings = lintMigration(file('1.1.0'), expectedSchemaAt(schema, '1.0.0'));
    expect(summary(warnings)).toEqual(['9 caution foreign-keys', '23 danger table-rebuild']);
    expect(warnings[1].statement).toBe('DROP TABLE file_access_log;');
    expect(warnings[1].message).toContain('copied into new_file_access_log (line 20)');
    expect(warnings[1].message).toContain('(line 24)');
  });

  it('1.2.0: a rebuild of the parent of four cascading tables; the NOT NULL mime_type is filled by COALESCE and an inserted NULL stores the default, so no warning', () => {
    const warnings = lintMigration(file('1.2.0'), expectedSchemaAt(schema, '1.1.0'));
    expect(summary(warnings)).toEqual(['39 danger table-rebuild', '39 caution foreign-keys']);
    expect(warnings[1].message).toContain('parent of file_access_log, file_cleanup_queue, file_metadata, session_file_associations (all ON DELETE CASCADE)');
  });

  it('1.2.0 without ON CONFLICT REPLACE: mime_type becomes NOT NULL and a NULL insert fails, on the new table', () => {
    const variant = file('1.2.0').replace('mime_type TEXT NOT NULL ON CONFLICT REPLACE DEFAULT', 'mime_type TEXT NOT NULL DEFAULT');
    const warnings = lintMigration(variant, expectedSchemaAt(schema, '1.1.0'));
    expect(summary(warnings)).toEqual(['15 danger null-insert-fails', '39 danger table-rebuild', '39 caution foreign-keys']);
    expect(warnings[0].message).toContain('Column conversation_files.mime_type becomes NOT NULL without saying what an inserted NULL becomes');
    expect(warnings[0].message).toContain('NOT NULL ON CONFLICT REPLACE DEFAULT');
    expect(warnings[0].statement).toMatch(/^CREATE TABLE new_conversation_files/);
  });

  it('1.0.0 creates tables only: nothing to warn about', () => {
    expect(lintMigration(file('1.0.0'))).toEqual([]);
  });
});

describe('lintMigration rules', () => {
  const before = expectedSchemaAt(schema, '1.1.0');

  it('a rebuild that copies nothing loses every row', () => {
    const sql = 'CREATE TABLE new_t (id INTEGER PRIMARY KEY);\nDROP TABLE t;\nALTER TABLE new_t RENAME TO t;';
    const [warning] = lintMigration(sql);
    expect(warning).toMatchObject({ rule: 'table-rebuild', severity: 'danger', line: 2 });
    expect(warning.message).toContain('every row of t is lost');
  });

  it('a rebuild that makes a nullable column NOT NULL without filling NULLs, and drops an index it does not recreate', () => {
    const sql = [
      'CREATE TABLE new_conversation_files (file_id TEXT PRIMARY KEY, session_id TEXT NOT NULL, mime_type TEXT NOT NULL);',
      'INSERT INTO new_conversation_files (file_id, session_id, mime_type) SELECT file_id, session_id, mime_type FROM conversation_files;',
      'DROP TABLE conversation_files;',
      'ALTER TABLE new_conversation_files RENAME TO conversation_files;',
      'CREATE INDEX idx_conversation_files_session ON conversation_files (session_id);',
    ].join('\n');
    const warnings = lintMigration(sql, before);
    expect(warnings.find((w) => w.rule === 'not-null-added')).toMatchObject({ line: 1, severity: 'caution' });
    expect(warnings.find((w) => w.rule === 'not-null-added')!.message).toContain('conversation_files.mime_type becomes NOT NULL');
    const lost = warnings.find((w) => w.rule === 'table-rebuild' && w.severity === 'caution')!;
    expect(lost.message).toContain(
      'idx_conversation_files_hash, idx_conversation_files_uploaded_at, trg_conversation_files_soft_delete, trg_conversation_files_upload_log',
    );
    expect(lost.message).not.toContain('idx_conversation_files_session');
  });

  it('a plain DROP TABLE loses its rows; dropping a parent orphans its children', () => {
    expect(summary(lintMigration('DROP TABLE IF EXISTS main."File_Metadata";', before))).toEqual(['1 danger drop-table']);
    const parent = lintMigration('\n\nDROP TABLE conversation_files;', before);
    expect(summary(parent)).toEqual(['3 danger drop-table', '3 danger foreign-keys']);
    expect(parent[1].message).toContain('Rows of file_access_log, file_cleanup_queue, file_metadata, session_file_associations refer to conversation_files');
  });

  it('children declared in the same script count too', () => {
    const sql = 'CREATE TABLE tags (id INTEGER PRIMARY KEY, file_id TEXT REFERENCES things(id));\nDROP TABLE things;';
    expect(summary(lintMigration(sql))).toEqual(['2 danger drop-table', '2 danger foreign-keys']);
  });

  it('DROP COLUMN, and ADD COLUMN NOT NULL without a (non-NULL) default', () => {
    expect(summary(lintMigration('ALTER TABLE file_metadata DROP COLUMN metadata_value;'))).toEqual(['1 danger drop-column']);
    expect(summary(lintMigration('ALTER TABLE t ADD COLUMN c TEXT NOT NULL;'))).toEqual(['1 danger not-null-without-default']);
    expect(summary(lintMigration('ALTER TABLE t ADD c TEXT NOT NULL DEFAULT NULL;'))).toEqual(['1 danger not-null-without-default']);
    expect(lintMigration('ALTER TABLE t ADD COLUMN c TEXT;')).toEqual([]);
  });

  it('ADD COLUMN NOT NULL must say what an inserted NULL becomes: ON CONFLICT REPLACE with a DEFAULT', () => {
    expect(summary(lintMigration("ALTER TABLE t ADD COLUMN c TEXT NOT NULL DEFAULT 'x';"))).toEqual(['1 danger null-insert-fails']);
    expect(summary(lintMigration('ALTER TABLE t ADD COLUMN c TEXT NOT NULL ON CONFLICT ABORT DEFAULT 0;'))).toEqual(['1 danger null-insert-fails']);
    expect(lintMigration("ALTER TABLE t ADD COLUMN c TEXT NOT NULL ON CONFLICT REPLACE DEFAULT 'x';")).toEqual([]);
    expect(lintMigration("alter table t add c text default 'x' not null on conflict replace;")).toEqual([]);
    expect(lintMigration('ALTER TABLE t ADD COLUMN c TEXT;')).toEqual([]);
  });

  it('a column added with REFERENCES touches foreign keys', () => {
    expect(summary(lintMigration('ALTER TABLE t ADD COLUMN owner INTEGER REFERENCES users(id);'))).toEqual(['1 caution foreign-keys']);
  });

  it('statements that cannot run inside the step transaction', () => {
    const sql = [
      'BEGIN TRANSACTION;',
      'VACUUM;',
      'PRAGMA journal_mode = WAL;',
      'PRAGMA foreign_keys = OFF;',
      'PRAGMA main.synchronous(1);',
      'COMMIT;',
      'END;',
      'ROLLBACK;',
    ].join('\n');
    expect(summary(lintMigration(sql))).toEqual([
      '1 danger non-transactional',
      '2 danger non-transactional',
      '3 danger non-transactional',
      '4 caution non-transactional',
      '5 danger non-transactional',
      '6 danger non-transactional',
      '7 danger non-transactional',
      '8 danger non-transactional',
    ]);
  });

  it('leaves harmless statements alone: reading pragmas, savepoints, trigger bodies, DELETE with WHERE', () => {
    const sql = [
      'PRAGMA foreign_key_check;',
      'PRAGMA journal_mode;',
      'SAVEPOINT s;',
      'ROLLBACK TO SAVEPOINT s;',
      'RELEASE s;',
      'CREATE TRIGGER tr AFTER INSERT ON t BEGIN DELETE FROM log; UPDATE u SET x = 1; END;',
      'DELETE FROM t WHERE id IN (SELECT id FROM u);',
      'DROP INDEX idx;',
      'DROP VIEW v;',
    ].join('\n');
    expect(lintMigration(sql)).toEqual([]);
  });

  it('DELETE or UPDATE without WHERE (a WHERE inside a subquery does not count)', () => {
    const sql = 'DELETE FROM file_metadata;\nUPDATE OR REPLACE t SET x = (SELECT y FROM u WHERE u.id = 1);';
    const warnings = lintMigration(sql);
    expect(summary(warnings)).toEqual(['1 caution other', '2 caution other']);
    expect(warnings[0].message).toBe('DELETE without WHERE removes every row of file_metadata.');
    expect(warnings[1].message).toBe('UPDATE without WHERE changes every row of t.');
  });

  it('a RENAME that is not part of a rebuild breaks code that uses the old name', () => {
    expect(summary(lintMigration('ALTER TABLE a RENAME TO b;'))).toEqual(['1 caution other']);
  });

  it('gives each warning the line of its statement, past comments and blank lines', () => {
    const sql = '-- one\n/* two\n three */\n\nDROP TABLE\n  t;';
    expect(lintMigration(sql)[0]).toMatchObject({ line: 5, statement: 'DROP TABLE\n  t;' });
  });
});
