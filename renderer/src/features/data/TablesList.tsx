import type { TableSummary, TablesReport } from '../../../../shared/types/data';
import { Tag } from '../../components/Tag';
import { formatBytes, formatCount } from '../../lib/format';

/** What the Rows cell says of a table that cannot be read: "damaged: page 37 unreadable", "missing", "broken" (a view). */
export function unreadableLabel(table: TableSummary): string | null {
  const u = table.unreadable;
  if (!u) return null;
  if (u.reason === 'damaged') return u.page !== null ? `damaged: page ${u.page} unreadable` : 'damaged';
  return table.kind === 'view' ? 'broken' : 'missing';
}

function RowsCell({ table }: { table: TableSummary }) {
  const label = unreadableLabel(table);
  if (label)
    return (
      <td className="number" title={table.unreadable!.message}>
        <Tag tone="bad">{label}</Tag>
      </td>
    );
  return (
    <td className="number">
      {table.rows === null ? (
        <span className="muted" title="A view's rows are not counted: that would run its query">
          —
        </span>
      ) : (
        formatCount(table.rows)
      )}
    </td>
  );
}

function SizeCell({ bytes, measured }: { bytes: number | null; measured: boolean }) {
  if (bytes !== null) return <td className="number">{formatBytes(bytes)}</td>;
  return (
    <td className="number muted" title={measured ? 'A view keeps no pages of its own' : 'Not measured: this SQLite build has no dbstat'}>
      —
    </td>
  );
}

function IndexesCells({ table, measured }: { table: TableSummary; measured: boolean }) {
  const { indexes } = table;
  const total = indexes.reduce((sum, i) => sum + (i.bytes ?? 0), 0);
  const names = indexes.map((i) => (i.automatic ? `${i.name} (SQLite's own)` : i.name)).join('\n');
  return (
    <>
      <td className="number" title={names || undefined}>
        {indexes.length === 0 ? <span className="muted">none</span> : indexes.length}
      </td>
      {indexes.length === 0 ? <td className="number muted">—</td> : <SizeCell bytes={measured ? total : null} measured={measured} />}
    </>
  );
}

interface TablesListProps {
  report: TablesReport;
  /** Called with the name of the table or view whose rows the user wants to browse (absent: names are not links). */
  onBrowse?: (name: string) => void;
  /** Called with the name of the table or view to start a query on (absent: no Query column). */
  onQuery?: (name: string) => void;
  /** A query is running: one at a time, so the Query buttons wait. */
  busy: boolean;
}

/** Every table and view: kind, rows, size and indexes; a name browses its rows, Query starts a SELECT on it. */
export function TablesList({ report, onBrowse, onQuery, busy }: TablesListProps) {
  const measured = report.measured;
  return (
    <table className="data-table" aria-label="Tables and views">
      <thead>
        <tr>
          <th>Name</th>
          <th>Kind</th>
          <th className="number">Rows</th>
          <th className="number">Size</th>
          <th className="number">Indexes</th>
          <th className="number">Index size</th>
          {onQuery && (
            <th>
              <span className="visually-hidden">Query</span>
            </th>
          )}
        </tr>
      </thead>
      <tbody>
        {report.tables.map((table) => (
          <tr key={table.name}>
            <td>
              {table.unreadable?.reason === 'missing' || !onBrowse ? (
                <span className={table.unreadable ? 'mono muted' : 'mono'} title={table.unreadable?.message}>
                  {table.name}
                </span>
              ) : (
                <button type="button" className="table-name mono" onClick={() => onBrowse(table.name)} title={`Browse the rows of ${table.name}`}>
                  {table.name}
                </button>
              )}
            </td>
            <td>{table.kind}</td>
            <RowsCell table={table} />
            <SizeCell bytes={table.bytes} measured={measured} />
            <IndexesCells table={table} measured={measured} />
            {onQuery && (
              <td>
                <button
                  type="button"
                  className="table-query"
                  onClick={() => onQuery(table.name)}
                  disabled={busy || table.unreadable?.reason === 'missing'}
                  aria-label={`Query ${table.name} in the SQL box`}
                  title={`SELECT the first 100 rows of ${table.name} in the SQL box`}
                >
                  Query
                </button>
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
