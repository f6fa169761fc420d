import { errorInfoOf } from '../../api/api-error';
import { useOperationActivity } from '../../api/connection-context';
import { folderOf } from '../../lib/format';
import { useBackups } from '../../queries/backups';
import type { useMigration } from './plan-queries';
import { stepStates } from './step-states';

type Migration = ReturnType<typeof useMigration>;

/** Where each step stands in the migration that is running or ran, from its events and outcome. */
export function useStepStates(steps: { version: string }[], migration: Migration) {
  const activity = useOperationActivity(migration.operationId);
  return stepStates(steps, {
    running: migration.isRunning,
    phase: activity?.progress?.phase ?? null,
    applied: migration.result?.applied ?? null,
    error: migration.error == null ? null : errorInfoOf(migration.error),
  });
}

/** The folder this database's backups go to, as its latest backup shows (null before the first). */
export function useBackupFolder(db: string): string | null {
  const backups = useBackups(db);
  const latest = backups.data?.[0];
  return latest ? folderOf(latest.path) : null;
}
