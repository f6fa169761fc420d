import type { InitializeResult } from '../../../../shared/types';
import { Button } from '../../components/Button';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Notice } from '../../components/Notice';
import { OperationProgress } from '../../components/OperationProgress';
import type { LongOperation } from '../../hooks/use-long-operation';
import { formatDuration, plural } from '../../lib/format';

interface InitializeActionProps {
  initialize: LongOperation<string, InitializeResult>;
  to: string;
  steps: number;
}

/** Creates the schema of a fresh database, with a progress bar and Cancel while it runs. */
export function InitializeAction({ initialize, to, steps }: InitializeActionProps) {
  if (initialize.isRunning) {
    return <OperationProgress title={`Initializing at ${to}`} operationId={initialize.operationId} onCancel={initialize.cancel} cancelling={initialize.isCancelling} />;
  }
  return (
    <>
      {initialize.error != null && <ErrorNotice error={initialize.error} context="The database was not initialized" />}
      <div className="next-action__row">
        <Button variant="primary" onClick={() => initialize.start(to)}>
          Initialize at {to}
        </Button>
        <span className="muted">Creates every table, index, trigger and view ({plural(steps, 'migration')}) in one transaction.</span>
      </div>
    </>
  );
}

/** What initialize did, kept in view after the status has moved on. */
export function InitializeOutcome({ result }: { result: InitializeResult }) {
  if (result.upToDate) return <Notice tone="ok" title={`Already at ${result.to}`}>Another process had initialized it; nothing was changed.</Notice>;
  const ms = result.applied.reduce((sum, step) => sum + step.executionMs, 0);
  return (
    <Notice tone="ok" title={`Initialized at ${result.to}`}>
      Applied {plural(result.applied.length, 'migration')} ({result.applied.map((s) => s.version).join(', ')}) in {formatDuration(ms)}.
    </Notice>
  );
}
