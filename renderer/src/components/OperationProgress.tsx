import { useOperationActivity } from '../api/connection-context';
import { Button } from './Button';
import { ProgressBar } from './ProgressBar';
import './OperationProgress.css';

interface OperationProgressProps {
  /** What is running, e.g. "Backing up". */
  title: string;
  operationId: string | null;
  onCancel?: () => void;
  cancelling?: boolean;
}

/** A running operation: what it is doing now (from the host's events), how far, and Cancel. */
export function OperationProgress({ title, operationId, onCancel, cancelling = false }: OperationProgressProps) {
  const activity = useOperationActivity(operationId);
  const progress = activity?.progress;
  const counts = progress && progress.total > 0 ? ` · ${progress.done} of ${progress.total}` : '';
  return (
    <div className="operation-progress">
      <div className="operation-progress__line">
        <span className="operation-progress__title">{title}</span>
        <span className="operation-progress__phase" aria-live="polite">
          {cancelling ? 'Cancelling…' : progress ? `${progress.phase}${counts}` : 'Starting…'}
        </span>
        {onCancel && (
          <Button size="small" onClick={onCancel} disabled={cancelling}>
            Cancel
          </Button>
        )}
      </div>
      <ProgressBar label={title} done={progress?.done} total={progress?.total} />
      {activity?.log && <p className="operation-progress__log">{activity.log.message}</p>}
    </div>
  );
}
