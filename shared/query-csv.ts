import type { QueryResult } from './types/data';

type Value = QueryResult['rows'][number][number];

/**
 * A text cell a spreadsheet would run as a formula (=HYPERLINK(…), +cmd, -2+3, @SUM): OWASP's
 * convention for CSV injection is a leading ' , which spreadsheets show as text and do not keep.
 * Numbers stay numbers: only text is guarded.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled; NULL is an empty field. */
function csvField(value: Value): string {
  const raw = value === null ? '' : typeof value === 'object' ? `x'${value.hex}'` : String(value);
  const text = typeof value === 'string' && FORMULA_START.test(value) ? `'${raw}` : raw;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A query's columns and rows as CSV, the same from `warden query --csv` and the console's export. */
export function queryCsv(result: QueryResult): string {
  return [result.columns, ...result.rows].map((row) => row.map((v) => csvField(v)).join(',')).join('\n') + '\n';
}
