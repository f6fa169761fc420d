import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { tablesToCheck, tablesTouchedBy, tablesWithTriggers } from './foreign-key-scope';
import { initialize } from '../../actions/initialize';
import { migrate } from '../../actions/migrate';
import { loadSchema } from '../schema/schema-folder';
import { splitStatements } from '../schema/sql-text';
import { status } from '../../actions/status';
import { contextFor, shippedSchema, sqlite3, tempDir } from '../../test-support/fixtures';

const touched = (sql: string, triggers: string[] = []) => {
  const result = tablesTouchedBy(splitStatements(sql), new Set(triggers));
  return result === 'all' ? 'all' : [...result].sort();
};

describe('tablesTouchedBy', () => {
  it('follows the shipped rebuilds: the rebuilt table under both names', () => {
    const [, m110, m120] = shippedSchema().migrations;
    expect(touched(m110.sql, ['conversation_files'])).toEqual(['file_access_log', 'new_file_access_log']);
    expect(touched(m120.sql, ['conversation_files'])).toEqual(['conversation_files', 'new_conversation_files']);
  });

  it('reads every kind of write, with quoted and main-qualified names', () => {
    expect(
      touched('INSERT OR REPLACE INTO "My Table" SELECT * FROM other; UPDATE OR IGNORE main.b SET x = 1; DELETE FROM [c]; REPLACE INTO `d` VALUES (1);'),
    ).toEqual(['b', 'c', 'd', 'my table']);
    expect(
      touched(
        "ALTER TABLE a RENAME TO b; ALTER TABLE c ADD COLUMN x; ALTER TABLE e RENAME COLUMN x TO y; CREATE TABLE IF NOT EXISTS 'f' (x); DROP TABLE IF EXISTS g;",
      ),
    ).toEqual(['a', 'b', 'c', 'e', 'f', 'g']);
    expect(touched('CREATE UNIQUE INDEX i ON t (x); CREATE VIEW v AS SELECT 1; DROP VIEW v; DROP INDEX i; DROP TRIGGER tr; SELECT 1; ANALYZE;')).toEqual([]);
  });

  it('answers all for what it does not follow', () => {
    expect(touched('WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x;')).toBe('all');
    expect(touched('PRAGMA writable_schema = ON;')).toBe('all');
    expect(touched('CREATE TEMP TABLE t (x);')).toBe('all');
    expect(touched('CREATE VIRTUAL TABLE t USING fts5(x);')).toBe('all');
    expect(touched('INSERT INTO other.t VALUES (1);')).toBe('all');
  });

  it('answers all for a write that may fire a trigger, existing or created by the script', () => {
    expect(touched('INSERT INTO t VALUES (1);', ['t'])).toBe('all');
    expect(touched('CREATE TRIGGER tr AFTER DELETE ON main.t BEGIN DELETE FROM u; END; DELETE FROM t;')).toBe('all');
    expect(touched('CREATE TRIGGER tr AFTER DELETE ON t BEGIN DELETE FROM u; END; DELETE FROM v;')).toEqual(['v']);
  });
});

describe('tablesToCheck', () => {
  it('is the touched tables and every table whose foreign keys point at one of them', () => {
    const db = new Database(':memory:');
    db.exec(
      'CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE c (p_id REFERENCES P(id)); CREATE TABLE g (c_id REFERENCES c(rowid)); CREATE TABLE other (x);',
    );
    expect(tablesToCheck(db, new Set(['p']))).toEqual(['c', 'p']);
    expect(tablesToCheck(db, new Set(['other']))).toEqual(['other']);
    expect(tablesToCheck(db, 'all')).toBe('all');
    db.close();
  });
});

