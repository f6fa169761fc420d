import { queryCsv } from '../../../../shared/query-csv';
import type { QueryResult } from '../../../../shared/types/data';

export type ExportFormat = 'csv' | 'json';

/** The file a result is saved as: CSV as `warden query --csv` writes it, JSON as `--json` does. */
export function resultFile(result: QueryResult, format: ExportFormat): { name: string; type: string; text: string } {
  return format === 'csv'
    ? { name: 'query-result.csv', type: 'text/csv', text: queryCsv(result) }
    : { name: 'query-result.json', type: 'application/json', text: `${JSON.stringify(result, null, 2)}\n` };
}

/** Saves text as a file through a Blob URL and a temporary link: no host call, nothing leaves the page. */
export function downloadText({ name, type, text }: { name: string; type: string; text: string }): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000); // revoked at once, some browsers cancel the download
}
