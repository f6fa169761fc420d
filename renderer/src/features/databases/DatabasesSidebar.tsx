import { useState } from 'react';
import { useDeployment, useHostKind } from '../../api/connection-context';
import type { DatabaseEntry } from '../../../../shared/types/databases';
import { Button } from '../../components/Button';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorNotice } from '../../components/ErrorNotice';
import { LoadingState } from '../../components/QueryStates';
import { CreateDatabaseDialog } from './CreateDatabaseDialog';
import { DatabaseList } from './DatabaseList';
import { useCloseDatabase, useDatabases, useOpenDatabase } from './databases-queries';
import { useRefusal } from '../../queries/host-info';
import './databases.css';

/** The open databases with a health dot each; open, create fresh, close. */
export function DatabasesSidebar({ selected }: { selected: string | null }) {
  const hostKind = useHostKind();
  // A fleet deployment opened through its host: its databases are its own, created and closed there.
  const deployment = useDeployment();
  const mayCreate = useRefusal('createDatabase') === null;
  const databases = useDatabases();
  const open = useOpenDatabase();
  const close = useCloseDatabase();
  const [creating, setCreating] = useState(false);
  const [closing, setClosing] = useState<DatabaseEntry | null>(null);

  return (
    <nav className="databases" aria-label="Databases">
      <div className="databases__header">
        <h2 className="sidebar-heading">Databases</h2>
        {databases.data && <span className="databases__count">{databases.data.length}</span>}
      </div>
      {databases.isPending && <LoadingState label="Loading databases…" />}
      {databases.isError && <ErrorNotice error={databases.error} context="The databases could not be listed" />}
      {databases.data?.length === 0 && (
        <p className="databases__empty">
          No database is open. {hostKind === 'electron' ? 'Open one or create a fresh one.' : 'Create a fresh one with New database….'}
        </p>
      )}
      {databases.data && databases.data.length > 0 && (
        <DatabaseList
          databases={databases.data}
          selected={selected}
          closingId={close.isPending ? close.variables : null}
          onClose={(database) => setClosing(database)}
        />
      )}
      {close.isError && <ErrorNotice error={close.error} context="The database was not closed" />}
      {open.isError && <ErrorNotice error={open.error} context="No database was opened" />}
      <div className="databases__actions">
        {hostKind === 'electron' && (
          <Button onClick={() => open.mutate()} busy={open.isPending}>
            Open…
          </Button>
        )}
        {deployment === null && mayCreate && <Button onClick={() => setCreating(true)}>New database…</Button>}
      </div>
      {hostKind === 'http' && deployment === null && (
        <p className="databases__note">This web console serves the databases its server was started with, and those created here.</p>
      )}
      {deployment !== null && <p className="databases__note">The databases the agent of {deployment} serves.</p>}
      {creating && <CreateDatabaseDialog onClose={() => setCreating(false)} />}
      {closing && <CloseDatabaseDialog database={closing} hostKind={hostKind} onConfirm={() => close.mutate(closing.id)} onClose={() => setClosing(null)} />}
    </nav>
  );
}

interface CloseDatabaseDialogProps {
  database: DatabaseEntry;
  hostKind: 'electron' | 'http';
  onConfirm: () => void;
  onClose: () => void;
}

/** Close asks first: in the web console it stops serving the database for everyone using this server. */
function CloseDatabaseDialog({ database, hostKind, onConfirm, onClose }: CloseDatabaseDialogProps) {
  if (hostKind === 'electron') {
    return (
      <ConfirmDialog title={`Close ${database.name}?`} confirmLabel="Close" onConfirm={onConfirm} onClose={onClose}>
        <p>It leaves this window&apos;s list. The file is not changed; open it again with Open… or from File → Open Recent.</p>
      </ConfirmDialog>
    );
  }
  return (
    <ConfirmDialog title={`Stop serving ${database.name}?`} confirmLabel="Stop serving" onConfirm={onConfirm} onClose={onClose}>
      <p>
        This server stops serving it: it leaves the list of every console connected to the server, and the health endpoint stops reporting it, until the server
        is started with it again.
      </p>
      <p>The file itself is not changed or deleted.</p>
    </ConfirmDialog>
  );
}
