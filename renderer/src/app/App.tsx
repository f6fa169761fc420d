import { useEffect } from 'react';
import { ErrorNotice } from '../components/ErrorNotice';
import { EmptyState, LoadingState } from '../components/QueryStates';
import { DatabasesSidebar } from '../features/databases/DatabasesSidebar';
import { useDatabaseAnnouncements, useDatabases } from '../features/databases/databases-queries';
import { useStatusAnnouncements } from '../queries/status';
import { FLEET_HREF, hrefFor, useRoute } from '../lib/routes';
import { useDeployment, useHostKind } from '../api/connection-context';
import { FleetView } from '../features/fleet/FleetView';
import { useHasFleet } from '../features/fleet/fleet-queries';
import { DatabaseWorkspace } from './DatabaseWorkspace';
import './app.css';

function MainArea() {
  const route = useRoute();
  const databases = useDatabases();
  const first = databases.data?.[0];

  // With no database in the address, show the first one (replace: no extra history entry).
  useEffect(() => {
    if (!route.db && !route.fleet && first) window.location.replace(hrefFor(first.id));
  }, [route.db, route.fleet, first]);

  if (route.fleet) return <FleetView />;
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

/** A deployment of the host's fleet, opened through the host: which one, and the way back. */
function DeploymentBanner({ name }: { name: string }) {
  return (
    <div className="deployment-banner" role="note">
      <span>
        Fleet deployment <strong>{name}</strong>, opened through this host
      </span>
      <a href={`${window.location.pathname}${FLEET_HREF}`}>Back to the fleet</a>
    </div>
  );
}

export function App() {
  const route = useRoute();
  const deployment = useDeployment();
  const hasFleet = useHasFleet(useHostKind() === 'http' && deployment === null);
  useDatabaseAnnouncements();
  useStatusAnnouncements();
  return (
    <div className="app">
      <aside className="app__sidebar">
        <div className="app__brand">
          <span className="app__logo" aria-hidden="true">◆</span>
          Schema Warden
        </div>
        {hasFleet && (
          <a className="fleet-link" href={FLEET_HREF} aria-current={route.fleet ? 'page' : undefined}>
            Fleet
          </a>
        )}
        <DatabasesSidebar selected={route.db} />
      </aside>
      <div className="app__main">
        {deployment !== null && <DeploymentBanner name={deployment} />}
        <MainArea />
      </div>
    </div>
  );
}
