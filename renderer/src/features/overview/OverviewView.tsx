import { StatusUnavailable } from '../../components/StatusUnavailable';
import { LoadingState } from '../../components/QueryStates';
import { useBackups } from '../../queries/backups';
import { useHealth } from '../../queries/health';
import { DatabaseFacts } from './DatabaseFacts';
import { FindingsList } from './FindingsList';
import { InitializeOutcome } from './InitializeAction';
import { NextActionPanel } from './NextActionPanel';
import { useInitialize } from './overview-mutations';
import { SafetyFacts } from './SafetyFacts';
import './overview.css';

/** Path, size, engine, version against the latest, status in words, safety net, and the next step. */
export function OverviewView({ db }: { db: string }) {
  // The status carries the engine's verdict and its quick_check; a verification is only what the Integrity view ran.
  const status = useHealth(db);
  const verification = status.verification;
  const backups = useBackups(db);
  const initialize = useInitialize(db);

  if (status.isPending) return <LoadingState label="Reading the database…" />;
  if (status.isError || !status.verdict)
    return <StatusUnavailable db={db} error={status.error} onRetry={() => void status.refetch()} retrying={status.isFetching} />;
  return (
    <div className="overview">
      {initialize.result && <InitializeOutcome result={initialize.result} />}
      <NextActionPanel
        db={db}
        status={status.data}
        verification={verification}
        initialize={initialize}
        hasBackup={backups.data ? backups.data.some((b) => !b.damaged) : null}
        backups={backups.data ?? null}
      />
      <div className="overview__columns">
        <DatabaseFacts db={db} status={status.data} verdict={status.verdict.status} />
        <SafetyFacts db={db} status={status.data} verdict={status.verdict.status} backups={backups} verification={verification} />
      </div>
      <FindingsList db={db} problems={status.data.problems} />
    </div>
  );
}
