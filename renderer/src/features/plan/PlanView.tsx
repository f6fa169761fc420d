import { useState } from 'react';
import type { MigrationPlan, StatusReport } from '../../../../shared/types';
import { errorInfoOf, hasErrorCode } from '../../api/api-error';
import { useOperationActivity } from '../../api/connection-context';
import { Button } from '../../components/Button';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Notice } from '../../components/Notice';
import { OperationProgress } from '../../components/OperationProgress';
import { Panel } from '../../components/Panel';
import { EmptyState, LoadingState } from '../../components/QueryStates';
import { Tag } from '../../components/Tag';
import { folderOf, plural } from '../../lib/format';
import { hrefFor } from '../../lib/routes';
import { useBackups } from '../../queries/backups';
import { useStatus } from '../../queries/status';
import { ApplyPlanDialog } from './ApplyPlanDialog';
import { MigrationOutcome } from './MigrationOutcome';
import { useMigration, usePlan, useRehearsal } from './plan-queries';
import { PlanStepCard } from './PlanStepCard';
import { RehearsalResults } from './RehearsalResults';
import { stepStates } from './step-states';
import './plan.css';

type Migration = ReturnType<typeof useMigration>;

function useStepStates(steps: { version: string }[], migration: Migration) {
  const activity = useOperationActivity(migration.operationId);
  return stepStates(steps, {
    running: migration.isRunning,
    phase: activity?.progress?.phase ?? null,
    applied: migration.result?.applied ?? null,
    error: migration.error == null ? null : errorInfoOf(migration.error),
  });
}

function useBackupFolder(db: string): string | null {
  const backups = useBackups(db);
  const latest = backups.data?.[0];
  return latest ? folderOf(latest.path) : null;
}

/** The plan as the engine computed it: steps with SQL and warnings, Rehearse, Apply, and outcomes. */
function FullPlan({ db, plan }: { db: string; plan: MigrationPlan }) {
  const rehearsal = useRehearsal(db);
  const migration = useMigration(db);
  const backupFolder = useBackupFolder(db);
  const [confirming, setConfirming] = useState(false);
  // Keep showing the steps that ran after the refreshed plan no longer lists them.
  const [ranPlan, setRanPlan] = useState<MigrationPlan | null>(null);
  const shown = ranPlan ?? plan;
  const states = useStepStates(shown.steps, migration);
  const warnings = shown.steps.flatMap((s) => s.warnings);
  const dangers = warnings.filter((w) => w.severity === 'danger').length;
  const blocked = plan.blockers.length > 0;
  const busy = migration.isRunning || rehearsal.isRunning;
  const canRun = plan.steps.length > 0 && !blocked;

  if (!ranPlan && plan.steps.length === 0 && !blocked) {
    return <EmptyState title="Nothing to migrate">At {plan.to}, the latest version this tool knows.</EmptyState>;
  }
  return (
    <>
      <Panel
        title={<>Plan: <span className="mono">{shown.from ?? 'empty'}</span> → <span className="mono">{shown.to}</span></>}
        subtitle={
          <span className="plan__counts">
            {plural(shown.steps.length, 'step')}
            {dangers > 0 && <Tag tone="bad">{plural(dangers, 'danger')}</Tag>}
            {warnings.length - dangers > 0 && <Tag tone="warn">{plural(warnings.length - dangers, 'caution')}</Tag>}
          </span>
        }
        actions={
          canRun && (
            <>
              <Button onClick={() => rehearsal.start(plan.to)} disabled={busy}>Rehearse on a copy</Button>
              <Button variant="primary" onClick={() => setConfirming(true)} disabled={busy}>Apply…</Button>
            </>
          )
        }
      >
        {plan.blockers.map((b) => (
          <Notice key={b.code + b.message} tone="bad" title={b.message}>
            <p><strong>What to do:</strong> {b.hint}</p>
            <p className="muted">Blocker <code>{b.code}</code></p>
          </Notice>
        ))}
        {migration.isRunning && <OperationProgress title={`Migrating to ${shown.to}`} operationId={migration.operationId} onCancel={migration.cancel} cancelling={migration.isCancelling} />}
        {migration.error != null && <ErrorNotice error={migration.error} context="The migration stopped" />}
        {migration.result && <MigrationOutcome result={migration.result} />}
        {!migration.result && !migration.isRunning && !blocked && plan.steps.length > 0 && (
          <p className="muted">Rehearse runs the plan on a copy and leaves this database untouched. Apply backs it up first.</p>
        )}
        {migration.result && plan.steps.length === 0 && <p className="muted">Nothing else is pending: the database is at the latest version.</p>}
      </Panel>
      {(rehearsal.isRunning || rehearsal.result || rehearsal.error != null) && (
        <Panel title="Rehearsal" subtitle="On a temporary copy made with the backup API">
          {rehearsal.isRunning && <OperationProgress title="Rehearsing" operationId={rehearsal.operationId} onCancel={rehearsal.cancel} cancelling={rehearsal.isCancelling} />}
          {rehearsal.error != null && <ErrorNotice error={rehearsal.error} context="The rehearsal did not finish" />}
          {rehearsal.result && <RehearsalResults report={rehearsal.result} />}
        </Panel>
      )}
      <div className="plan__steps">
        {shown.steps.map((step, index) => <PlanStepCard key={step.version} step={step} index={index} state={states[index]} />)}
      </div>
      {confirming && (
        <ApplyPlanDialog
          plan={plan}
          backupFolder={backupFolder}
          rehearsed={rehearsal.result?.ok === true}
          dangerCount={dangers}
          onClose={() => setConfirming(false)}
          onConfirm={() => {
            setRanPlan(plan);
            migration.start(plan.to);
          }}
        />
      )}
    </>
  );
}