describe('the foreign-key check before COMMIT, narrowed to what a step touched', () => {
  function schemaWith(migrations: Record<string, string>): string {
    const dir = join(tempDir(), 'schema');
    mkdirSync(join(dir, 'migrations'), { recursive: true });
    writeFileSync(join(dir, 'schema.json'), JSON.stringify({ name: 'pc', title: 'Parent and child', applicationId: 11 }));
    for (const [file, sql] of Object.entries(migrations)) writeFileSync(join(dir, 'migrations', file), sql);
    return dir;
  }
  const start =
    'CREATE TABLE p (id INTEGER PRIMARY KEY, name TEXT); CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p(id) ON DELETE CASCADE); CREATE TABLE loose (x);';

  it.each([
    ['deletes parent rows', 'DELETE FROM p WHERE id = 1;'],
    [
      'rebuilds the parent without a row',
      "CREATE TABLE new_p (id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT ''); INSERT INTO new_p (id) SELECT id FROM p WHERE id <> 1; DROP TABLE p; ALTER TABLE new_p RENAME TO p;",
    ],
    ['drops the parent', 'DROP TABLE p;'],
  ])('still rolls back a step that %s, orphaning child rows', async (_what, sql) => {
    const dir = schemaWith({ '1.0.0__start.sql': start, '1.1.0__change.sql': sql });
    const dbPath = join(tempDir(), 'pc.db');
    const ctx = contextFor(dbPath, loadSchema(dir));
    await initialize(ctx, { to: '1.0.0' });
    sqlite3(dbPath, 'INSERT INTO p (id) VALUES (1), (2); INSERT INTO c (p_id) VALUES (1), (2);');
    await expect(migrate(ctx)).rejects.toThrow(expect.objectContaining({ code: 'FOREIGN_KEY_VIOLATION' }));
    expect(status(ctx).version).toBe('1.0.0');
    expect(sqlite3(dbPath, 'SELECT count(*) FROM c')).toBe('2');
  });

  it('does not blame a step for a violation already there in a table it does not touch (verify --full reports that)', async () => {
    const dir = schemaWith({ '1.0.0__start.sql': start, '1.1.0__loose.sql': 'INSERT INTO loose VALUES (1);' });
    const dbPath = join(tempDir(), 'pc.db');
    const ctx = contextFor(dbPath, loadSchema(dir));
    await initialize(ctx, { to: '1.0.0' });
    sqlite3(dbPath, 'INSERT INTO c (p_id) VALUES (99);'); // the shell's foreign keys are off
    expect((await migrate(ctx)).to).toBe('1.1.0');
  });
});

describe('the narrowed check, fuzzed against the full one', () => {
  // A parent, a child, a grandchild and a bystander, consistent at the start; a random script of
  // the writes a migration makes, run with foreign keys off as the engine runs it. Whatever the
  // script broke, checking the touched tables and their children finds all of it.
  const setup = `
    CREATE TABLE p (id INTEGER PRIMARY KEY, name TEXT);
    CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p(id));
    CREATE TABLE g (id INTEGER PRIMARY KEY, c_id INTEGER REFERENCES c(id));
    CREATE TABLE b (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p(id));
    CREATE TABLE loose (x);
    INSERT INTO p (id) VALUES (1), (2), (3), (4);
    INSERT INTO c (id, p_id) VALUES (1, 1), (2, 2), (3, 3);
    INSERT INTO g (c_id) VALUES (1), (2), (3);
    INSERT INTO b (p_id) VALUES (4);`;
  const n = fc.integer({ min: 1, max: 5 });
  const table = fc.constantFrom('p', 'c', 'g', 'b', 'loose');
  const statement = fc.oneof(
    fc.tuple(table, n).map(([t, k]) => `DELETE FROM ${t} WHERE rowid = ${k};`),
    fc.tuple(fc.constantFrom('p', 'c'), n, n).map(([t, k, v]) => `UPDATE ${t} SET id = ${v + 10} WHERE id = ${k};`),
    fc.tuple(fc.constantFrom('c', 'g', 'b'), n).map(([t, v]) => `INSERT INTO ${t} (${t === 'g' ? 'c_id' : 'p_id'}) VALUES (${v});`),
    fc.tuple(fc.constantFrom('p', 'c'), n).map(([t, skip]) => {
      const columns = t === 'p' ? 'id INTEGER PRIMARY KEY, name TEXT' : 'id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p(id)';
      return `CREATE TABLE new_${t} (${columns}); INSERT INTO new_${t} SELECT * FROM ${t} WHERE id <> ${skip}; DROP TABLE ${t}; ALTER TABLE new_${t} RENAME TO ${t};`;
    }),
    fc.constant('INSERT INTO loose VALUES (1);'),
    fc.constant('CREATE INDEX IF NOT EXISTS i_c ON c (p_id);'),
  );

  it('finds every violation the full check finds', () => {
    fc.assert(
      fc.property(fc.array(statement, { minLength: 1, maxLength: 4 }), (script) => {
        const db = new Database(':memory:');
        db.exec(setup);
        db.pragma('foreign_keys = OFF');
        db.exec('BEGIN');
        const sql = script.join('\n');
        try {
          db.exec(sql);
        } catch {
          db.close();
          return; // a script SQLite refuses changes nothing
        }
        const scope = tablesToCheck(db, tablesTouchedBy(splitStatements(sql), tablesWithTriggers(db)));
        const full = db.prepare('SELECT "table", rowid FROM pragma_foreign_key_check ORDER BY 1, 2').all();
        const narrowed =
          scope === 'all' ? full : scope.flatMap((t) => db.prepare('SELECT "table", rowid FROM pragma_foreign_key_check(?) ORDER BY 1, 2').all(t));
        expect(narrowed).toEqual(full);
        db.close();
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 300) },
    );
  });
});
