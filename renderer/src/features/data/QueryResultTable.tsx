import type { QueryResult } from '../../../../shared/types';

type Value = QueryResult['rows'][number][number];

/** NULL as a muted NULL, a BLOB as its size and first bytes in hex; the rest as SQLite gave it. */
function ValueCell({ value }: { value: Value }) {
  if (value === null) return <td className="query-value query-value--null">NULL</td>;
  if (typeof value === 'object') {
    return (
      <td className="query-value query-value--blob">
        BLOB {value.blob.toLocaleString()} {value.blob === 1 ? 'byte' : 'bytes'}
        {value.blob > 0 && <span className="query-value__hex mono"> {value.hex}{value.blob > 16 ? '…' : ''}</span>}
      </td>
    );
  }
  return <td className={typeof value === 'number' ? 'query-value number' : 'query-value'}>{String(value)}</td>;
}

/** The rows a query returned, under its column names. */
export function QueryResultTable({ result }: { result: QueryResult }) {
  return (
    <table className="data-table query-result" aria-label="Query result">
      <thead>
        <tr>
          {result.columns.map((column, index) => <th key={index}>{column}</th>)}
        </tr>
      </thead>
      <tbody>
        {result.rows.map((row, rowIndex) => (
          <tr key={rowIndex}>
            {row.map((value, index) => <ValueCell key={index} value={value} />)}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
