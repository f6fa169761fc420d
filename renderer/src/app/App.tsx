import { useEffect, useState, type MouseEvent } from 'react';
import { Button } from '../components/Button';
import { ErrorNotice } from '../components/ErrorNotice';
import { EmptyState, LoadingState } from '../components/QueryStates';
import { DatabasesSidebar } from '../features/databases/DatabasesSidebar';
import { useDatabaseAnnouncements, useDatabases } from '../features/databases/databases-queries';
import { LandingView } from '../features/landing/LandingView';
import { JobsPanel } from '../features/jobs/JobsPanel';
import { OperatorLine, OperatorPrompt } from '../features/operator/OperatorPrompt';
import { useReadOnly } from '../queries/host-info';
import { useJobAnnouncements } from '../queries/jobs';
import { useStatusAnnouncements } from '../queries/status';
import { FLEET_HREF, HOME_HREF, hrefFor, useRoute } from '../lib/routes';
import { useDeployment, useHostKind } from '../api/connection-context';
import { FleetView } from '../features/fleet/FleetView';
import { useFleetAnnouncements, useHasFleet } from '../features/fleet/fleet-queries';
import { DatabaseWorkspace } from './DatabaseWorkspace';
import './app.css';

function MainArea() {
  const route = useRoute();
  const databases = useDatabases();
  const deployment = useDeployment();
  // A fleet deployment's agent usually serves one database: opening the deployment opens it
  // (replace: no extra history entry). This host's own landing lists its databases instead.
  const only = deployment !== null && databases.data?.length === 1 ? databases.data[0] : null;
  useEffect(() => {
    if (!route.db && !route.fleet && only) window.location.replace(hrefFor(only.id));
  }, [route.db, route.fleet, only]);

  if (route.fleet) return <FleetView />;
  if (databases.isPending) return <LoadingState label="Connecting to Schema Warden…" />;
  if (databases.isError) return <ErrorNotice error={databases.error} context="The console could not list its databases" />;
  if (!route.db) return <LandingView databases={databases.data} />;
  const database = databases.data.find((d) => d.id === route.db);
  if (database) return <DatabaseWorkspace database={database} view={route.view} />;
  return (
    <EmptyState title={`"${route.db}" is not open`} action={<a href={HOME_HREF}>See all databases</a>}>
      It was closed or this host does not serve it. Pick a database in the sidebar.
    </EmptyState>
  );
}

/** A deployment of the host's fleet, opened through the host: which one, and the way back (the desktop app: its own window, closed to go back). */
function DeploymentBanner({ name, desktop }: { name: string; desktop: boolean }) {
  return (
    <div className="deployment-banner" role="note">
      <span>
        Fleet deployment <strong>{name}</strong>, opened through {desktop ? 'this app' : 'this host'}
      </span>
      {!desktop && <a href={`${window.location.pathname}${FLEET_HREF}`}>Back to the fleet</a>}
    </div>
  );
}

/** A console opened with `warden serve`'s read-only token: what it can do, said once above every view. */
function ReadOnlyBanner() {
  return (
    <div className="read-only-banner" role="note">
      <strong>Read-only access.</strong> You can view every database and run integrity checks. Changes, backups, restores and queries are refused: ask whoever
      runs this server for the operator's address to make them.
    </div>
  );
}

/** The address is the console's route (#/…), so the skip link moves focus itself rather than following its href. */
function skipToMain(event: MouseEvent<HTMLAnchorElement>) {
  event.preventDefault();
  document.getElementById('main')?.focus();
}

/** Narrow windows (and 200% zoom) start with the sidebar folded, so the view gets the width. */
const NARROW = '(max-width: 48rem)';

export function App() {
  const route = useRoute();
  const [sidebarOpen, setSidebarOpen] = useState(() => typeof window.matchMedia !== 'function' || !window.matchMedia(NARROW).matches);
  const databases = useDatabases();
  const deployment = useDeployment();
  const desktop = useHostKind() === 'electron';
  // The desktop app always offers its Fleet page (it opens fleet files); a web host has one with --fleet.
  const hasFleet = useHasFleet(!desktop && deployment === null) || (desktop && deployment === null);
  const readOnly = useReadOnly();
  useDatabaseAnnouncements();
  useStatusAnnouncements();
  useJobAnnouncements();
  useFleetAnnouncements();
  return (
    <div className={`app${sidebarOpen ? '' : ' app--sidebar-folded'}`}>
      <a className="skip-link" href="#main" onClick={skipToMain}>
        Skip to main content
      </a>
      <aside className="app__sidebar" aria-label="Schema Warden">
        <div className="app__brand">
          <Button
            variant="ghost"
            size="small"
            className="app__sidebar-toggle"
            aria-expanded={sidebarOpen}
            aria-controls="databases-sidebar"
            onClick={() => setSidebarOpen((open) => !open)}
          >
            <span aria-hidden="true">☰</span>
            <span className="visually-hidden">{sidebarOpen ? 'Hide the databases list' : 'Show the databases list'}</span>
          </Button>
          {sidebarOpen && (
            <a className="app__home" href={HOME_HREF} aria-current={route.db || route.fleet ? undefined : 'page'}>
              <span className="app__logo" aria-hidden="true">
                ◆
              </span>
              Schema Warden
            </a>
          )}
        </div>
        <div id="databases-sidebar" className="app__sidebar-body" hidden={!sidebarOpen}>
          {hasFleet && (
            <a className="fleet-link" href={FLEET_HREF} aria-current={route.fleet ? 'page' : undefined}>
              Fleet
            </a>
          )}
          <DatabasesSidebar selected={route.db} />
          <JobsPanel databases={databases.data ?? []} />
          <OperatorLine />
        </div>
      </aside>
      <main id="main" className="app__main" tabIndex={-1}>
        {readOnly && <ReadOnlyBanner />}
        <OperatorPrompt />
        {deployment !== null && <DeploymentBanner name={deployment} desktop={desktop} />}
        <MainArea />
      </main>
    </div>
  );
}
