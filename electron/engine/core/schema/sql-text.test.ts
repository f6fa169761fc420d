import { describe, expect, it } from 'vitest';
import { canonicalExpression, extractChecks, normalizeSql, splitStatements, tokenize } from './sql-text';

describe('tokenize', () => {
  it('reads strings, quoted names, blobs, numbers, comments and operators', () => {
    const tokens = tokenize(`SELECT 'it''s', "a ""b""", [c d], \`e\`, x'0A', 1.5e+3, .5 -- note\n /* block\n */ FROM t WHERE a <= 2 || b ->> '$.k';`);
    expect(tokens.map((t) => [t.kind, t.text])).toEqual([
      ['word', 'SELECT'],
      ['string', "'it''s'"],
      ['punct', ','],
      ['identifier', 'a "b"'],
      ['punct', ','],
      ['identifier', 'c d'],
      ['punct', ','],
      ['identifier', 'e'],
      ['punct', ','],
      ['blob', "x'0A'"],
      ['punct', ','],
      ['number', '1.5e+3'],
      ['punct', ','],
      ['number', '.5'],
      ['word', 'FROM'],
      ['word', 't'],
      ['word', 'WHERE'],
      ['word', 'a'],
      ['punct', '<='],
      ['number', '2'],
      ['punct', '||'],
      ['word', 'b'],
      ['punct', '->>'],
      ['string', "'$.k'"],
      ['punct', ';'],
    ]);
    expect(tokens.find((t) => t.text === 'FROM')?.line).toBe(3);
  });

  it('does not hang on unterminated strings, names or comments', () => {
    expect(tokenize("SELECT 'open").map((t) => t.kind)).toEqual(['word', 'string']);
    expect(tokenize('SELECT "open').map((t) => t.kind)).toEqual(['word', 'identifier']);
    expect(tokenize('SELECT /* open').map((t) => t.kind)).toEqual(['word']);
  });
});

describe('normalizeSql', () => {
  it('ignores whitespace, comments, keyword case and identifier quoting, but not literals', () => {
    const a = 'CREATE VIEW v AS SELECT a, b FROM "t" WHERE c = \'X\';';
    const b = 'create   view V as\n  select A,b -- cols\n  from [T] where "c" = \'X\'';
    expect(normalizeSql(a)).toBe(normalizeSql(b));
    expect(normalizeSql(a)).not.toBe(normalizeSql(a.replace("'X'", "'x'")));
  });

  it('keeps a quoted name that is not one word quoted, so it never reads as two names (found by fuzzing)', () => {
    expect(normalizeSql('SELECT [a b] FROM t')).toBe('select "a b" from t');
    expect(normalizeSql('SELECT [a b] FROM t')).not.toBe(normalizeSql('SELECT a b FROM t'));
    expect(normalizeSql('SELECT "Odd ""name""" FROM t')).toBe(normalizeSql('SELECT [odd "name"] FROM t'));
  });
});

describe('extractChecks', () => {
  it('finds column and table CHECKs, normalized and sorted, ignoring constraint names', () => {
    const sql = `CREATE TABLE t (a INTEGER CHECK (a >= 0), b TEXT CHECK(b IN ('x', 'y')), CONSTRAINT named CHECK ((a + 1) > 0))`;
    expect(extractChecks(sql)).toEqual(['(a + 1) > 0', 'a >= 0', "b in ('x', 'y')"]);
    expect(extractChecks('CREATE TABLE t (a INTEGER)')).toEqual([]);
  });
});

describe('splitStatements', () => {
  it('splits at semicolons but keeps trigger bodies (with CASE … END inside) whole', () => {
    const script = `CREATE TABLE a (x INTEGER); -- first
CREATE TRIGGER t AFTER INSERT ON a
BEGIN
  UPDATE a SET x = CASE WHEN NEW.x > 0 THEN 1 ELSE 0 END WHERE rowid = NEW.rowid;
  INSERT INTO a VALUES (';');
END;
INSERT INTO a VALUES (1)`;
    const statements = splitStatements(script);
    expect(statements.map((s) => s.line)).toEqual([1, 2, 7]);
    expect(statements[1].sql).toMatch(/^CREATE TRIGGER[\s\S]*END;$/);
    expect(statements[2].sql).toBe('INSERT INTO a VALUES (1)');
  });

  it('handles CREATE TEMP TRIGGER and empty scripts', () => {
    expect(splitStatements('CREATE TEMP TRIGGER t AFTER DELETE ON a BEGIN SELECT 1; SELECT 2; END; SELECT 3;')).toHaveLength(2);
    expect(splitStatements('  -- nothing here\n')).toEqual([]);
  });
});

describe('canonicalExpression: parentheses that change nothing do not count (issue 12)', () => {
  const same = (a: string, b: string) => expect(canonicalExpression(a)).toBe(canonicalExpression(b));
  const differ = (a: string, b: string) => expect(canonicalExpression(a)).not.toBe(canonicalExpression(b));

  it('drops them around a whole expression and around single operands', () => {
    same('((x >= 0))', 'x >= 0');
    same('(col) IN (0, 1)', 'col IN (0, 1)');
    same('(t.a) = (-1)', 't.a = -1');
    same('coalesce((a), (b)) > (lower(c))', 'coalesce(a, b) > lower(c)');
    same('NOT (a) AND ((b))', 'NOT a AND b');
    same('x * ((a + b))', 'x * (a + b)');
  });

  it('keeps those that group, and argument, IN, column and row-value lists', () => {
    differ('(a + b) * c', 'a + b * c');
    differ('(a OR b) AND c', 'a OR b AND c');
    differ('x IN (y)', 'x IN y');
    differ('f((a, b))', 'f(a, b)');
    differ('(a, b) = (1, 2)', 'a, b = 1, 2');
    expect(canonicalExpression('(SELECT max(a) FROM t) > 0')).toBe('(select max (a) from t) > 0');
  });

  it('is idempotent', () => {
    for (const text of ['((x >= 0))', '(col) IN (0, 1)', 'f((a, b))', '(a + b) * (c)'])
      expect(canonicalExpression(canonicalExpression(text))).toBe(canonicalExpression(text));
  });
});
