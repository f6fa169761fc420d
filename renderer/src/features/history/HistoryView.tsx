import { useDeferredValue, useMemo, useState } from 'react';
import type { AppliedVersion, LifecycleEvent } from '../../../../shared/types/history';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Panel } from '../../components/Panel';
import { EmptyState, LoadingState } from '../../components/QueryStates';
import { StatusUnavailable } from '../../components/StatusUnavailable';
import { formatTimestamp, plural } from '../../lib/format';
import { hrefFor } from '../../lib/routes';
import { useStatus } from '../../queries/status';
import { AppliedVersionsTable } from './AppliedVersionsTable';
import { EventDetailDialog } from './EventDetailDialog';
import { EventTimeline } from './EventTimeline';
import { filterEvents, NO_FILTER } from './event-filter';
import { HistoryFilters } from './HistoryFilters';
import { HostKeptChecks, useHostKeptChecks } from './HostKeptChecks';
import { TimeAxisChart } from './TimeAxisChart';
import { timelineItems } from './timeline-items';
import { useHistory } from './history-queries';
import './history.css';

function EventsPanel({ events }: { events: LifecycleEvent[] }) {
  const [filter, setFilter] = useState(NO_FILTER);
  const deferred = useDeferredValue(filter);
  const shown = useMemo(() => filterEvents(events, deferred), [events, deferred]);
  const [opened, setOpened] = useState<LifecycleEvent | null>(null);
  const failed = useMemo(() => events.filter((e) => e.outcome === 'failed').length, [events]);

  return (
    <Panel title="Lifecycle events" subtitle={`Newest first · ${plural(failed, 'failure')}`} flush>
      <HistoryFilters filter={filter} onChange={setFilter} shown={shown.length} total={events.length} />
      {events.length === 0 && (
        <div className="history__empty">
          <EmptyState title="No events recorded yet">Initialize, migrate, back up or repair the database and each action appears here.</EmptyState>
        </div>
      )}
      {events.length > 0 && shown.length === 0 && (
        <div className="history__empty">
          <EmptyState title="No event matches these filters" />
        </div>
      )}
      {shown.length > 0 && <EventTimeline events={shown} onOpen={setOpened} />}
      {opened && <EventDetailDialog event={opened} onClose={() => setOpened(null)} />}
    </Panel>
  );
}

/** Everything below on one time axis: what happened, when, and who did it. */
function TimelinePanel({ db, versions, events }: { db: string; versions: AppliedVersion[]; events: LifecycleEvent[] }) {
  const checks = useHostKeptChecks(db);
  const items = useMemo(() => timelineItems(versions, events, checks), [versions, events, checks]);
  if (items.length === 0) return null;
  const from = formatTimestamp(new Date(items[0].at).toISOString());
  const to = formatTimestamp(new Date(items[items.length - 1].at).toISOString());
  return (
    <Panel title="Timeline" subtitle={`Versions, migrations, backups, restores, repairs and checks, ${from} to ${to} · open one to read what happened`}>
      <TimeAxisChart items={items} />
    </Panel>
  );
}

/** Before initialization there is no history to show: the same friendly empty state as the other views. */
function NotInitialized({ db }: { db: string }) {
  return (
    <EmptyState title="No history yet" action={<a href={hrefFor(db, 'overview')}>Initialize it from the Overview</a>}>
      The database has no schema yet. Initializing records its first version here, and every action after it.
    </EmptyState>
  );
}

/** Applied versions and every lifecycle event (who, when, how long, outcome), newest first. */
export function HistoryView({ db }: { db: string }) {
  const status = useStatus(db);
  // A file that does not exist yet has no history to read (asking would only say it is not there).
  const history = useHistory(db, { enabled: status.data?.exists === true });
  if (status.isPending) return <LoadingState label="Reading the database…" />;
  if (status.isError) return <StatusUnavailable db={db} error={status.error} onRetry={() => void status.refetch()} retrying={status.isFetching} />;
  const fresh = status.data.status === 'not_initialized';
  if (fresh && !status.data.exists) return <NotInitialized db={db} />;
  if (history.isPending) return <LoadingState label="Reading the version history…" />;
  if (history.isError) return <ErrorNotice error={history.error} context="The history could not be read" />;
  const { versions, events, version } = history.data;
  // An empty file: nothing recorded yet. (A failed first initialization is recorded, and shown.)
  if (fresh && versions.length === 0 && events.length === 0) return <NotInitialized db={db} />;
  return (
    <>
      <TimelinePanel db={db} versions={versions} events={events} />
      <Panel
        title="Applied versions"
        subtitle={version ? `Current version ${version} · ${plural(versions.length, 'version')} recorded` : 'No version recorded'}
        flush
      >
        {versions.length === 0 ? (
          <div className="history__empty">
            <EmptyState title="No version applied yet">Initializing the database records its first version here.</EmptyState>
          </div>
        ) : (
          <AppliedVersionsTable versions={versions} current={version} />
        )}
      </Panel>
      <EventsPanel events={events} />
      <HostKeptChecks db={db} />
    </>
  );
}
