import { isLocked } from '../lib/locked';
import { lockedSince } from '../queries/status';
import { Button } from './Button';
import { ErrorNotice } from './ErrorNotice';
import { LockedNotice } from './LockedNotice';

interface StatusUnavailableProps {
  db: string;
  error: unknown;
  onRetry: () => void;
  retrying: boolean;
}

/** Why a view has no status to show: a lock to wait for, or an error in words; both with a way to ask again. */
export function StatusUnavailable({ db, error, onRetry, retrying }: StatusUnavailableProps) {
  if (isLocked(error)) return <LockedNotice since={lockedSince(db) ?? Date.now()} onRetry={onRetry} retrying={retrying} />;
  return (
    <ErrorNotice
      error={error}
      context="The database could not be read"
      action={
        <Button onClick={onRetry} busy={retrying}>
          Try again
        </Button>
      }
    />
  );
}
