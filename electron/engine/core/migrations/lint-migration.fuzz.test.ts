import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LintWarning } from '../../../../shared/types/migrations';
import { lintMigration } from './lint-migration';
import { splitStatements } from '../schema/sql-text';
import { kw, lit, literalArb, nameArb, nm, p, render, styleArb, type Piece } from '../../test-support/sql-pieces';

// Properties of the migration linter over generated scripts: it never throws, every warning
// sits on a statement of the script, and each risky statement is found whatever its formatting.

/** FUZZ_RUNS=20000 npx vitest run … digs deeper than the default, which keeps the suite fast. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 200);

const sqlish = fc
  .array(
    fc.constantFrom(
      "'",
      '"',
      '[',
      ']',
      '--',
      '/*',
      '*/',
      '\n',
      ' ',
      ';',
      '(',
      ')',
      'drop',
      'TABLE',
      'alter',
      'rename',
      'to',
      'column',
      'add',
      'not null',
      'default',
      'vacuum',
      'begin',
      'commit',
      'pragma',
      'delete from',
      'insert into',
      'select',
      'create',
      'x',
      'new_x',
      'é',
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(''));
const anyText = fc.oneof(fc.string({ unit: 'binary', maxLength: 120 }), sqlish);

describe('lintMigration, on any text', () => {
  it('never throws, and every warning names a statement of the script and a line inside it', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const statements = splitStatements(text).map((s) => s.sql);
        const lines = text.split('\n').length;
        for (const warning of lintMigration(text)) {
          expect(statements).toContain(warning.statement);
          expect(warning.line).toBeGreaterThanOrEqual(1);
          expect(warning.line).toBeLessThanOrEqual(lines);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

// ---- risky statements, each with the rule the linter must report for it -----------------------

interface Risky {
  pieces: Piece[];
  /** The rules this statement (or sequence) must raise, and no other. */
  rules: LintWarning['rule'][];
}

const column = fc.tuple(nameArb, fc.constantFrom('TEXT', 'INTEGER'));
const dropTable = nameArb.map((t): Risky => ({ pieces: [kw('DROP'), kw('TABLE'), nm(t)], rules: ['drop-table'] }));
const dropColumn = fc
  .tuple(nameArb, nameArb)
  .map(([t, c]): Risky => ({ pieces: [kw('ALTER'), kw('TABLE'), nm(t), kw('DROP'), kw('COLUMN'), nm(c)], rules: ['drop-column'] }));
const addNotNull = fc.tuple(nameArb, column).map(
  ([t, [c, type]]): Risky => ({
    pieces: [kw('ALTER'), kw('TABLE'), nm(t), kw('ADD'), kw('COLUMN'), nm(c), kw(type), kw('NOT'), kw('NULL')],
    rules: ['not-null-without-default'],
  }),
);
const addWithDefault = fc.tuple(nameArb, column, literalArb).map(
  ([t, [c, type], d]): Risky => ({
    pieces: [kw('ALTER'), kw('TABLE'), nm(t), kw('ADD'), kw('COLUMN'), nm(c), kw(type), kw('NOT'), kw('NULL'), kw('DEFAULT'), lit(d)],
    rules: ['null-insert-fails'],
  }),
);
const addReplacingNull = fc.tuple(nameArb, column, literalArb).map(
  ([t, [c, type], d]): Risky => ({
    pieces: [
      kw('ALTER'),
      kw('TABLE'),
      nm(t),
      kw('ADD'),
      kw('COLUMN'),
      nm(c),
      kw(type),
      kw('NOT'),
      kw('NULL'),
      kw('ON'),
      kw('CONFLICT'),
      kw('REPLACE'),
      kw('DEFAULT'),
      lit(d),
    ],
    rules: [],
  }),
);
const vacuum = fc.constant<Risky>({ pieces: [kw('VACUUM')], rules: ['non-transactional'] });
const transactionControl = fc.constantFrom('BEGIN', 'COMMIT', 'ROLLBACK').map((verb): Risky => ({ pieces: [kw(verb)], rules: ['non-transactional'] }));
const fixedPragma = fc
  .constantFrom('journal_mode', 'page_size', 'auto_vacuum')
  .map((pragma): Risky => ({ pieces: [kw('PRAGMA'), nm(pragma), p('='), lit('1')], rules: ['non-transactional'] }));
const deleteAll = nameArb.map((t): Risky => ({ pieces: [kw('DELETE'), kw('FROM'), nm(t)], rules: ['other'] }));
const deleteSome = fc
  .tuple(nameArb, nameArb, literalArb)
  .map(([t, c, v]): Risky => ({ pieces: [kw('DELETE'), kw('FROM'), nm(t), kw('WHERE'), nm(c), p('='), lit(v)], rules: [] }));
/** SQLite's rebuild: create the new table, copy, drop the old one, rename the new one: one warning, no drop-table. */
const rebuild = fc
  .tuple(nameArb, fc.uniqueArray(nameArb, { minLength: 1, maxLength: 3 }))
  .filter(([t]) => t.length < 8)
  .map(([t, columns]): Risky => {
    const temporary = `${t}_new`;
    const list = columns.flatMap((c, k) => [...(k ? [p(',')] : []), nm(c)]);
    return {
      pieces: [
        kw('CREATE'),
        kw('TABLE'),
        nm(temporary),
        p('('),
        ...columns.flatMap((c, k) => [...(k ? [p(',')] : []), nm(c), kw('TEXT')]),
        p(')'),
        p(';'),
        kw('INSERT'),
        kw('INTO'),
        nm(temporary),
        p('('),
        ...list,
        p(')'),
        kw('SELECT'),
        ...list,
        kw('FROM'),
        nm(t),
        p(';'),
        kw('DROP'),
        kw('TABLE'),
        nm(t),
        p(';'),
        kw('ALTER'),
        kw('TABLE'),
        nm(temporary),
        kw('RENAME'),
        kw('TO'),
        nm(t),
      ],
      rules: ['table-rebuild'],
    };
  });
const riskyArb = fc.oneof(
  dropTable,
  dropColumn,
  addNotNull,
  addWithDefault,
  addReplacingNull,
  vacuum,
  transactionControl,
  fixedPragma,
  deleteAll,
  deleteSome,
  rebuild,
);

const sorted = (rules: string[]) => [...rules].sort();

describe('lintMigration, on generated scripts of risky statements', () => {
  it("reports each statement's rule, and only those, however the script is formatted", () => {
    fc.assert(
      fc.property(fc.array(riskyArb, { minLength: 1, maxLength: 5 }), styleArb, (risky, style) => {
        const pieces = risky.flatMap((r, k) => [...(k ? [p(';')] : []), ...r.pieces]);
        const warnings = lintMigration(`${render(pieces, style)};`);
        expect(sorted(warnings.map((w) => w.rule))).toEqual(sorted(risky.flatMap((r) => r.rules)));
      }),
      { numRuns: RUNS },
    );
  });
});
