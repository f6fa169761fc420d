import { useState } from 'react';
import { useDeployment, useHostKind } from '../../api/connection-context';
import { Button } from '../../components/Button';
import { ErrorNotice } from '../../components/ErrorNotice';
import { LoadingState } from '../../components/QueryStates';
import { CreateDatabaseDialog } from './CreateDatabaseDialog';
import { DatabaseListItem } from './DatabaseListItem';
import { useCloseDatabase, useDatabases, useOpenDatabase } from './databases-queries';
import './databases.css';

/** The open databases with a health dot each; open, create fresh, close. */
export function DatabasesSidebar({ selected }: { selected: string | null }) {
  const hostKind = useHostKind();
  // A fleet deployment opened through its host: its databases are its own, created and closed there.
  const deployment = useDeployment();
  const databases = useDatabases();
  const open = useOpenDatabase();
  const close = useCloseDatabase();
  const [creating, setCreating] = useState(false);

  return (
    <nav className="databases" aria-label="Databases">
      <div className="databases__header">
        <h2 className="databases__title">Databases</h2>
        {databases.data && <span className="databases__count">{databases.data.length}</span>}
      </div>
      {databases.isPending && <LoadingState label="Loading databases…" />}
      {databases.isError && <ErrorNotice error={databases.error} context="The databases could not be listed" />}
      {databases.data?.length === 0 && (
        <p className="databases__empty">
          No database is open. {hostKind === 'electron' ? 'Open one or create a fresh one.' : 'Create a fresh one, or restart warden serve with --db PATH.'}
        </p>
      )}
      {databases.data && databases.data.length > 0 && (
        <ul className="databases__list">
          {databases.data.map((database) => (
            <DatabaseListItem
              key={database.id}
              database={database}
              selected={database.id === selected}
              closing={close.isPending && close.variables === database.id}
              onClose={() => close.mutate(database.id)}
            />
          ))}
        </ul>
      )}
      {close.isError && <ErrorNotice error={close.error} context="The database was not closed" />}
      {open.isError && <ErrorNotice error={open.error} context="No database was opened" />}
      <div className="databases__actions">
        {hostKind === 'electron' && (
          <Button onClick={() => open.mutate()} busy={open.isPending}>
            Open…
          </Button>
        )}
        {deployment === null && <Button onClick={() => setCreating(true)}>New database…</Button>}
      </div>
      {hostKind === 'http' && deployment === null && <p className="databases__note">This web console serves the databases named when <code>warden serve</code> started.</p>}
      {deployment !== null && <p className="databases__note">The databases the agent of {deployment} serves.</p>}
      {creating && <CreateDatabaseDialog onClose={() => setCreating(false)} />}
    </nav>
  );
}
