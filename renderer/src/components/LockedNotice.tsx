import { useNow } from '../hooks/use-now';
import { formatDuration } from '../lib/format';
import { Button } from './Button';
import { Notice } from './Notice';

interface LockedNoticeProps {
  /** When the wait began (Date.now() time): the start of the first call that found it locked. */
  since: number;
  onRetry: () => void;
  retrying: boolean;
}

/** A database another process holds locked: how long the console has waited for it, and a Retry. */
export function LockedNotice({ since, onRetry, retrying }: LockedNoticeProps) {
  const now = useNow();
  const waited = Math.max(0, now.getTime() - since);
  return (
    <Notice tone="warn" title="Waiting for the lock held by another process">
      <p>
        Another process (a long write, a backup, an open sqlite3 shell) holds this database's lock, so it cannot be read right now. Nothing is wrong with the
        file. Waited {waited < 60_000 ? `${Math.round(waited / 1000)} s` : formatDuration(waited)} so far.
      </p>
      <Button variant="primary" onClick={onRetry} busy={retrying}>
        Retry
      </Button>
    </Notice>
  );
}
