import { useOperationActivity } from '../api/connection-context';
import { useNow } from '../hooks/use-now';
import { progressLine } from '../lib/job-progress-text';
import { useJob } from '../queries/jobs';
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

/** A running operation: what it is doing now (from the host's events and its job), how far, the time left, and Cancel. */
export function OperationProgress({ title, operationId, onCancel, cancelling = false }: OperationProgressProps) {
  const activity = useOperationActivity(operationId);
  const job = useJob(operationId);
  const now = useNow();
  // The job is what the host kept (it survives a reload); the latest event may be a moment newer.
  const progress = activity?.progress ?? job?.progress;
  return (
    <div className="operation-progress">
      <div className="operation-progress__line">
        <span className="operation-progress__title">{title}</span>
        <span className="operation-progress__phase" aria-live="polite">
          {cancelling ? 'Cancelling…' : progress ? progressLine(progress, job, now.getTime()) : 'Starting…'}
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
