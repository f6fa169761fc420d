import { useNow } from '../hooks/use-now';
import { formatAge, formatTimestamp } from '../lib/format';
import { Button } from './Button';

interface CheckedAgoProps {
  at: string;
  onRefresh: () => void;
  refreshing: boolean;
}

/** When a status was read, counting, and a button to read it again now. */
export function CheckedAgo({ at, onRefresh, refreshing }: CheckedAgoProps) {
  const now = useNow();
  return (
    <span className="checked-ago">
      <span className="muted">
        checked <time dateTime={at} title={formatTimestamp(at)}>{formatAge(at, now)}</time>
      </span>
      <Button variant="ghost" size="small" onClick={onRefresh} busy={refreshing}>Refresh</Button>
    </span>
  );
}
