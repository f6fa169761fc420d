import type { QueryResult } from '../../../../shared/types/data';
import { TableFrame } from '../../components/TableFrame';
import { Button } from '../../components/Button';
import { EmptyState } from '../../components/QueryStates';
import { formatCount, formatDuration, plural } from '../../lib/format';
import { QueryResultTable } from './QueryResultTable';
import { downloadText, resultFile } from './result-export';
import { WholeExport } from './WholeExport';

const EXPORT_NOTE = 'Only the rows shown, in the same CSV or JSON the command line writes; a BLOB as its first 16 bytes in hex';

function ResultSummary({ result }: { result: QueryResult }) {
  if (result.more) {
    return (
      <p className="query-outcome__summary">
        Showing the first {formatCount(result.limit)} rows; there are more. Raise the row limit or narrow the query to see them.
      </p>
    );
  }
  return (
    <p className="query-outcome__summary">
      {plural(result.rows.length, 'row')} in {formatDuration(result.durationMs)}.
    </p>
  );
}

/** A query's rows with how many there are, Export CSV / JSON of exactly what is shown, and export of its whole result. */
export function QueryOutcome({ db, result }: { db: string; result: QueryResult }) {
  return (
    <div className="query-outcome">
      <div className="query-outcome__bar">
        <ResultSummary result={result} />
        <div className="row-actions">
          <Button size="small" onClick={() => downloadText(resultFile(result, 'csv'))} title={EXPORT_NOTE}>
            Export shown as CSV
          </Button>
          <Button size="small" onClick={() => downloadText(resultFile(result, 'json'))} title={EXPORT_NOTE}>
            Export shown as JSON
          </Button>
        </div>
      </div>
      <WholeExport db={db} source={{ sql: result.sql }} what="the query" />
      {result.columns.length === 0 ? (
        <EmptyState title="The statement returned no columns" />
      ) : (
        <TableFrame label="Query result" className="query-outcome__table">
          <QueryResultTable result={result} />
        </TableFrame>
      )}
      {result.rows.length === 0 && result.columns.length > 0 && <p className="muted query-outcome__empty">No rows match.</p>}
    </div>
  );
}
