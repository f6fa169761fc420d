import type { TablesReport } from '../../shared/types';
import { formatBytes, table } from './output';

// Human output of the data commands (tables).

/** "3 (12.0 KB)": the names are in --json; a table of five long names would not fit a terminal. */
function indexesCell(indexes: TablesReport['tables'][number]['indexes'], measured: boolean): string {
  if (!indexes.length) return '-';
  const total = indexes.reduce((sum, i) => sum + (i.bytes ?? 0), 0);
  return measured ? `${indexes.length} (${formatBytes(total)})` : String(indexes.length);
}

export function renderTables(report: TablesReport): string {
  const size = (bytes: number | null) => (bytes === null ? '-' : formatBytes(bytes));
  const rows = report.tables.map((t) => [
    t.name,
    t.kind,
    t.rows === null ? '-' : String(t.rows),
    size(t.bytes),
    indexesCell(t.indexes, report.sizesMeasured),
  ]);
  const sizes = report.sizesMeasured ? '' : '\nSizes are not shown: this SQLite build has no dbstat virtual table (SQLITE_ENABLE_DBSTAT_VTAB).';
  return `Tables of ${report.path} (${formatBytes(report.fileBytes)})\n\n${table(['NAME', 'KIND', 'ROWS', 'SIZE', 'INDEXES'], rows)}${sizes}`;
}
