import { hasErrorCode } from '../../api/api-error';
import { ErrorNotice } from '../../components/ErrorNotice';
import { StatusUnavailable } from '../../components/StatusUnavailable';
import { EmptyState, LoadingState } from '../../components/QueryStates';
import { hrefFor } from '../../lib/routes';
import { useStatus } from '../../queries/status';
import { FullPlan } from './FullPlan';
import { PendingVersionsOnly } from './PendingVersionsOnly';
import { usePlan } from '../../queries/plan';
import './plan.css';

/** Pending migrations from the current version to the latest: read, rehearse, apply. */
export function PlanView({ db }: { db: string }) {
  const status = useStatus(db);
  // A database the service made, exactly the version its own table records, is adopted by the plan itself.
  const versioned = status.data?.version != null || status.data?.adoptable === true;
  const plan = usePlan(db, { enabled: versioned });

  if (status.isPending) return <LoadingState label="Reading the database…" />;
  if (status.isError) return <StatusUnavailable db={db} error={status.error} onRetry={() => void status.refetch()} retrying={status.isFetching} />;
  if (!versioned) {
    const fresh = status.data.status === 'not_initialized';
    return (
      <EmptyState
        title={fresh ? 'Not initialized: there is nothing to migrate' : 'Not versioned yet: adopt it before migrating'}
        action={<a href={hrefFor(db, 'overview')}>{fresh ? 'Initialize it from the Overview' : 'Adopt it from the Overview'}</a>}
      >
        {fresh
          ? 'Initializing creates the schema at the latest version directly.'
          : 'Baseline records the version its schema matches; then its plan appears here.'}
      </EmptyState>
    );
  }
  if (plan.isPending) return <LoadingState label="Computing the migration plan…" />;
  if (plan.isError) {
    if (hasErrorCode(plan.error, 'NOT_SUPPORTED')) return <PendingVersionsOnly db={db} status={status.data} planError={plan.error} />;
    return <ErrorNotice error={plan.error} context="The migration plan could not be computed" />;
  }
  return <FullPlan db={db} plan={plan.data} />;
}
