import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type { ValidInput } from '../../shared/contract';
import { csvLine, jsonLine } from '../../shared/query-csv';
import type { CellValue } from '../../shared/types/data';
import { explainFileError, exportQuery, exportRows, type PageSink, WardenError } from '../engine';
import type { HostContext } from './host-context';

// A whole result written as a file by the host: the engine streams the rows a page at a time
// (export-stream.ts), this writes each page as CSV (the CLI's writer, shared/query-csv.ts) or JSON
// lines and waits for the file or the download to take it, and tells the console how far it is.
// The desktop app writes into the file its save dialog named; the HTTP host hands out a one-time
// ticket (export-tickets.ts) whose GET streams the file (export-download.ts).

export type ExportInput = ValidInput<'exportResult'>;

/** Where the text goes; resolves once it was taken (the pipe or socket drained). */
export type ExportWrite = (text: string) => Promise<void>;

export const EXPORT_CONTENT_TYPES = { csv: 'text/csv; charset=utf-8', jsonl: 'application/x-ndjson; charset=utf-8' } as const;

/** The GET route of a ticket (the HTTP host's download address). */
export const EXPORT_DOWNLOAD_ROUTE = '/api/download/';

/** Exactly one of a table or a query: the contract cannot say "one of". */
export function checkExportSource(input: ExportInput): void {
  if ((input.table === undefined) === (input.sql === undefined))
    throw new WardenError(
      'INVALID_INPUT',
      'An export names either a table (with its filters and sort) or a query, not both or neither.',
      'Give table, or sql.',
      {
        field: input.table === undefined ? 'table' : 'sql',
      },
    );
}

/** The file's name: the database's and the table's (or "query"), in letters a file system takes. */
export function exportFileName(dbName: string, input: ExportInput): string {
  const safe = (name: string) => name.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 80);
  return `${safe(dbName)}-${input.table === undefined ? 'query' : safe(input.table)}.${input.format}`;
}

/** Streams the result into `write`, with progress and log events under the operation's id; answers how many rows it wrote. */
export async function writeExport(host: HostContext, input: ExportInput, write: ExportWrite, signal: AbortSignal): Promise<number> {
  const entry = host.registry.get(input.db);
  const ctx = { dbPath: entry.path, schema: host.schemas.get(entry.schema), signal };
  const operationId = input.operationId ?? null;
  const progress = (done: number, total: number, phase: string) =>
    host.emit({ type: 'progress', operationId, db: input.db, progress: { operation: 'exportResult', phase, done, total, readsOnly: true } });
  let columns: string[] = [];
  let total: number | null = null;
  let done = 0;
  const sink: PageSink = {
    head: (names, count) => {
      columns = names;
      total = count;
      progress(0, count ?? 0, 'Exporting rows');
      return input.format === 'csv' ? write(csvLine(names)) : undefined;
    },
    page: async (rows: CellValue[][]) => {
      await write(rows.map((row) => (input.format === 'csv' ? csvLine(row) : jsonLine(columns, row))).join(''));
      done += rows.length;
      progress(done, Math.max(total ?? 0, done), 'Exporting rows');
    },
  };
  try {
    const written =
      input.table !== undefined
        ? await exportRows(ctx, { table: input.table, filters: input.filters, sort: input.sort ?? null }, sink)
        : await exportQuery(ctx, { sql: input.sql ?? '' }, sink);
    progress(written.rows, written.rows, 'Exported');
    return written.rows;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    host.emit({ type: 'log', operationId, db: input.db, log: { level: 'error', message, at: new Date().toISOString() } });
    throw err;
  }
}

/**
 * The desktop app's export: written beside the chosen file as NAME.partial (private to the user, as
 * exports are), renamed onto it once whole; a failed or cancelled export leaves the chosen path as it was.
 */
export async function writeExportFile(host: HostContext, input: ExportInput, path: string, signal: AbortSignal): Promise<number> {
  const partial = `${path}.partial`;
  const file = createWriteStream(partial, { mode: 0o600, flags: 'w' });
  const opened = once(file, 'open');
  try {
    await opened;
    const rows = await writeExport(host, input, (text) => (file.write(text) ? Promise.resolve() : once(file, 'drain').then(() => undefined)), signal);
    file.end();
    await finished(file);
    renameSync(partial, path);
    return rows;
  } catch (err) {
    file.destroy();
    rmSync(partial, { force: true });
    throw explainFileError(err, partial);
  }
}
