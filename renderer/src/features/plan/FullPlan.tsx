import { useState } from 'react';
import type { MigrationPlan, RehearsalReport } from '../../../../shared/types/migrations';
import { ActionButton } from '../../components/ActionButton';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Notice } from '../../components/Notice';
import { OperationProgress } from '../../components/OperationProgress';
import { Panel } from '../../components/Panel';
import { EmptyState } from '../../components/QueryStates';
import { Tag } from '../../components/Tag';
import { consoleHintFor } from '../../../../shared/console-hints';
import { plural } from '../../lib/format';
import { ApplyPlanDialog } from './ApplyPlanDialog';
import { useBackupFolder, useStepStates } from './migration-run';
import { MigrationOutcome } from './MigrationOutcome';
import { rehearsalApplies, useLastRehearsal, useMigration, useRehearsal } from './plan-queries';
import { RememberedRehearsal, StaleRehearsal } from './StaleRehearsal';
import { PlanStepCard } from './PlanStepCard';
import { RehearsalResults } from './RehearsalResults';
import { RepeatableSteps } from './RepeatableSteps';
import { ServiceStatementCoverage } from './ServiceStatementCoverage';

/** The plan as the engine computed it: steps with SQL and warnings, Rehearse, Apply, and outcomes. */
export function FullPlan({ db, plan }: { db: string; plan: MigrationPlan }) {
  const rehearsal = useRehearsal(db);
  const lastRehearsal = useLastRehearsal(db);
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
  const repeatables = plan.repeatables ?? [];
  const canRun = (plan.steps.length > 0 || repeatables.length > 0 || plan.adopt !== null) && !blocked;
  // This view's rehearsal, else the host's last one: shown while the plan and the database are those it ran on.
  const candidate = rehearsal.result ?? (lastRehearsal?.result as RehearsalReport | null | undefined) ?? null;
  const applies = candidate ? rehearsalApplies(candidate, plan) : null;
  const report = applies === 'yes' ? candidate : null;

  if (!ranPlan && plan.steps.length === 0 && repeatables.length === 0 && !blocked && plan.adopt === null) {
    return <EmptyState title="Nothing to migrate">At {plan.to}, the latest version this tool knows.</EmptyState>;
  }
  return (
    <>
      <Panel
        title={
          <>
            Plan: <span className="mono">{shown.from ?? (shown.adopt ? `${shown.adopt.version} (adopted)` : 'empty')}</span> →{' '}
            <span className="mono">{shown.to}</span>
          </>
        }
        subtitle={
          <span className="plan__counts">
            {plural(shown.steps.length, 'step')}
            {(shown.repeatables ?? []).length > 0 && <> + {plural(shown.repeatables.length, 'repeatable migration')}</>}
            {dangers > 0 && <Tag tone="bad">{plural(dangers, 'danger')}</Tag>}
            {warnings.length - dangers > 0 && <Tag tone="warn">{plural(warnings.length - dangers, 'caution')}</Tag>}
          </span>
        }
        actions={
          canRun && (
            <>
              <ActionButton method="rehearse" onClick={() => rehearsal.start(plan.to)} disabled={busy}>
                Rehearse on a copy
              </ActionButton>
              <ActionButton method="migrate" variant="primary" onClick={() => setConfirming(true)} disabled={busy}>
                Apply…
              </ActionButton>
            </>
          )
        }
      >
        {plan.adopt && (
          <Notice tone="info" title={`First, adopt it as ${plan.adopt.version}`}>
            The service made this database ({plan.adopt.table} records {plan.adopt.legacyVersion}) and its schema is exactly {plan.adopt.version}, so Schema
            Warden records it as {plan.adopt.version} before the steps below run. That step changes nothing else.
          </Notice>
        )}
        {plan.blockers.map((b) => (
          <Notice key={b.code + b.message} tone="bad" title={b.message}>
            <p>
              <strong>What to do:</strong> {consoleHintFor(b, 'migrate')}
            </p>
            <p className="muted">
              Blocker <code>{b.code}</code>
            </p>
          </Notice>
        ))}
        {migration.isRunning && (
          <OperationProgress
            title={`Migrating to ${shown.to}`}
            operationId={migration.operationId}
            onCancel={migration.cancel}
            cancelling={migration.isCancelling}
          />
        )}
        {migration.error != null && <ErrorNotice error={migration.error} context="The migration stopped" />}
        {migration.result && <MigrationOutcome result={migration.result} />}
        {!migration.result && !migration.isRunning && !blocked && (plan.steps.length > 0 || repeatables.length > 0) && (
          <p className="muted">Rehearse runs the plan on a copy and leaves this database untouched. Apply backs it up first.</p>
        )}
        {migration.result && plan.steps.length === 0 && repeatables.length === 0 && (
          <p className="muted">Nothing else is pending: the database is at the latest version.</p>
        )}
        <ServiceStatementCoverage coverage={shown.serviceStatements} />
      </Panel>
      {(rehearsal.isRunning || candidate || rehearsal.error != null) && (
        <Panel title="Rehearsal" subtitle="On a temporary copy made with the backup API">
          {rehearsal.isRunning && (
            <OperationProgress title="Rehearsing" operationId={rehearsal.operationId} onCancel={rehearsal.cancel} cancelling={rehearsal.isCancelling} />
          )}
          {rehearsal.error != null && <ErrorNotice error={rehearsal.error} context="The rehearsal did not finish" />}
          {!rehearsal.isRunning && report && !rehearsal.result && lastRehearsal && <RememberedRehearsal job={lastRehearsal} />}
          {!rehearsal.isRunning && report && <RehearsalResults report={report} />}
          {!rehearsal.isRunning && candidate && applies !== 'yes' && (
            <StaleRehearsal
              why={applies}
              job={rehearsal.result ? null : lastRehearsal}
              nothingPending={plan.steps.length === 0 && repeatables.length === 0 && plan.adopt === null}
            />
          )}
        </Panel>
      )}
      <div className="plan__steps">
        {shown.steps.map((step, index) => (
          <PlanStepCard key={step.version} db={db} step={step} index={index} state={states[index]} />
        ))}
      </div>
      {!migration.result && <RepeatableSteps repeatables={repeatables} />}
      {confirming && (
        <ApplyPlanDialog
          plan={plan}
          backupFolder={backupFolder}
          rehearsed={report?.ok === true}
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
