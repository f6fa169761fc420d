import { lazy, Suspense } from 'react';
import type { DiagramState, DiagramTable } from '../../../../shared/types/schema';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Notice } from '../../components/Notice';
import { Panel } from '../../components/Panel';
import { EmptyState, LoadingState } from '../../components/QueryStates';
import { StatusUnavailable } from '../../components/StatusUnavailable';
import { TableFrame } from '../../components/TableFrame';
import { Tag } from '../../components/Tag';
import { hrefForBrowse } from '../../lib/browse-link';
import { plural } from '../../lib/format';
import { hrefFor } from '../../lib/routes';
import { useStatus } from '../../queries/status';
import { STATE_TONES, STATE_WORDS, stateSentence } from './diagram-text';
import { useSchemaDiagram } from './schema-queries';
import './schema.css';

// The layout library comes with the picture only: the other views never load it.
const SchemaDiagramPicture = lazy(() => import('./SchemaDiagramPicture'));

const LEGEND: DiagramState[] = ['as-expected', 'changed', 'missing', 'extra'];

function Legend({ tables }: { tables: DiagramTable[] }) {
  return (
    <ul className="schema-legend" aria-label="What the colours mean">
      {LEGEND.map((state) => (
        <li key={state} className={`schema-legend__item schema-legend__item--${state}`}>
          <span className="schema-legend__swatch" aria-hidden="true" />
          {STATE_WORDS[state]}: {tables.filter((t) => t.state === state).length}
        </li>
      ))}
      <li className="schema-legend__item">
        <span className="mono">PK</span> primary key · <span className="mono">FK</span> foreign key · arrows point from a table to the one it refers to
      </li>
    </ul>
  );
}

/** Each table that differs, in words, with both ways on: its differences and (where the file has it) its rows. */
function Differences({ db, tables }: { db: string; tables: DiagramTable[] }) {
  const differing = tables.filter((t) => t.state !== 'as-expected');
  if (differing.length === 0) {
    return (
      <Notice tone="ok" title="Every expected table is present and as defined">
        Click a table to browse its rows.
      </Notice>
    );
  }
  return (
    <ul className="schema-differences">
      {differing.map((table) => (
        <li key={table.name} className="schema-differences__item">
          <div className="schema-differences__head">
            <strong className="mono">{table.name}</strong>
            <Tag tone={STATE_TONES[table.state]} strong={table.state === 'missing'}>
              {STATE_WORDS[table.state]}
            </Tag>
            <span className="muted">{stateSentence(table)}</span>
          </div>
          {table.findings.length > 0 && (
            <ul className="plain-list">
              {table.findings.map((finding) => (
                <li key={finding}>{finding}</li>
              ))}
            </ul>
          )}
          <p className="schema-differences__links">
            <a href={hrefFor(db, 'integrity')}>See it on the Integrity view{table.state === 'extra' ? '' : ', where repair is'}</a>
            {table.state !== 'missing' && (
              <>
                {' '}
                · <a href={hrefForBrowse(db, { table: table.name, sort: null, filters: [] })}>Browse the rows of {table.name}</a>
              </>
            )}
          </p>
        </li>
      ))}
    </ul>
  );
}

/** The expected schema as a diagram of tables and foreign keys, with the live file's drift drawn on it. */
export function SchemaView({ db }: { db: string }) {
  const status = useStatus(db);
  const diagram = useSchemaDiagram(db, { enabled: status.data?.exists === true });
  if (status.isPending) return <LoadingState label="Reading the database…" />;
  if (status.isError) return <StatusUnavailable db={db} error={status.error} onRetry={() => void status.refetch()} retrying={status.isFetching} />;
  if (status.data.status === 'not_initialized' && !status.data.exists) {
    return (
      <EmptyState title="No schema to draw yet" action={<a href={hrefFor(db, 'overview')}>Initialize it from the Overview</a>}>
        There is no database file yet. Once it is initialized, its tables and foreign keys are drawn here.
      </EmptyState>
    );
  }
  if (diagram.isPending) return <LoadingState label="Reading the schema…" />;
  if (diagram.isError) return <ErrorNotice error={diagram.error} context="The schema diagram could not be read" />;
  const { comparedAt, tables } = diagram.data;
  if (comparedAt === null) {
    return (
      <EmptyState title="No version to draw against" action={<a href={hrefFor(db, 'overview')}>See the Overview</a>}>
        {status.data.reason} The diagram shows the schema a version expects, so it needs the database to be at a version this tool knows.
      </EmptyState>
    );
  }
  const differing = tables.filter((t) => t.state !== 'as-expected').length;
  return (
    <>
      <Panel
        title="Schema diagram"
        subtitle={`The expected schema at ${comparedAt}, with this file's differences drawn on it · ${plural(tables.length, 'table')}`}
      >
        <Legend tables={tables} />
        <TableFrame label="Schema diagram" className="schema-diagram__frame">
          <Suspense fallback={<LoadingState label="Laying out the diagram…" />}>
            <SchemaDiagramPicture db={db} tables={tables} />
          </Suspense>
        </TableFrame>
      </Panel>
      <Panel title="Differences" subtitle={differing ? `${plural(differing, 'table')} differ${differing === 1 ? 's' : ''} from the expected schema` : 'None'}>
        <Differences db={db} tables={tables} />
      </Panel>
    </>
  );
}
