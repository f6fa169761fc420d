import type { CellValue as Value } from '../../../../shared/types/data';
import { formatBytes } from '../../lib/format';

/** A cell's text for copying or measuring: NULL, a BLOB's size and first bytes, or the value. */
export function cellText(value: Value): string {
  if (value === null) return 'NULL';
  if (typeof value === 'object') return `BLOB ${formatBytes(value.blob)}${value.blob > 0 ? ` ${value.hex}${value.blob > 16 ? '…' : ''}` : ''}`;
  return String(value);
}

/** NULL as a muted NULL, a BLOB as its size and first bytes in hex; the rest as SQLite gave it. */
export function CellContent({ value }: { value: Value }) {
  if (value === null) return <span className="cell-null">NULL</span>;
  if (typeof value === 'object') {
    return (
      <span className="cell-blob">
        BLOB {formatBytes(value.blob)}
        {value.blob > 0 && (
          <span className="query-value__hex mono">
            {' '}
            {value.hex}
            {value.blob > 16 ? '…' : ''}
          </span>
        )}
      </span>
    );
  }
  return <>{String(value)}</>;
}
