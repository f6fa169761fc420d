import type { BrowseColumn, CellValue } from '../../../../shared/types/data';
import { Button } from '../../components/Button';
import { useCopy } from '../../hooks/use-copy';
import { formatCount } from '../../lib/format';
import { cellText } from './CellValue';
import { recordValue, rowAsJson, type RecordValue } from './record-value';

interface RecordPaneProps {
  table: string;
  columns: BrowseColumn[];
  /** The row's number in the grid (from 1). */
  number: number;
  /** Its values, or undefined while its page is read. */
  row: CellValue[] | undefined;
}

function Value({ value }: { value: RecordValue }) {
  switch (value.kind) {
    case 'null':
      return <span className="cell-null">NULL</span>;
    case 'json':
      return (
        <pre className="record-pane__pre mono" aria-label="JSON, pretty-printed">
          {value.text}
        </pre>
      );
    case 'blob':
      return (
        <div>
          <span className="muted">
            BLOB · {value.size}
            {value.bytes > value.shownBytes ? ` · the first ${formatCount(value.shownBytes)} bytes:` : ''}
          </span>
          {value.shownBytes > 0 && <pre className="record-pane__pre mono">{value.text}</pre>}
        </div>
      );
    default:
      return <span className={`record-pane__text${value.kind === 'number' ? ' mono' : ''}`}>{value.text}</span>;
  }
}

/** The active row of the grid, every value in full: long text wrapped, JSON pretty-printed, a BLOB in hex with its size; each copied on its own or the row as JSON. */
export function RecordPane({ table, columns, number, row }: RecordPaneProps) {
  const { copied, copy } = useCopy();
  const names = columns.map((c) => c.name);
  return (
    <section className="record-pane" aria-labelledby="record-pane-title">
      <header className="record-pane__header">
        <h3 id="record-pane-title" className="record-pane__title">
          Row {formatCount(number)} of <span className="mono">{table}</span>
        </h3>
        {row && (
          <Button size="small" onClick={() => void copy(rowAsJson(names, row), `row ${formatCount(number)} as JSON`)}>
            Copy row as JSON
          </Button>
        )}
      </header>
      <span role="status" className="record-pane__copied">
        {copied}
      </span>
      {!row && <p className="muted">Reading the row…</p>}
      {row && (
        <dl className="record-pane__fields">
          {columns.map((column, k) => {
            const value = recordValue(row[k]);
            return (
              <div key={column.name} className="record-pane__field">
                <dt>
                  <span className="mono">{column.name}</span>
                  <span className="muted record-pane__type">
                    {column.type || 'no type'}
                    {column.primaryKey ? ' · primary key' : ''}
                  </span>
                  {value.kind !== 'null' && (
                    <Button
                      size="small"
                      variant="ghost"
                      onClick={() => void copy(value.kind === 'blob' ? value.text.replace(/\s/g, '') : cellText(row[k]), column.name)}
                      aria-label={`Copy ${column.name}`}
                    >
                      Copy
                    </Button>
                  )}
                </dt>
                <dd>
                  <Value value={value} />
                </dd>
              </div>
            );
          })}
        </dl>
      )}
    </section>
  );
}
