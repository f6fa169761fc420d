import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { compareSchemas } from './compare-schemas';
import { expectedSchemaAt } from '../schema/expected-schema';
import { snapshotSchema } from '../schema/introspect';
import { shippedSchema } from '../../test-support/fixtures';
import { CHAT_SERVICE_001 } from '../../test-support/chat-service';

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

const differences = (expected: string, actual: string) =>
  compareSchemas(snapshotOf(expected), snapshotOf(actual)).map((p) => `${p.kind} ${p.name} ${p.change}`);

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
    expect(
      differences(
        `${table} CREATE TRIGGER tr AFTER INSERT ON t BEGIN INSERT INTO log VALUES (NEW.a); END;`,
        `${table} create trigger "tr" after insert on "t" for each row begin insert into "log" values (new."a"); end;`,
      ),
    ).toEqual([]);
  });

  it('an index written with ASC, quotes or IF NOT EXISTS is the same index', () => {
    const table = 'CREATE TABLE t (a INTEGER, b TEXT);';
    expect(
      differences(`${table} CREATE INDEX i ON t (a, b DESC) WHERE a > 0;`, `${table} create index if not exists "i" on "t" ("a" asc, b desc) where A > 0;`),
    ).toEqual([]);
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
    expect(
      differences(`${parent} CREATE TABLE c (pid TEXT REFERENCES p(id) ON DELETE CASCADE);`, `${parent} CREATE TABLE c (pid TEXT REFERENCES p(id));`),
    ).toEqual(['foreign_key (pid) → p changed']);
    const [problem] = compareSchemas(
      snapshotOf(`${parent} CREATE TABLE c (pid TEXT REFERENCES p(id) ON DELETE CASCADE);`),
      snapshotOf(`${parent} CREATE TABLE c (pid TEXT REFERENCES p(id));`),
    );
    expect(problem).toMatchObject({
      expected: '(pid) → p(id) ON DELETE CASCADE ON UPDATE NO ACTION',
      actual: '(pid) → p(id) ON DELETE NO ACTION ON UPDATE NO ACTION',
      severity: 'error',
    });
    expect(differences(`${parent} CREATE TABLE c (pid TEXT REFERENCES p(id));`, `${parent} CREATE TABLE c (pid TEXT);`)).toEqual([
      'foreign_key (pid) → p(id) ON DELETE NO ACTION ON UPDATE NO ACTION missing',
    ]);
  });

  it('a CHECK, wherever it is written: 1.0.0 against 1.1.0 differ in file_access_log only', () => {
    const problems = compareSchemas(expectedSchemaAt(shippedSchema(), '1.0.0'), expectedSchemaAt(shippedSchema(), '1.1.0'));
    expect(problems.map((p) => `${p.kind} ${p.table} ${p.change}`)).toEqual(['check file_access_log missing', 'check file_access_log extra']);
    expect(problems[1].name).toBe("access_type in ('upload', 'download', 'view', 'delete', 'restore', 'reference')");
  });

  it('AUTOINCREMENT, WITHOUT ROWID and STRICT', () => {
    expect(differences('CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT);', 'CREATE TABLE t (id INTEGER PRIMARY KEY);')).toEqual(['table t changed']);
    // WITHOUT ROWID also makes its primary key NOT NULL.
    expect(differences('CREATE TABLE t (id TEXT PRIMARY KEY) WITHOUT ROWID;', 'CREATE TABLE t (id TEXT PRIMARY KEY);')).toEqual([
      'column id changed',
      'table t changed',
    ]);
    expect(differences('CREATE TABLE t (a TEXT) STRICT;', 'CREATE TABLE t (a TEXT);')).toEqual(['table t changed']);
  });

  it('an extra NOT NULL, a changed default or type', () => {
    expect(differences(table, 'CREATE TABLE t (a INTEGER NOT NULL, b TEXT);')).toEqual(['column a changed']);
    expect(differences(table, "CREATE TABLE t (a INTEGER, b TEXT DEFAULT 'x');")).toEqual(['column b changed']);
    expect(differences(table, 'CREATE TABLE t (a REAL, b TEXT);')).toEqual(['column a changed']);
  });
});

