import { useState } from 'react';
import type { Problem, RepairResult } from '../../../../shared/types';
import { Button } from '../../components/Button';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Notice } from '../../components/Notice';
import { OperationProgress } from '../../components/OperationProgress';
import { Panel } from '../../components/Panel';
import type { LongOperation } from '../../hooks/use-long-operation';
import { plural } from '../../lib/format';
import { isRepairable, whyNotRepairable } from '../../lib/repairability';

function label(problem: Problem): string {
  const where = problem.table && problem.table !== problem.name ? `${problem.table}.` : '';
  return `${problem.kind.replaceAll('_', ' ')} ${where}${problem.name}`;
}

function RepairOutcome({ result }: { result: RepairResult }) {
  return (
    <>
      <Notice tone="ok" title={result.recreated.length ? `Recreated ${plural(result.recreated.length, 'object')} at ${result.version}` : 'Nothing needed recreating'}>
        {result.recreated.length > 0 && <p>{result.recreated.map(label).join(', ')}.</p>}
        <p>{result.backup ? <>The pre-repair backup is <code>{result.backup.name}</code>.</> : 'No backup was taken.'}</p>
      </Notice>
      {result.refused.length > 0 && (
        <Notice tone="warn" title={`Left alone: ${plural(result.refused.length, 'difference')} repair cannot fix safely`}>
          <ul className="plain-list">
            {result.refused.map((p) => <li key={`${p.kind}:${p.table ?? ''}:${p.name}`}>{p.message}</li>)}
          </ul>
        </Notice>
      )}
    </>
  );
}

interface RepairPanelProps {
  databasePath: string;
  version: string | null;
  problems: Problem[];
  repair: LongOperation<void, RepairResult>;
}

/** Repair when it can (missing objects), and why not when it cannot. */
export function RepairPanel({ databasePath, version, problems, repair }: RepairPanelProps) {
  const [confirming, setConfirming] = useState(false);
  const repairable = problems.filter(isRepairable);
  const blocking = problems.filter((p) => p.severity === 'error' && !isRepairable(p));
  if (!repair.result && !repair.isRunning && repair.error == null && repairable.length === 0 && blocking.length === 0) return null;

  return (
    <Panel
      title="Repair"
      subtitle={repairable.length ? `${plural(repairable.length, 'missing object')} can be recreated` : undefined}
      actions={
        repairable.length > 0 && (
          <Button variant="primary" onClick={() => setConfirming(true)} disabled={repair.isRunning}>
            Repair…
          </Button>
        )
      }
    >
      {repair.isRunning && <OperationProgress title="Repairing" operationId={repair.operationId} onCancel={repair.cancel} cancelling={repair.isCancelling} />}
      {repair.error != null && <ErrorNotice error={repair.error} context="The repair did not run" />}
      {repair.result && <RepairOutcome result={repair.result} />}
      {repairable.length > 0 && !repair.isRunning && (
        <p className="muted">Repair recreates {repairable.map(label).join(', ')} from the expected schema at {version ?? 'the recorded version'}. It never drops anything and does not touch rows in other tables.</p>
      )}
      {blocking.length > 0 && (
        <Notice tone="warn" title={`Repair cannot fix ${plural(blocking.length, 'finding')}`}>
          <ul className="plain-list">
            {blocking.map((p) => (
              <li key={`${p.kind}:${p.table ?? ''}:${p.name}:${p.change}`}>
                <strong>{label(p)}</strong>: {whyNotRepairable(p)}
              </li>
            ))}
          </ul>
        </Notice>
      )}
      {confirming && (
        <ConfirmDialog title="Repair this database?" confirmLabel="Take a backup and repair" onConfirm={() => repair.start()} onClose={() => setConfirming(false)}>
          <p>First a verified <strong>pre-repair backup</strong> of <code>{databasePath}</code> is taken and listed under Backups.</p>
          <p>Then these are recreated from the expected schema at {version ?? 'the recorded version'}:</p>
          <ul className="plain-list">
            {repairable.map((p) => <li key={`${p.kind}:${p.name}`}>{label(p)}</li>)}
          </ul>
          <p>A recreated table starts empty; rows in the other tables stay as they are.</p>
        </ConfirmDialog>
      )}
    </Panel>
  );
}
