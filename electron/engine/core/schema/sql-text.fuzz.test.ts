import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extractChecks, normalizeSql, splitStatements, tokenize } from './sql-text';
import { kw, lit, literalArb, nameArb, nm, p, render, styleArb, type Piece } from '../../test-support/sql-pieces';

// Properties of the SQL reader over generated input: it must never throw on anything, and
// formatting (whitespace, comments, keyword case, identifier quoting) must never count.

/** FUZZ_RUNS=20000 npx vitest run … digs deeper than the default, which keeps the suite fast. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

/** Strings dense in SQL's lexical edge cases: quotes, comment openers, brackets, numbers, newlines. */
const sqlish = fc
  .array(
    fc.constantFrom(
      "'",
      '"',
      '`',
      '[',
      ']',
      '--',
      '/*',
      '*/',
      '\n',
      '\r\n',
      ' ',
      ';',
      'x',
      'X',
      "x'",
      '0',
      '.5',
      '1e',
      '+',
      '-',
      '>',
      '>>',
      '|',
      '(',
      ')',
      'begin',
      'END',
      'case',
      'create trigger',
      'é',
      '\u2028',
      '\uD800',
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(''));
const anyText = fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), sqlish);

function linesBefore(text: string, offset: number): number {
  let line = 1;
  for (let k = 0; k < offset; k++) if (text[k] === '\n') line++;
  return line;
}

describe('tokenize, on any string', () => {
  it('never throws; tokens are non-empty, in order, inside the text, on the right line', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const tokens = tokenize(text);
        let previousEnd = 0;
        for (const token of tokens) {
          expect(token.start).toBeGreaterThanOrEqual(previousEnd);
          expect(token.end).toBeGreaterThan(token.start);
          expect(token.end).toBeLessThanOrEqual(text.length);
          expect(token.line).toBe(linesBefore(text, token.start));
          if (token.kind !== 'identifier') expect(token.text).toBe(text.slice(token.start, token.end));
          previousEnd = token.end;
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("splitStatements neither drops nor repeats a token: its statements hold the script's tokens in order", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const statements = splitStatements(text);
        expect(statements.flatMap((s) => s.tokens.map((t) => t.start))).toEqual(tokenize(text).map((t) => t.start));
        for (const s of statements) expect(s.sql).toBe(text.slice(s.tokens[0].start, s.tokens[s.tokens.length - 1].end));
      }),
      { numRuns: RUNS },
    );
  });

  it('normalizeSql, extractChecks and splitStatements never throw either', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        normalizeSql(text);
        extractChecks(text);
        for (const statement of splitStatements(text)) expect(text).toContain(statement.sql);
      }),
      { numRuns: RUNS },
    );
  });
});

// ---- generated statements, rendered with arbitrary formatting ------------------------------

const comparison = fc.tuple(nameArb, fc.constantFrom('=', '<=', '>=', '<>', '!=', '<', '>'), literalArb).map(([n, op, l]): Piece[] => [nm(n), p(op), lit(l)]);
const expression = fc
  .array(comparison, { minLength: 1, maxLength: 3 })
  .chain((parts) =>
    fc
      .array(fc.constantFrom('AND', 'OR'), { minLength: parts.length - 1, maxLength: parts.length - 1 })
      .map((ops) => parts.flatMap((c, k) => (k === 0 ? c : [kw(ops[k - 1]), ...c]))),
  );

const createTable = fc
  .tuple(nameArb, fc.uniqueArray(nameArb, { minLength: 1, maxLength: 4 }), fc.array(expression, { maxLength: 2 }))
  .map(([table, columns, checks]): Piece[] => {
    const body: Piece[] = columns.flatMap((c, k) => [...(k ? [p(',')] : []), nm(c), kw('TEXT')]);
    for (const check of checks) body.push(p(','), kw('CHECK'), p('('), ...check, p(')'));
    return [kw('CREATE'), kw('TABLE'), nm(table), p('('), ...body, p(')')];
  });
const select = fc
  .tuple(fc.uniqueArray(nameArb, { minLength: 1, maxLength: 3 }), nameArb, expression)
  .map(([columns, table, where]): Piece[] => [
    kw('SELECT'),
    ...columns.flatMap((c, k) => [...(k ? [p(',')] : []), nm(c)]),
    kw('FROM'),
    nm(table),
    kw('WHERE'),
    ...where,
  ]);
const insert = fc
  .tuple(nameArb, fc.array(literalArb, { minLength: 1, maxLength: 3 }))
  .map(([table, values]): Piece[] => [
    kw('INSERT'),
    kw('INTO'),
    nm(table),
    kw('VALUES'),
    p('('),
    ...values.flatMap((v, k) => [...(k ? [p(',')] : []), lit(v)]),
    p(')'),
  ]);
const update = fc
  .tuple(nameArb, nameArb, expression, fc.boolean())
  .map(([table, column, when, withCase]): Piece[] => [
    kw('UPDATE'),
    nm(table),
    kw('SET'),
    nm(column),
    p('='),
    ...(withCase ? [kw('CASE'), kw('WHEN'), ...when, kw('THEN'), lit('1'), kw('ELSE'), lit('0'), kw('END')] : [lit("'a;b'")]),
    kw('WHERE'),
    ...when,
  ]);
