import { useEffect } from 'react';
import { ErrorNotice } from '../components/ErrorNotice';
import { EmptyState, LoadingState } from '../components/QueryStates';
import { DatabasesSidebar } from '../features/databases/DatabasesSidebar';
import { useDatabaseAnnouncements, useDatabases } from '../features/databases/databases-queries';
import { JobsPanel } from '../features/jobs/JobsPanel';
import { OperatorLine, OperatorPrompt } from '../features/operator/OperatorPrompt';
import { useJobAnnouncements } from '../queries/jobs';
import { useStatusAnnouncements } from '../queries/status';
import { hrefFor, useRoute } from '../lib/routes';
import { DatabaseWorkspace } from './DatabaseWorkspace';
import './app.css';

function MainArea() {
  const route = useRoute();
  const databases = useDatabases();
  const first = databases.data?.[0];

  // With no database in the address, show the first one (replace: no extra history entry).
  useEffect(() => {
    if (!route.db && first) window.location.replace(hrefFor(first.id));
  }, [route.db, first]);

  if (databases.isPending) return <LoadingState label="Connecting to Schema Warden…" />;
  if (databases.isError) return <ErrorNotice error={databases.error} context="The console could not list its databases" />;
  const database = databases.data.find((d) => d.id === route.db);
  if (database) return <DatabaseWorkspace database={database} view={route.view} />;
  if (databases.data.length === 0) {
    return <EmptyState title="No database is open">Open a database or create a fresh one from the sidebar.</EmptyState>;
  }
  if (!route.db) return <LoadingState label="Opening the first database…" />;
  return <EmptyState title={`"${route.db}" is not open`}>It was closed or this host does not serve it. Pick a database in the sidebar.</EmptyState>;
}

export function App() {
  const route = useRoute();
  const databases = useDatabases();
  useDatabaseAnnouncements();
  useStatusAnnouncements();
  useJobAnnouncements();
  return (
    <div className="app">
      <aside className="app__sidebar">
        <div className="app__brand">
          <span className="app__logo" aria-hidden="true">◆</span>
          Schema Warden
        </div>
        <DatabasesSidebar selected={route.db} />
        <JobsPanel databases={databases.data ?? []} />
        <OperatorLine />
      </aside>
      <div className="app__main">
        <OperatorPrompt />
        <MainArea />
      </div>
    </div>
  );
}
