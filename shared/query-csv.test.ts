import { describe, expect, it } from 'vitest';
import { queryCsv } from './query-csv';

// The export a spreadsheet opens: RFC 4180 quoting, and text that would run as a formula kept as text.

describe('queryCsv', () => {
  it('quotes what RFC 4180 says, keeps values exact, and writes NULL as an empty field', () => {
    const csv = queryCsv({
      columns: ['a', 'b'],
      rows: [
        ['x,y', 'say "hi"'],
        ['line\nbreak', null],
        ['tab\u001bx', 3.5],
      ],
      more: false,
    } as never);
    expect(csv).toBe('a,b\n"x,y","say ""hi"""\n"line\nbreak",\ntab\u001bx,3.5\n');
  });

  it("prefixes text that a spreadsheet would run as a formula with ', and leaves numbers alone", () => {
    const rows = [['=HYPERLINK("http://evil","click")'], ['+cmd|calc'], ['-2+3'], ['@SUM(A1)'], ['\t=1'], [-5], ['safe']];
    const csv = queryCsv({ columns: ['v'], rows, more: false } as never);
    expect(csv.split('\n').slice(1, -1)).toEqual(['"\'=HYPERLINK(""http://evil"",""click"")"', "'+cmd|calc", "'-2+3", "'@SUM(A1)", "'\t=1", '-5', 'safe']);
  });
});
