import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { compareSchemas } from '../drift/compare-schemas';
import { expectedSchemaAt } from './expected-schema';
import { snapshotSchema, toolTablesOf } from './introspect';
import { shippedSchema } from '../../test-support/fixtures';

function snapshotOf(sql: string) {
  const db = new Database(':memory:');
  try {
    db.exec(sql);
    return snapshotSchema(db, toolTablesOf(shippedSchema()));
  } finally {
    db.close();
  }
}

describe('schema comparison', () => {
  it('finds no difference between two spellings of the same schema', () => {
    const a = snapshotOf(`CREATE TABLE p (id TEXT PRIMARY KEY, n INTEGER NOT NULL DEFAULT 0 CHECK (n >= 0));
      CREATE TABLE c (id INTEGER PRIMARY KEY, p_id TEXT NOT NULL REFERENCES p(id) ON DELETE CASCADE, UNIQUE (p_id, id));
      CREATE INDEX i ON c (p_id DESC) WHERE id > 0;
      CREATE VIEW v AS SELECT * FROM p;
      CREATE TRIGGER tr AFTER INSERT ON p BEGIN INSERT INTO c (p_id) VALUES (NEW.id); END;`);
    const b = snapshotOf(`create table "p" ( "id" text primary key , n integer not null default 0 check(n>=0) );
      CREATE TABLE IF NOT EXISTS [c] (id INTEGER PRIMARY KEY, p_id TEXT NOT NULL, FOREIGN KEY (p_id) REFERENCES p (id) ON DELETE CASCADE, UNIQUE(p_id,id));
      create index I on c(p_id desc) where id>0;
      create view V as select * from p;
      create trigger TR after insert on p begin insert into c(p_id) values(new.id); end;`);
    expect(compareSchemas(a, b)).toEqual([]);
  });

  it('names each changed column, CHECK, unique, foreign key, index, trigger and view', () => {
    const expected = snapshotOf(`CREATE TABLE p (id TEXT PRIMARY KEY, n INTEGER NOT NULL CHECK (n >= 0), u TEXT UNIQUE);
      CREATE TABLE c (id INTEGER PRIMARY KEY, p_id TEXT REFERENCES p(id) ON DELETE CASCADE);
      CREATE INDEX i ON c (p_id); CREATE VIEW v AS SELECT 1; CREATE TRIGGER tr AFTER INSERT ON p BEGIN SELECT 1; END;`);
    const actual = snapshotOf(`CREATE TABLE p (id TEXT PRIMARY KEY, n TEXT CHECK (n > 0), u TEXT, extra INTEGER);
      CREATE TABLE c (id INTEGER PRIMARY KEY, p_id TEXT REFERENCES p(id));
      CREATE INDEX i ON c (id); CREATE VIEW v AS SELECT 2; CREATE TRIGGER tr AFTER INSERT ON p BEGIN SELECT 2; END;
      CREATE TABLE mine (x); CREATE INDEX mine_x ON mine (x);`);
    const found = compareSchemas(expected, actual).map((p) => `${p.change} ${p.kind} ${p.name}`);
    expect(found).toEqual(
      expect.arrayContaining([
        'changed column n',
        'extra column extra',
        'missing check n >= 0',
        'extra check n > 0',
        'missing unique u',
        'changed foreign_key (p_id) → p',
        'changed index i',
        'changed view v',
        'changed trigger tr',
        'extra table mine',
        'extra index mine_x',
      ]),
    );
  });

  it('tells 1.0.0 from 1.1.0 by the access_type CHECK alone', () => {
    const schema = shippedSchema();
    const problems = compareSchemas(expectedSchemaAt(schema, '1.1.0'), expectedSchemaAt(schema, '1.0.0'));
    expect(problems.map((p) => [p.kind, p.table, p.change])).toEqual([
      ['check', 'file_access_log', 'missing'],
      ['check', 'file_access_log', 'extra'],
    ]);
  });
});
