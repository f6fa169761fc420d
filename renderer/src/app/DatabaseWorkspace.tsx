import type { DatabaseEntry } from '../../../shared/types/databases';
import { BackupsView } from '../features/backups/BackupsView';
import { DataView } from '../features/data/DataView';
import { HistoryView } from '../features/history/HistoryView';
import { IntegrityView } from '../features/integrity/IntegrityView';
import { OverviewView } from '../features/overview/OverviewView';
import { PlanView } from '../features/plan/PlanView';
import { SchemaView } from '../features/schema/SchemaView';
import { SizesView } from '../features/sizes/SizesView';
import type { ViewId } from '../lib/routes';
import { DatabaseHeader } from './DatabaseHeader';
import { ViewTabs } from './ViewTabs';

function CurrentView({ db, view }: { db: string; view: ViewId }) {
  switch (view) {
    case 'overview':
      return <OverviewView db={db} />;
    case 'history':
      return <HistoryView db={db} />;
    case 'integrity':
      return <IntegrityView db={db} />;
    case 'schema':
      return <SchemaView db={db} />;
    case 'plan':
      return <PlanView db={db} />;
    case 'backups':
      return <BackupsView db={db} />;
    case 'data':
      return <DataView db={db} />;
    case 'sizes':
      return <SizesView db={db} />;
  }
}

/** One database: its header, the view tabs and the current view. */
export function DatabaseWorkspace({ database, view }: { database: DatabaseEntry; view: ViewId }) {
  return (
    <div className="workspace">
      <DatabaseHeader database={database} />
      <ViewTabs db={database.id} current={view} />
      <div className="workspace__view" key={`${database.id}/${view}`}>
        <CurrentView db={database.id} view={view} />
      </div>
    </div>
  );
}
