import { useState } from 'react';
import type { StatusReport } from '../../../../shared/types/status';
import { ActionButton } from '../../components/ActionButton';
import { ErrorNotice } from '../../components/ErrorNotice';
import { OperationProgress } from '../../components/OperationProgress';
import { Panel } from '../../components/Panel';
import { ApplyPlanDialog } from './ApplyPlanDialog';
import { useBackupFolder, useStepStates } from './migration-run';
import { MigrationOutcome } from './MigrationOutcome';
import { useMigration } from './plan-queries';
import type { StepState } from './step-states';

const STATE_WORDS: Record<StepState['state'], string> = { pending: 'pending', running: 'applying…', applied: 'applied', failed: 'failed' };

/** When the host cannot compute plans yet: the pending versions from the status, and Apply. */
export function PendingVersionsOnly({ db, status, planError }: { db: string; status: StatusReport; planError: unknown }) {
  const migration = useMigration(db);
  const backupFolder = useBackupFolder(db);
  const [confirming, setConfirming] = useState(false);
  // What was pending when the view opened stays listed, with its states, after it is applied.
  const [{ from, steps }] = useState(() => ({ from: status.version, steps: status.pending.map((version) => ({ version })) }));
  const states = useStepStates(steps, migration);
  const to = steps[steps.length - 1]?.version ?? status.latest;

  return (
    <Panel
      title={
        <>
          Pending: <span className="mono">{from}</span> → <span className="mono">{to}</span>
        </>
      }
      actions={
        status.pending.length > 0 && (
          <ActionButton method="migrate" variant="primary" onClick={() => setConfirming(true)} disabled={migration.isRunning}>
            Apply…
          </ActionButton>
        )
      }
    >
      <ErrorNotice error={planError} context="The step-by-step plan is not available" />
      {migration.isRunning && (
        <OperationProgress title={`Migrating to ${to}`} operationId={migration.operationId} onCancel={migration.cancel} cancelling={migration.isCancelling} />
      )}
      {migration.error != null && <ErrorNotice error={migration.error} context="The migration stopped" />}
      {migration.result && <MigrationOutcome result={migration.result} />}
      <ol className="plan__pending">
        {steps.map((step, i) => (
          <li key={step.version}>
            <span className="mono">{step.version}</span>
            <span className="muted">{STATE_WORDS[states[i].state]}</span>
          </li>
        ))}
      </ol>
      {confirming && (
        <ApplyPlanDialog
          plan={{ path: status.path, from, to, steps }}
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
