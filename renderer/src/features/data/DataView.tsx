import { useEffect, useId, useRef, useState } from 'react';
import { TableFrame } from '../../components/TableFrame';
import type { QueryResult, TableSummary } from '../../../../shared/types/data';
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
import { QueryHistoryPanel } from './QueryHistoryPanel';
import { QueryOutcome } from './QueryOutcome';
import { QueryTabBar } from './QueryTabBar';
import { useQueryTabs } from './query-tabs';
import { RowsBrowser } from './RowsBrowser';
import { TablesList } from './TablesList';
import './data.css';

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
  const tabs = useQueryTabs(db);
  const tab = tabs.active;
  // The query runs one at a time; each tab keeps the last result it got, the tab that ran last shows the live one.
  const [ranIn, setRanIn] = useState<string | null>(null);
  const [results, setResults] = useState<Record<string, QueryResult>>({});
  const live = ranIn === tab.id;
  useEffect(() => {
    if (ranIn && query.result) setResults((kept) => (kept[ranIn] === query.result ? kept : { ...kept, [ranIn]: query.result as QueryResult }));
  }, [ranIn, query.result]);
  const shown = live ? (query.error == null ? query.result : null) : (results[tab.id] ?? null);
  const queryPanel = useRef<HTMLDivElement>(null);
  const panelId = useId();
  // A read-only token sees the tables and their sizes, never their rows: nothing here offers them.
  const rowsRefusal = useRefusal('rows');
  const queryRefusal = useRefusal('query');
  const historyRefusal = useRefusal('queryHistory');

  const run = (sql: string, limit: number) => {
    setRanIn(tab.id);
    query.start({ sql, limit });
  };
  const showRows = (name: string) => {
    const text = `SELECT * FROM ${quoteIdentifier(name)} LIMIT 100`;
    tabs.update({ sql: text });
    run(text, tab.limit);
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
            <QueryTabBar tabs={tabs.tabs} active={tab.id} panelId={panelId} onSelect={tabs.select} onClose={tabs.close} onNew={() => tabs.open()} />
            <div id={panelId} role="tabpanel" aria-labelledby={`${panelId}-tab-${tab.id}`} className="query-tabs__panel">
              <QueryForm
                key={tab.id}
                sql={tab.sql}
                onSqlChange={(sql) => tabs.update({ sql })}
                limit={tab.limit}
                onLimitChange={(limit) => tabs.update({ limit })}
                running={query.isRunning}
                cancelling={query.isCancelling}
                onRun={() => run(tab.sql, tab.limit)}
                onCancel={query.cancel}
                schema={schema}
              />
              {live && !query.isRunning && query.error != null && <ErrorNotice error={query.error} />}
              {!(live && query.isRunning) && shown && <QueryOutcome db={db} result={shown} />}
            </div>
          </Panel>
        </div>
      )}
      {historyRefusal === null && <QueryHistoryPanel db={db} onOpen={(sql) => tabs.open(sql)} />}
    </div>
  );
}