describe('compareSchemas: every clause that changes what a write does (issue 12)', () => {
  it('a column COLLATE; BINARY is the default', () => {
    expect(differences('CREATE TABLE t (b TEXT);', 'CREATE TABLE t (b TEXT COLLATE NOCASE);')).toEqual(['column b changed']);
    expect(differences('CREATE TABLE t (b TEXT COLLATE NOCASE);', 'CREATE TABLE t (b TEXT COLLATE RTRIM);')).toEqual(['column b changed']);
    expect(differences('CREATE TABLE t (b TEXT);', 'CREATE TABLE t (b TEXT COLLATE binary);')).toEqual([]);
    expect(
      differences("CREATE TABLE t (b TEXT DEFAULT 'x' COLLATE NOCASE CHECK (b <> ''));", "create table t (b text check (b <> '') collate nocase default 'x');"),
    ).toEqual([]);
  });

  it('a generated column: there, its expression, VIRTUAL or STORED', () => {
    const base = 'CREATE TABLE t (a INTEGER, c INTEGER GENERATED ALWAYS AS (a * 2) VIRTUAL);';
    expect(differences(base, 'CREATE TABLE t (a INTEGER);')).toEqual(['column c missing']);
    expect(differences(base, 'CREATE TABLE t (a INTEGER, c INTEGER GENERATED ALWAYS AS (a * 3) VIRTUAL);')).toEqual(['column c changed']);
    expect(differences(base, 'CREATE TABLE t (a INTEGER, c INTEGER GENERATED ALWAYS AS (a * 2) STORED);')).toEqual(['column c changed']);
    expect(differences(base, 'CREATE TABLE t (a INTEGER, c INTEGER);')).toEqual(['column c changed']);
    expect(differences(base, 'CREATE TABLE t (a INTEGER, c INTEGER AS ((a * 2)));')).toEqual([]);
  });

  it('ON CONFLICT of NOT NULL, UNIQUE and PRIMARY KEY; ABORT is the default', () => {
    expect(differences('CREATE TABLE t (a TEXT NOT NULL ON CONFLICT REPLACE DEFAULT 0);', 'CREATE TABLE t (a TEXT NOT NULL DEFAULT 0);')).toEqual([
      'column a changed',
    ]);
    expect(differences('CREATE TABLE t (a TEXT NOT NULL);', 'CREATE TABLE t (a TEXT NOT NULL ON CONFLICT ABORT);')).toEqual([]);
    expect(differences('CREATE TABLE t (a TEXT UNIQUE);', 'CREATE TABLE t (a TEXT UNIQUE ON CONFLICT REPLACE);')).toEqual(['unique a changed']);
    expect(compareSchemas(snapshotOf('CREATE TABLE t (a TEXT UNIQUE);'), snapshotOf('CREATE TABLE t (a TEXT UNIQUE ON CONFLICT REPLACE);'))[0]).toMatchObject({
      expected: 'a',
      actual: 'a ON CONFLICT REPLACE',
    });
    expect(differences('CREATE TABLE t (a TEXT, b TEXT UNIQUE);', 'CREATE TABLE t (a TEXT UNIQUE, b TEXT);')).toEqual(['unique b missing', 'unique a extra']);
    expect(differences('CREATE TABLE t (a TEXT, b TEXT, UNIQUE (a, b));', 'CREATE TABLE t (a TEXT, b TEXT, UNIQUE (a, b) ON CONFLICT IGNORE);')).toEqual([
      'unique a, b changed',
    ]);
    expect(differences('CREATE TABLE t (a TEXT UNIQUE ON CONFLICT REPLACE);', 'CREATE TABLE t (a TEXT, UNIQUE (a) ON CONFLICT REPLACE);')).toEqual([]);
    expect(differences('CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);', 'CREATE TABLE t (id INTEGER PRIMARY KEY ON CONFLICT REPLACE, a TEXT);')).toEqual([
      'column id changed',
    ]);
    expect(
      differences('CREATE TABLE t (a TEXT, b TEXT, PRIMARY KEY (a, b));', 'CREATE TABLE t (a TEXT, b TEXT, PRIMARY KEY (a, b) ON CONFLICT IGNORE);'),
    ).toEqual(['column a changed', 'column b changed']);
  });

  it('1.2.0 mime_type without its ON CONFLICT REPLACE is an error naming both definitions', () => {
    const scripts = shippedSchema()
      .migrations.map((m) => m.sql)
      .join('\n');
    const actual = snapshotOf(
      scripts.replace(
        "mime_type TEXT NOT NULL ON CONFLICT REPLACE DEFAULT 'application/octet-stream'",
        "mime_type TEXT NOT NULL DEFAULT 'application/octet-stream'",
      ),
    );
    expect(compareSchemas(expectedSchemaAt(shippedSchema(), '1.2.0'), actual)).toEqual([
      expect.objectContaining({
        kind: 'column',
        name: 'mime_type',
        table: 'conversation_files',
        change: 'changed',
        severity: 'error',
        expected: "TEXT NOT NULL ON CONFLICT REPLACE DEFAULT 'application/octet-stream'",
        actual: "TEXT NOT NULL DEFAULT 'application/octet-stream'",
      }),
    ]);
  });

  it('a foreign key DEFERRABLE INITIALLY DEFERRED; NOT DEFERRABLE and INITIALLY IMMEDIATE are the default', () => {
    const parent = 'CREATE TABLE p (id TEXT PRIMARY KEY);';
    const child = (clause: string) => `${parent} CREATE TABLE c (pid TEXT REFERENCES p(id) ON DELETE CASCADE ${clause});`;
    expect(compareSchemas(snapshotOf(child('')), snapshotOf(child('DEFERRABLE INITIALLY DEFERRED')))).toEqual([
      expect.objectContaining({
        kind: 'foreign_key',
        name: '(pid) → p',
        change: 'changed',
        severity: 'error',
        expected: '(pid) → p(id) ON DELETE CASCADE ON UPDATE NO ACTION',
        actual: '(pid) → p(id) ON DELETE CASCADE ON UPDATE NO ACTION DEFERRABLE INITIALLY DEFERRED',
      }),
    ]);
    expect(differences(child(''), child('DEFERRABLE INITIALLY IMMEDIATE'))).toEqual([]);
    expect(differences(child(''), child('NOT DEFERRABLE INITIALLY DEFERRED'))).toEqual([]);
    expect(
      differences(
        child('DEFERRABLE INITIALLY DEFERRED'),
        `${parent} CREATE TABLE c (pid TEXT, FOREIGN KEY (pid) REFERENCES p (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED);`,
      ),
    ).toEqual([]);
  });

  it('column order', () => {
    expect(differences('CREATE TABLE t (a INTEGER, b TEXT);', 'CREATE TABLE t (b TEXT, a INTEGER);')).toEqual(['table t changed']);
    const [problem] = compareSchemas(snapshotOf('CREATE TABLE t (a INTEGER, b TEXT);'), snapshotOf('CREATE TABLE t (b TEXT, a INTEGER);'));
    expect(problem).toMatchObject({ expected: '(a, b)', actual: '(b, a)', severity: 'error' });
    expect(differences('CREATE TABLE t (a INTEGER, b TEXT);', 'CREATE TABLE t (a INTEGER, b TEXT, c TEXT);')).toEqual(['column c extra']);
  });
});

