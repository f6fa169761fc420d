import { errorInfoOf } from '../../api/api-error';
import { StatusUnavailable } from '../../components/StatusUnavailable';
import { Notice } from '../../components/Notice';
import { Panel } from '../../components/Panel';
import { EmptyState, LoadingState } from '../../components/QueryStates';
import { plural } from '../../lib/format';
import { hrefFor } from '../../lib/routes';
import { useStatus } from '../../queries/status';
import { useVerification } from '../../queries/verification';
import { ChecksPanel } from './ChecksPanel';
import { DamagePanel, RebuildOutcome } from './DamagePanel';
import { useIntegrityCheck, useRepair } from './integrity-queries';
import { groupProblems } from './object-groups';
import { ObjectStateTable } from './ObjectStateTable';
import { RepairPanel } from './RepairPanel';
import { SalvagePanel } from './SalvagePanel';
import './integrity.css';

/** Expected objects with a finding (missing, changed, extra) by table, the checks, and Repair. */
export function IntegrityView({ db }: { db: string }) {
  const status = useStatus(db);
  const lastCheck = useVerification(db, { enabled: status.data?.exists === true });
  const check = useIntegrityCheck(db);
  const repair = useRepair(db);

  if (status.isPending) return <LoadingState label="Reading the database…" />;
  if (status.isError) {
    const unavailable = <StatusUnavailable db={db} error={status.error} onRetry={() => void status.refetch()} retrying={status.isFetching} />;
    // A file SQLite cannot even read the schema of: salvage is the one thing left to try here.
    if (errorInfoOf(status.error).code !== 'CORRUPT') return unavailable;
    return (
      <>
        {unavailable}
        <SalvagePanel db={db} />
      </>
    );
  }
  if (status.data.status === 'not_initialized') {
    return (
      <EmptyState title="Nothing to compare yet" action={<a href={hrefFor(db, 'overview')}>Initialize it from the Overview</a>}>
        The database has no schema, so there are no expected objects to check.
      </EmptyState>
    );
  }
  const problems = lastCheck.data?.problems ?? status.data.problems;
  const drift = problems.filter((p) => p.kind !== 'integrity' && p.kind !== 'foreign_key_violation');
  const groups = groupProblems(drift);
  const comparedAt = status.data.version ?? status.data.legacy?.version ?? null;
  const damaged = status.data.integrity?.ok === false || lastCheck.data?.integrity.ok === false;
  // The full check's map when it ran, else the status's quick_check's.
  const failed = lastCheck.data?.integrity.ok === false ? lastCheck.data.integrity : status.data.integrity?.ok === false ? status.data.integrity : null;

  return (
    <>
      {failed && <DamagePanel db={db} databasePath={status.data.path} integrity={failed} repair={repair} />}
      {/* Once the rebuild fixed it the damage is gone: what was done stays in view. */}
      {!failed && repair.result?.rebuiltIndexes?.length ? (
        <Panel title="Damage" subtitle="Fixed in place">
          <RebuildOutcome result={repair.result} />
        </Panel>
      ) : null}
      {damaged && <SalvagePanel db={db} />}
      <Panel
        title="Schema objects"
        subtitle={comparedAt ? `Compared with the expected schema at ${comparedAt}` : 'No recorded version to compare with'}
        flush={groups.length > 0}
      >
        {groups.length === 0 ? (
          <Notice tone="ok" title="Every expected object is present and as defined">
            Tables, columns, CHECK and UNIQUE constraints, foreign keys, indexes, triggers and views all match{comparedAt ? ` version ${comparedAt}` : ''}.
          </Notice>
        ) : (
          <>
            <p className="integrity__summary">
              {plural(drift.length, 'object')} differ{drift.length === 1 ? 's' : ''} from the expected schema; every other expected object matches.
            </p>
            <ObjectStateTable groups={groups} />
          </>
        )}
      </Panel>
      {/* Damage is the Damage panel's: what repair recreates is drift. */}
      <RepairPanel
        db={db}
        databasePath={status.data.path}
        version={status.data.version}
        problems={problems.filter((p) => p.kind !== 'integrity')}
        repair={repair}
      />
      <ChecksPanel lastCheck={lastCheck} check={check} />
    </>
  );
}