/** When the host cannot compute plans yet: the pending versions from the status, and Apply. */
function PendingVersionsOnly({ db, status, planError }: { db: string; status: StatusReport; planError: unknown }) {
  const migration = useMigration(db);
  const backupFolder = useBackupFolder(db);
  const [confirming, setConfirming] = useState(false);
  // The versions pending when the view opened stay listed, with their states, after they are applied.
  const [steps] = useState(() => status.pending.map((version) => ({ version })));
  const states = useStepStates(steps, migration);
  const to = steps[steps.length - 1]?.version ?? status.latest;

  return (
    <Panel
      title={<>Pending: <span className="mono">{status.version}</span> → <span className="mono">{to}</span></>}
      actions={status.pending.length > 0 && <Button variant="primary" onClick={() => setConfirming(true)} disabled={migration.isRunning}>Apply…</Button>}
    >
      <ErrorNotice error={planError} context="The step-by-step plan is not available" />
      {migration.isRunning && <OperationProgress title={`Migrating to ${to}`} operationId={migration.operationId} onCancel={migration.cancel} cancelling={migration.isCancelling} />}
      {migration.error != null && <ErrorNotice error={migration.error} context="The migration stopped" />}
      {migration.result && <MigrationOutcome result={migration.result} />}
      <ol className="plan__pending">
        {steps.map((step, i) => (
          <li key={step.version}>
            <span className="mono">{step.version}</span>
            <span className="muted">{states[i].state === 'applied' ? 'applied' : states[i].state === 'running' ? 'applying…' : states[i].state}</span>
          </li>
        ))}
      </ol>
      {confirming && (
        <ApplyPlanDialog
          plan={{ path: status.path, from: status.version, to, steps }}
          backupFolder={backupFolder}
          rehearsed={false}
          dangerCount={0}
          onClose={() => setConfirming(false)}
          onConfirm={() => migration.start(to)}
        />
      )}
    </Panel>
  );
}

/** Pending migrations from the current version to the latest: read, rehearse, apply. */
export function PlanView({ db }: { db: string }) {
  const status = useStatus(db);
  const versioned = status.data?.version != null;
  const plan = usePlan(db, { enabled: versioned });

  if (status.isPending) return <LoadingState label="Reading the database…" />;
  if (status.isError) return <ErrorNotice error={status.error} context="The database could not be read" />;
  if (!versioned) {
    const fresh = status.data.status === 'not_initialized';
    return (
      <EmptyState
        title={fresh ? 'Not initialized: there is nothing to migrate' : 'Not versioned yet: adopt it before migrating'}
        action={<a href={hrefFor(db, 'overview')}>{fresh ? 'Initialize it from the Overview' : 'Adopt it from the Overview'}</a>}
      >
        {fresh ? 'Initializing creates the schema at the latest version directly.' : 'Baseline records the version its schema matches; then its plan appears here.'}
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
