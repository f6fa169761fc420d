import { useRef, useState } from 'react';
import { TableFrame } from '../../components/TableFrame';
import type { TableSummary } from '../../../../shared/types/data';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Notice } from '../../components/Notice';
import { Panel } from '../../components/Panel';
import { EmptyState, LoadingState } from '../../components/QueryStates';
import { hrefForBrowse, useBrowseTarget, type BrowseTarget } from '../../lib/browse-link';
import { formatBytes, plural } from '../../lib/format';
import { hrefFor } from '../../lib/routes';
import { useRefusal } from '../../queries/host-info';
import { useReadOnlyQuery, useTables } from './data-queries';
import { QueryForm } from './QueryForm';
import { QueryOutcome } from './QueryOutcome';
import { RowsBrowser } from './RowsBrowser';
import { TablesList } from './TablesList';
import './data.css';

const DEFAULT_ROW_LIMIT = 1000;

/** A double-quoted SQL identifier: any name, even one with quotes or spaces, reads as a name. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

interface TablesPanelProps {
  db: string;
  /** Absent: this console may not read rows (then the names are not links). */
  onBrowse?: (name: string) => void;
  /** Absent: this console may not run queries. */
  onQuery?: (name: string) => void;
  busy: boolean;
}

/** Tables that cannot be read, each with why; every other table browses as usual. */
function UnreadableNotice({ db, tables }: { db: string; tables: TableSummary[] }) {
  const unreadable = tables.filter((t) => t.unreadable);
  if (unreadable.length === 0) return null;
  const damaged = unreadable.some((t) => t.unreadable!.reason === 'damaged');
  return (
    <Notice tone="bad" title={`${plural(unreadable.length, 'table or view', 'tables and views')} cannot be read; every other table can`}>
      <ul className="plain-list">
        {unreadable.map((t) => (
          <li key={t.name}>
            <strong className="mono">{t.name}</strong>: {t.unreadable!.message}
          </li>
        ))}
      </ul>
      <p>
        <a href={hrefFor(db, 'integrity')}>
          {damaged ? 'See the damage and what fits on the Integrity view' : 'Recreate what is missing with Repair on the Integrity view'}
        </a>
        {damaged && (
          <>
            {' '}
            · <a href={hrefFor(db, 'overview')}>Preserve a copy first, from the Overview</a>
          </>
        )}
      </p>
    </Notice>
  );
}

function TablesPanel({ db, onBrowse, onQuery, busy }: TablesPanelProps) {
  const tables = useTables(db);
  const report = tables.data;
  const subtitle = report && (
    <>
      {plural(report.tables.length, 'table or view', 'tables and views')} · file {formatBytes(report.bytes)}
      {!report.measured && ' · sizes not measured: this SQLite build has no dbstat'}
    </>
  );
  return (
    <Panel title="Tables and views" subtitle={subtitle}>
      {tables.isPending && <LoadingState label="Counting rows and measuring tables…" />}
      {tables.isError && <ErrorNotice error={tables.error} context="The tables could not be listed" />}
      {report?.tables.length === 0 && <EmptyState title="No tables or views">This database has no schema yet.</EmptyState>}
      {report && <UnreadableNotice db={db} tables={report.tables} />}
      {report && report.tables.length > 0 && (
        <TableFrame label="Tables and views" className="data__tables">
          <TablesList report={report} onBrowse={onBrowse} onQuery={onQuery} busy={busy} />
        </TableFrame>
      )}
    </Panel>
  );
}

/** Tables and views with their sizes, any one's rows browsed, and a read-only SQL box whose results can be exported. */
export function DataView({ db }: { db: string }) {
  const target = useBrowseTarget();
  const browse = (next: BrowseTarget) => {
    window.location.hash = hrefForBrowse(db, next);
  };
  const query = useReadOnlyQuery(db);
  const schema = useTables(db).data?.tables;
  const [sql, setSql] = useState('');
  const [limit, setLimit] = useState(DEFAULT_ROW_LIMIT);
  const queryPanel = useRef<HTMLDivElement>(null);
  // A read-only token sees the tables and their sizes, never their rows: nothing here offers them.
  const rowsRefusal = useRefusal('rows');
  const queryRefusal = useRefusal('query');

  const showRows = (name: string) => {
    const text = `SELECT * FROM ${quoteIdentifier(name)} LIMIT 100`;
    setSql(text);
    query.start({ sql: text, limit });
    queryPanel.current?.scrollIntoView?.({ block: 'start', behavior: 'smooth' });
  };

  return (
    <div className="data">
      {/* The rows come first while browsing: they are what the user just asked for. */}
      {target && rowsRefusal === null && <RowsBrowser db={db} target={target} onBrowse={browse} onClose={() => (window.location.hash = hrefFor(db, 'data'))} />}
      {rowsRefusal !== null && (
        <Notice tone="info" title={rowsRefusal}>
          The tables, their row counts and sizes are listed below; their rows are not shown to this console.
        </Notice>
      )}
      <TablesPanel
        db={db}
        onBrowse={rowsRefusal === null ? (table) => browse({ table, sort: null, filters: [] }) : undefined}
        onQuery={queryRefusal === null ? showRows : undefined}
        busy={query.isRunning}
      />
      {queryRefusal === null && (
        <div ref={queryPanel}>
          <Panel
            title="Read-only SQL"
            subtitle="Write a query (the database's names are offered as you type), or start from a table's SELECT (its Query button)."
          >
            <QueryForm
              sql={sql}
              onSqlChange={setSql}
              limit={limit}
              onLimitChange={setLimit}
              running={query.isRunning}
              cancelling={query.isCancelling}
              onRun={() => query.start({ sql, limit })}
              onCancel={query.cancel}
              schema={schema}
            />
            {!query.isRunning && query.error != null && <ErrorNotice error={query.error} />}
            {!query.isRunning && query.result && !query.error && <QueryOutcome result={query.result} />}
          </Panel>
        </div>
      )}
    </div>
  );
}