describe('compareSchemas: the same meaning spelled otherwise stays healthy (issue 12)', () => {
  it('redundant parentheses in a CHECK, shown as written', () => {
    expect(differences('CREATE TABLE t (x INTEGER CHECK (x >= 0));', 'CREATE TABLE t (x INTEGER CHECK ((x >= 0)));')).toEqual([]);
    expect(differences('CREATE TABLE t (x INTEGER CHECK (x IN (0, 1)));', 'CREATE TABLE t (x INTEGER CHECK ((x) IN (0, 1)));')).toEqual([]);
    expect(differences('CREATE TABLE t (x INTEGER CHECK (x + 1 > 0));', 'CREATE TABLE t (x INTEGER CHECK (((x)) + (1) > (0)));')).toEqual([]);
    // Parentheses that group still count, and the problem shows the CHECK as it is written.
    expect(differences('CREATE TABLE t (x INTEGER CHECK ((x + 1) * 2 > 0));', 'CREATE TABLE t (x INTEGER CHECK (x + 1 * 2 > 0));')).toEqual([
      'check (x + 1) * 2 > 0 missing',
      'check x + 1 * 2 > 0 extra',
    ]);
    expect(differences('CREATE TABLE t (x INTEGER CHECK (x IN (0, 1)));', 'CREATE TABLE t (x INTEGER CHECK (x IN (0)));')).toEqual([
      'check x in (0, 1) missing',
      'check x in (0) extra',
    ]);
    const [gone, added] = compareSchemas(
      snapshotOf('CREATE TABLE t (x INTEGER CHECK (X  IN (0, 1)));'),
      snapshotOf('CREATE TABLE t (x INTEGER CHECK ((x) IN (0)));'),
    );
    expect([gone.expected, added.actual]).toEqual(['CHECK (X  IN (0, 1))', 'CHECK ((x) IN (0))']);
  });

  it('a DEFAULT written with double quotes is the string SQLite stores', () => {
    expect(differences("CREATE TABLE t (s TEXT NOT NULL DEFAULT 'local');", 'CREATE TABLE t (s TEXT NOT NULL DEFAULT "local");')).toEqual([]);
    expect(differences("CREATE TABLE t (s TEXT DEFAULT 'local');", 'CREATE TABLE t (s TEXT DEFAULT [local]);')).toEqual([]);
    expect(differences("CREATE TABLE t (s TEXT DEFAULT 'local');", 'CREATE TABLE t (s TEXT DEFAULT "s3");')).toEqual(['column s changed']);
    expect(
      differences(
        'CREATE TABLE t (s TEXT DEFAULT NULL, d TEXT DEFAULT CURRENT_TIMESTAMP);',
        "CREATE TABLE t (s TEXT DEFAULT 'NULL', d TEXT DEFAULT 'CURRENT_TIMESTAMP');",
      ),
    ).toEqual(['column s changed', 'column d changed']);
  });

  it('redundant parentheses in an index expression, a partial index, a trigger and a view', () => {
    const table = 'CREATE TABLE t (a INTEGER, b TEXT); CREATE TABLE log (a INTEGER);';
    expect(differences(`${table} CREATE INDEX i ON t (lower(b)) WHERE a > 0;`, `${table} CREATE INDEX i ON t ((lower((b)))) WHERE (a > 0);`)).toEqual([]);
    expect(
      differences(
        `${table} CREATE TRIGGER tr AFTER INSERT ON t WHEN NEW.a = 1 BEGIN INSERT INTO log VALUES (NEW.a + 1); END;`,
        `${table} CREATE TRIGGER tr AFTER INSERT ON t WHEN ((NEW.a) = 1) BEGIN INSERT INTO log VALUES ((NEW.a) + 1); END;`,
      ),
    ).toEqual([]);
    expect(
      differences(`${table} CREATE VIEW v AS SELECT a FROM t WHERE a IN (1, 2);`, `${table} CREATE VIEW v AS SELECT (a) FROM t WHERE (a) IN (1, 2);`),
    ).toEqual([]);
    expect(
      differences(
        `${table} CREATE TRIGGER tr AFTER INSERT ON t WHEN NEW.a = 1 BEGIN INSERT INTO log VALUES (NEW.a + 1); END;`,
        `${table} CREATE TRIGGER tr AFTER INSERT ON t WHEN NEW.a = 2 BEGIN INSERT INTO log VALUES (NEW.a + 1); END;`,
      ),
    ).toEqual(['trigger tr changed']);
  });
});
