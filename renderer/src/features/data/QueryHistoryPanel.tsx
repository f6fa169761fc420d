import { useQuery } from '@tanstack/react-query';
import type { QueryHistoryEntry } from '../../../../shared/types/data';
import { useApi } from '../../api/connection-context';
import { Button } from '../../components/Button';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Panel } from '../../components/Panel';
import { EmptyState, LoadingState } from '../../components/QueryStates';
import { TableFrame } from '../../components/TableFrame';
import { formatCount, formatDuration, formatTimestamp, plural } from '../../lib/format';
import { dataKeys } from './data-queries';

function outcomeText(entry: QueryHistoryEntry): string {
  if (entry.outcome === 'failed') return 'failed';
  if (entry.outcome === 'cancelled') return 'cancelled';
  // more: the row limit cut it, so there were more rows than it answered.
  return entry.more ? `${formatCount(entry.rows ?? 0)}+ rows` : plural(entry.rows ?? 0, 'row');
}

/** The database's query history as the host keeps it, newest first; each run reopens in a new tab. */
export function QueryHistoryPanel({ db, onOpen }: { db: string; onOpen: (sql: string) => void }) {
  const api = useApi();
  const history = useQuery({ queryKey: dataKeys.queryHistory(db), queryFn: () => api.queryHistory({ db }) });
  const report = history.data;
  return (
    <Panel title="Query history" subtitle={report && `Kept by the host for every console: the newest ${report.keeps} runs on this database.`}>
      {history.isPending && <LoadingState label="Reading the query history…" />}
      {history.isError && <ErrorNotice error={history.error} context="The query history could not be read" />}
      {report?.entries.length === 0 && <EmptyState title="No query has run on this database yet" />}
      {report && report.entries.length > 0 && (
        <TableFrame label="Query history" className="query-history">
          <table className="data-table" aria-label="Query history">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Query</th>
                <th scope="col">Rows</th>
                <th scope="col">Took</th>
                <th scope="col">
                  <span className="visually-hidden">Open</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {report.entries.map((entry) => (
                <tr key={entry.id}>
                  <td>{formatTimestamp(entry.at)}</td>
                  <td>{entry.by}</td>
                  <td className="mono query-history__sql">{entry.sql ?? <span className="muted">not shown to this console</span>}</td>
                  <td>{outcomeText(entry)}</td>
                  <td>{formatDuration(entry.durationMs)}</td>
                  <td>
                    {entry.sql !== null && (
                      <Button size="small" onClick={() => onOpen(entry.sql as string)} aria-label={`Open in a tab: ${entry.sql}`}>
                        Open in a tab
                      </Button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableFrame>
      )}
    </Panel>
  );
}
