import fc from 'fast-check';

// SQL statements as pieces (keywords, names, literals, punctuation) that fuzz tests generate and
// then render with arbitrary formatting — whitespace, comments, keyword case, identifier
// quoting — none of which may change what the engine reads from them.

export type Piece = { kind: 'keyword'; text: string } | { kind: 'name'; text: string } | { kind: 'literal'; text: string } | { kind: 'punct'; text: string };

export const kw = (text: string): Piece => ({ kind: 'keyword', text });
export const nm = (text: string): Piece => ({ kind: 'name', text });
export const lit = (text: string): Piece => ({ kind: 'literal', text });
export const p = (text: string): Piece => ({ kind: 'punct', text });

export const nameArb = fc
  .stringMatching(/^[a-z][a-z0-9_]{0,8}$/)
  .filter(
    (n) =>
      ![
        'as',
        'on',
        'in',
        'is',
        'or',
        'and',
        'not',
        'end',
        'begin',
        'case',
        'when',
        'then',
        'else',
        'check',
        'from',
        'where',
        'select',
        'table',
        'create',
        'trigger',
        'temp',
        'null',
        'default',
      ].includes(n),
  );
export const literalArb = fc.oneof(
  fc.nat(100_000).map(String),
  fc.constantFrom('1.5', '.25', '3e+2', "x'0A0b'"),
  fc.string({ maxLength: 12 }).map((s) => `'${s.replace(/'/g, "''")}'`),
);

export interface Style {
  /** One separator per gap between pieces: spaces, newlines, tabs, comments. */
  gaps: string[];
  keywordCase: ('upper' | 'lower' | 'mixed')[];
  quoting: ('bare' | 'double' | 'bracket' | 'backtick')[];
}

const gapArb = fc.constantFrom(' ', '  ', '\n', '\t', ' -- note; END\n', ' /* begin; */ ', '\n\n  ');
export const styleArb = fc.record({
  gaps: fc.array(gapArb, { minLength: 64, maxLength: 64 }),
  keywordCase: fc.array(fc.constantFrom('upper' as const, 'lower' as const, 'mixed' as const), { minLength: 64, maxLength: 64 }),
  quoting: fc.array(fc.constantFrom('bare' as const, 'double' as const, 'bracket' as const, 'backtick' as const), { minLength: 64, maxLength: 64 }),
});

export function render(pieces: Piece[], style: Style): string {
  return pieces
    .map((piece, k) => {
      const at = k % 64;
      let text = piece.text;
      if (piece.kind === 'keyword') {
        const c = style.keywordCase[at];
        text =
          c === 'upper'
            ? text.toUpperCase()
            : c === 'lower'
              ? text.toLowerCase()
              : [...text].map((ch, i) => (i % 2 ? ch.toLowerCase() : ch.toUpperCase())).join('');
      } else if (piece.kind === 'name') {
        const q = style.quoting[at];
        text = q === 'double' ? `"${text}"` : q === 'bracket' ? `[${text}]` : q === 'backtick' ? `\`${text}\`` : text;
      }
      return k === 0 ? text : style.gaps[at] + text;
    })
    .join('');
}
