import { describe, expect, it } from 'vitest';
import { csvLine, jsonLine, queryCsv } from './query-csv';

// The export a spreadsheet opens: quoted as sqlite3 -csv quotes (RFC 4180 and a little more), the
// data unchanged, and text that would run as a formula kept as text. Each convention on its own.

describe('queryCsv', () => {
  it('quotes a comma, a quote (doubled) and a line break, keeps values exact, and writes NULL as an empty field', () => {
    const csv = queryCsv({
      columns: ['a', 'b'],
      rows: [
        ['x,y', 'say "hi"'],
        ['line\nbreak', null],
        ['plain', 3.5],
      ],
    });
    expect(csv).toBe('a,b\n"x,y","say ""hi"""\n"line\nbreak",\nplain,3.5\n');
  });

  it("quotes what sqlite3's shell quotes: empty text (NULL stays bare), a space, a control character, an apostrophe, anything past ASCII", () => {
    expect(csvLine(['', null])).toBe('"",\n');
    expect(csvLine(['a b', 'esc\u001b[2K', "it's", 'café', 'del\u007f'])).toBe('"a b","esc\u001b[2K","it\'s","café","del\u007f"\n');
    expect(csvLine(['tab\tx', 'cr\r'])).toBe('"tab\tx","cr\r"\n');
  });

  it('writes numbers and integers beyond 2^53 (text from the engine) as digits, a BLOB as its hex literal (quoted: it holds apostrophes)', () => {
    expect(csvLine([-5, 0.1, '9007199254740993', { blob: 2, hex: '00ff' }])).toBe('-5,0.1,9007199254740993,"x\'00ff\'"\n');
  });

  it("prefixes text that a spreadsheet would run as a formula with ' (so quoted, as any apostrophe), and leaves numbers alone", () => {
    const rows = [['=HYPERLINK("http://evil","click")'], ['+cmd|calc'], ['-2+3'], ['@SUM(A1)'], ['\t=1'], [-5], ['safe']];
    const csv = queryCsv({ columns: ['v'], rows });
    expect(csv.split('\n').slice(1, -1)).toEqual([
      '"\'=HYPERLINK(""http://evil"",""click"")"',
      '"\'+cmd|calc"',
      '"\'-2+3"',
      '"\'@SUM(A1)"',
      '"\'\t=1"',
      '-5',
      'safe',
    ]);
  });
});

describe('jsonLine', () => {
  it('writes one object per line by column name, values as they are (no formula guard: JSON is not opened by spreadsheets)', () => {
    expect(jsonLine(['a', 'b'], ['=1', null])).toBe('{"a":"=1","b":null}\n');
  });
});
