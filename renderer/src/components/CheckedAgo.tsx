import { useNow } from '../hooks/use-now';
import { formatAge, formatTimestamp } from '../lib/format';
import { Button } from './Button';

interface CheckedAgoProps {
  at: string;
  /**
   * When the file's pages were last checked (quick_check), where that is older than the read: a
   * status read reuses a recent check of a file that has not changed since, and saying only
   * "checked just now" beside "Last quick check 4 minutes ago" would contradict it.
   */
  fileCheckedAt?: string;
  onRefresh: () => void;
  refreshing: boolean;
}

/** A check older than the read by more than this is named beside it. */
const SAME_MOMENT_MS = 60_000;

/** When a status was read, counting, and a button to read it again now. */
export function CheckedAgo({ at, fileCheckedAt, onRefresh, refreshing }: CheckedAgoProps) {
  const now = useNow();
  const older = fileCheckedAt !== undefined && Date.parse(at) - Date.parse(fileCheckedAt) > SAME_MOMENT_MS;
  return (
    <span className="checked-ago">
      <span className="muted">
        {older ? 'read' : 'checked'}{' '}
        <time dateTime={at} title={formatTimestamp(at)}>
          {formatAge(at, now)}
        </time>
        {older && (
          <>
            {' · file unchanged since its quick check '}
            <time dateTime={fileCheckedAt} title={formatTimestamp(fileCheckedAt)}>
              {formatAge(fileCheckedAt, now)}
            </time>
          </>
        )}
      </span>
      <Button variant="ghost" size="small" onClick={onRefresh} busy={refreshing}>
        Refresh
      </Button>
    </span>
  );
}
