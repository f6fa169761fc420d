import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { compareSchemas } from './compare-schemas';
import { expectedSchemaAt } from './expected-schema';
import { snapshotSchema } from './introspect';
import { shippedSchema } from './test-support/fixtures';
import { CHAT_SERVICE_001 } from './test-support/chat-service';

function snapshotOf(sql: string) {
  const db = new Database(':memory:');
  try {
    db.pragma('foreign_keys = OFF');
    db.exec(sql);
    return snapshotSchema(db, new Set(['schema_migrations']));
  } finally {
    db.close();
  }
}

const differences = (expected: string, actual: string) => compareSchemas(snapshotOf(expected), snapshotOf(actual)).map((p) => `${p.kind} ${p.name} ${p.change}`);

describe('compareSchemas: formatting never counts', () => {
  it("the Python service's 1.0.0, written its own way, is 1.0.0", () => {
    expect(compareSchemas(expectedSchemaAt(shippedSchema(), '1.0.0'), snapshotOf(CHAT_SERVICE_001))).toEqual([]);
  });

  it('REFERENCES parent is REFERENCES parent(primary key)', () => {
    const parent = 'CREATE TABLE p (id TEXT PRIMARY KEY);';
    expect(differences(`${parent} CREATE TABLE c (pid TEXT REFERENCES p(id));`, `${parent} CREATE TABLE c (pid TEXT REFERENCES p);`)).toEqual([]);
  });

  it('DEFAULT (0) is DEFAULT 0; varchar( 10 ) is VARCHAR(10)', () => {
    expect(differences('CREATE TABLE t (a INTEGER DEFAULT 0, b VARCHAR(10));', 'create table t (a integer default ((0)), b varchar( 10 ));')).toEqual([]);
  });

  it('FOR EACH ROW, keyword case and quoting do not change a trigger', () => {
    const table = 'CREATE TABLE t (a INTEGER); CREATE TABLE log (a INTEGER);';
    expect(differences(`${table} CREATE TRIGGER tr AFTER INSERT ON t BEGIN INSERT INTO log VALUES (NEW.a); END;`,
      `${table} create trigger "tr" after insert on "t" for each row begin insert into "log" values (new."a"); end;`)).toEqual([]);
  });

  it('an index written with ASC, quotes or IF NOT EXISTS is the same index', () => {
    const table = 'CREATE TABLE t (a INTEGER, b TEXT);';
    expect(differences(`${table} CREATE INDEX i ON t (a, b DESC) WHERE a > 0;`, `${table} create index if not exists "i" on "t" ("a" asc, b desc) where A > 0;`)).toEqual([]);
  });
});

describe('compareSchemas: what does count', () => {
  const table = 'CREATE TABLE t (a INTEGER, b TEXT);';

  it('index column order, uniqueness, direction, collation, expressions and partial WHERE', () => {
    const index = (definition: string) => `${table} ${definition};`;
    const base = index('CREATE INDEX i ON t (a, b)');
    expect(differences(base, index('CREATE INDEX i ON t (b, a)'))).toEqual(['index i changed']);
    expect(differences(base, index('CREATE UNIQUE INDEX i ON t (a, b)'))).toEqual(['index i changed']);
    expect(differences(base, index('CREATE INDEX i ON t (a, b DESC)'))).toEqual(['index i changed']);
    expect(differences(base, index('CREATE INDEX i ON t (a, b COLLATE NOCASE)'))).toEqual(['index i changed']);
    expect(differences(base, index('CREATE INDEX i ON t (a, b) WHERE a IS NOT NULL'))).toEqual(['index i changed']);
    expect(differences(index('CREATE INDEX i ON t (lower(b))'), index('CREATE INDEX i ON t (upper(b))'))).toEqual(['index i changed']);
  });

  it('foreign-key actions', () => {
    const parent = 'CREATE TABLE p (id TEXT PRIMARY KEY);';
    expect(differences(`${parent} CREATE TABLE c (pid TEXT REFERENCES p(id) ON DELETE CASCADE);`, `${parent} CREATE TABLE c (pid TEXT REFERENCES p(id));`))
      .toEqual(['foreign_key (pid) → p(id) ON DELETE CASCADE ON UPDATE NO ACTION missing', 'foreign_key (pid) → p(id) ON DELETE NO ACTION ON UPDATE NO ACTION extra']);
  });

  it('a CHECK, wherever it is written: 1.0.0 against 1.1.0 differ in file_access_log only', () => {
    const problems = compareSchemas(expectedSchemaAt(shippedSchema(), '1.0.0'), expectedSchemaAt(shippedSchema(), '1.1.0'));
    expect(problems.map((p) => `${p.kind} ${p.table} ${p.change}`)).toEqual(['check file_access_log missing', 'check file_access_log extra']);
    expect(problems[1].name).toBe("access_type in ('upload', 'download', 'view', 'delete', 'restore', 'reference')");
  });

  it('AUTOINCREMENT, WITHOUT ROWID and STRICT', () => {
    expect(differences('CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT);', 'CREATE TABLE t (id INTEGER PRIMARY KEY);')).toEqual(['table t changed']);
    // WITHOUT ROWID also makes its primary key NOT NULL.
    expect(differences('CREATE TABLE t (id TEXT PRIMARY KEY) WITHOUT ROWID;', 'CREATE TABLE t (id TEXT PRIMARY KEY);')).toEqual(['column id changed', 'table t changed']);
    expect(differences('CREATE TABLE t (a TEXT) STRICT;', 'CREATE TABLE t (a TEXT);')).toEqual(['table t changed']);
  });

  it('an extra NOT NULL, a changed default or type', () => {
    expect(differences(table, 'CREATE TABLE t (a INTEGER NOT NULL, b TEXT);')).toEqual(['column a changed']);
    expect(differences(table, "CREATE TABLE t (a INTEGER, b TEXT DEFAULT 'x');")).toEqual(['column b changed']);
    expect(differences(table, 'CREATE TABLE t (a REAL, b TEXT);')).toEqual(['column a changed']);
  });
});
