import type { ErrorInfo } from '../../shared/errors';
import type { Problem } from '../../shared/types';

/** A plain text table: columns padded to their widest cell, the last column left free. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

export function problemTable(problems: Problem[]): string {
  return table(
    ['SEVERITY', 'KIND', 'NAME', 'CHANGE', 'WHAT'],
    problems.map((p) => [p.severity, p.kind, p.table && p.table !== p.name ? `${p.table}.${p.name}` : p.name, p.change, p.message]),
  );
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

export function formatError(error: ErrorInfo): string {
  return `error [${error.code}]: ${error.message}${error.hint ? `\n  what to do: ${error.hint}` : ''}`;
}
