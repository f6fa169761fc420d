import type { CellValue, QueryResult } from './types/data';

// One CSV for every export: `warden query --csv`, the console's export of the rows on screen, and
// the host's streamed export of a whole result. The conventions (README, "CSV"):
// - quoting as the sqlite3 shell's -csv does, which is RFC 4180's and a little more: a field is
//   quoted when it is empty text (so '' and NULL differ), or holds a comma, a quote (doubled), a
//   space, a control character or line break, or any byte outside printable ASCII; the data
//   inside is never changed, escaped or trimmed;
// - NULL is an empty, unquoted field; rows end with \n (sqlite3 -csv's row separator);
// - text a spreadsheet would run as a formula gets OWASP's leading ' (the one change to data);
// - a BLOB is x'<hex>' (SQLite's literal; sqlite3 writes its raw bytes, which no CSV reader keeps).

/**
 * A text cell a spreadsheet would run as a formula (=HYPERLINK(…), +cmd, -2+3, @SUM): OWASP's
 * convention for CSV injection is a leading ' , which spreadsheets show as text and do not keep.
 * Numbers stay numbers: only text is guarded.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** sqlite3's shell quotes a field holding any of these (its needCsvQuote table), or a comma. */
const NEEDS_QUOTES = /[\u0000-\u0020"',\u007f-\uffff]/;

/** One field: quoted as sqlite3 -csv quotes, quotes doubled; NULL as an empty field. */
function csvField(value: CellValue): string {
  if (value === null) return '';
  const raw = typeof value === 'object' ? `x'${value.hex}'` : String(value);
  const text = typeof value === 'string' && FORMULA_START.test(value) ? `'${raw}` : raw;
  return text === '' || NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One row (or the header) as a CSV line, with its \n. */
export function csvLine(values: readonly CellValue[]): string {
  return `${values.map(csvField).join(',')}\n`;
}

/** A query's columns and rows as CSV, the same from `warden query --csv` and the console's export. */
export function queryCsv(result: Pick<QueryResult, 'columns' | 'rows'>): string {
  return [result.columns, ...result.rows].map(csvLine).join('');
}

/** One row as a JSON line (JSON Lines): an object by column name; a BLOB as {blob: bytes, hex}. */
export function jsonLine(columns: readonly string[], values: readonly CellValue[]): string {
  return `${JSON.stringify(Object.fromEntries(columns.map((c, k) => [c, values[k]])))}\n`;
}