const bodyStatement = fc.oneof(insert, update, select);
const createTrigger = fc
  .tuple(nameArb, nameArb, fc.array(bodyStatement, { minLength: 1, maxLength: 3 }), fc.boolean())
  .map(([trigger, table, body, temp]): Piece[] => [
    kw('CREATE'),
    ...(temp ? [kw('TEMP')] : []),
    kw('TRIGGER'),
    nm(trigger),
    kw('AFTER'),
    kw('INSERT'),
    kw('ON'),
    nm(table),
    kw('BEGIN'),
    ...body.flatMap((s) => [...s, p(';')]),
    kw('END'),
  ]);
const statementArb = fc.oneof(createTable, select, insert, update, createTrigger);

describe('normalizeSql, on generated statements', () => {
  it('does not change when whitespace, comments, keyword case or identifier quoting change', () => {
    fc.assert(
      fc.property(statementArb, styleArb, styleArb, (statement, a, b) => {
        expect(normalizeSql(render(statement, a))).toBe(normalizeSql(render(statement, b)));
      }),
      { numRuns: RUNS },
    );
  });

  it('is idempotent: normalized text normalizes to itself', () => {
    fc.assert(
      fc.property(statementArb, styleArb, (statement, style) => {
        const once = normalizeSql(render(statement, style));
        expect(normalizeSql(once)).toBe(once);
      }),
      { numRuns: RUNS },
    );
  });

  it('still tells statements apart by their literals', () => {
    fc.assert(
      fc.property(insert, styleArb, fc.nat(1000), (statement, style, n) => {
        const changed = statement.map((piece) => (piece.kind === 'literal' ? lit(`${n + 100_001}`) : piece));
        expect(normalizeSql(render(changed, style))).not.toBe(normalizeSql(render(statement, style)));
      }),
      { numRuns: Math.ceil(RUNS / 3) },
    );
  });

  it('extractChecks finds the same CHECKs however the CREATE TABLE is formatted', () => {
    fc.assert(
      fc.property(createTable, styleArb, styleArb, (statement, a, b) => {
        const checks = extractChecks(render(statement, a));
        expect(checks).toEqual(extractChecks(render(statement, b)));
        expect(checks).toHaveLength(statement.filter((piece) => piece.kind === 'keyword' && piece.text === 'CHECK').length);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('normalizeSql, on names that need quoting', () => {
  // A name with a space, a quote or a leading digit stays one name after normalization, so
  // `SELECT [a b] FROM t` (one column) and `SELECT a b FROM t` (column a named b) never compare equal.
  const oddName = fc.stringMatching(/^[a-z0-9 "'_-]{1,10}$/).filter((n) => !/^[a-z_][a-z0-9_]*$/.test(n));
  const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

  it('keeps such a name whole: normalizing twice is normalizing once', () => {
    fc.assert(
      fc.property(oddName, nameArb, (odd, table) => {
        const once = normalizeSql(`SELECT ${quoted(odd)} FROM ${table}`);
        expect(normalizeSql(once)).toBe(once);
      }),
      { numRuns: RUNS },
    );
  });

  it('never confuses a quoted name with the words it is made of', () => {
    fc.assert(
      fc.property(fc.tuple(nameArb, nameArb), nameArb, ([a, b], table) => {
        expect(normalizeSql(`SELECT [${a} ${b}] FROM ${table}`)).not.toBe(normalizeSql(`SELECT ${a} ${b} FROM ${table}`));
      }),
      { numRuns: Math.ceil(RUNS / 3) },
    );
  });
});

describe('splitStatements, on generated scripts', () => {
  const separatorArb = fc
    .array(fc.constantFrom(' ', '\n', '\t', '-- a comment; with END\n', '/* block; BEGIN */', '\r\n'), { maxLength: 4 })
    .map((parts) => parts.join(''));

  it('round-trips: the statements are the script minus what lies between them, and never split inside strings or trigger bodies', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(statementArb, styleArb, separatorArb), { minLength: 1, maxLength: 6 }),
        separatorArb,
        fc.boolean(),
        (parts, leading, lastHasSemicolon) => {
          const texts = parts.map(([statement, style], k) => render(statement, style) + (k < parts.length - 1 || lastHasSemicolon ? ';' : ''));
          let script = leading;
          const starts: number[] = [];
          texts.forEach((text, k) => {
            starts.push(script.length);
            script += text;
            // A statement without its semicolon must end the script; a line comment after it would still be fine.
            script += k < parts.length - 1 || lastHasSemicolon ? parts[k][2] : '';
          });
          const statements = splitStatements(script);
          expect(statements.map((s) => s.sql)).toEqual(texts);
          expect(statements.map((s) => s.line)).toEqual(starts.map((start) => linesBefore(script, start)));
        },
      ),
      { numRuns: RUNS },
    );
  });
});
