import type { QueryResult } from '../../../../shared/types/data';
import { CellContent } from './CellValue';

type Value = QueryResult['rows'][number][number];

/** A cell of the result, with the class that styles NULL, BLOB and numbers. */
function ValueCell({ value }: { value: Value }) {
  const kind = value === null ? ' query-value--null' : typeof value === 'object' ? ' query-value--blob' : typeof value === 'number' ? ' number' : '';
  return (
    <td className={`query-value${kind}`}>
      <CellContent value={value} />
    </td>
  );
}

/** The rows a query returned, under its column names. */
export function QueryResultTable({ result }: { result: QueryResult }) {
  return (
    <table className="data-table query-result" aria-label="Query result">
      <thead>
        <tr>
          {result.columns.map((column, index) => (
            <th key={index}>{column}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {result.rows.map((row, rowIndex) => (
          <tr key={rowIndex}>
            {row.map((value, index) => (
              <ValueCell key={index} value={value} />
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
