import type { QueryResult } from './types';

type Value = QueryResult['rows'][number][number];

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled; NULL is an empty field. */
function csvField(value: Value): string {
  const text = value === null ? '' : typeof value === 'object' ? `x'${value.hex}'` : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A query's columns and rows as CSV, the same from `warden query --csv` and the console's export. */
export function queryCsv(result: QueryResult): string {
  return [result.columns, ...result.rows].map((row) => row.map((v) => csvField(v)).join(',')).join('\n') + '\n';
}
