import { ErrorNotice } from '../../components/ErrorNotice';
import { LoadingState } from '../../components/QueryStates';
import { useBackups } from '../../queries/backups';
import { useStatus } from '../../queries/status';
import { useVerification } from '../../queries/verification';
import { DatabaseFacts } from './DatabaseFacts';
import { FindingsList } from './FindingsList';
import { InitializeOutcome } from './InitializeAction';
import { NextActionPanel } from './NextActionPanel';
import { useInitialize } from './overview-mutations';
import { SafetyFacts } from './SafetyFacts';
import './overview.css';

/** Path, size, engine, version against the latest, status in words, safety net, and the next step. */
export function OverviewView({ db }: { db: string }) {
  const status = useStatus(db);
  const verification = useVerification(db, { enabled: status.data?.exists === true });
  const backups = useBackups(db);
  const initialize = useInitialize(db);

  if (status.isPending) return <LoadingState label="Reading the database…" />;
  if (status.isError) return <ErrorNotice error={status.error} context="The database could not be read" />;
  return (
    <div className="overview">
      {initialize.result && <InitializeOutcome result={initialize.result} />}
      <NextActionPanel
        db={db}
        status={status.data}
        verification={verification.data}
        initialize={initialize}
        hasBackup={backups.data ? backups.data.length > 0 : null}
      />
      <div className="overview__columns">
        <DatabaseFacts status={status.data} />
        <SafetyFacts db={db} exists={status.data.exists} backups={backups} verification={verification} />
      </div>
      <FindingsList db={db} problems={status.data.problems} />
    </div>
  );
}
