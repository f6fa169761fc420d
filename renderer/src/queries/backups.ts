import { queryOptions, useQuery, useQueryClient } from '@tanstack/react-query';
import type { BackupVerification } from '../../../shared/types/backups';
import type { Api } from '../api/client';
import { useApi } from '../api/connection-context';
import { useLongOperation } from '../hooks/use-long-operation';
import { databaseKeys } from './database-keys';

export function backupsQueryOptions(api: Api, db: string) {
  return queryOptions({ queryKey: databaseKeys.backups(db), queryFn: () => api.backups({ db }) });
}

/** The database's backups, newest first (the Overview shows the latest, the Backups view all). */
export function useBackups(db: string) {
  return useQuery(backupsQueryOptions(useApi(), db));
}

export type BackupChecks = Record<string, BackupVerification>;

// Outside databaseKeys.one(db) on purpose: a write to the database does not make a backup file good again.
export const backupChecksKey = (db: string) => ['backup-checks', db] as const;

/**
 * The latest verification of each backup in this session, by name. It outranks the check recorded
 * when the backup was taken: a file altered since then must not keep its "Verified" badge.
 */
export function useBackupChecks(db: string): BackupChecks {
  // Filled only by the Backups view's Verify (setQueryData); never stale, so never fetched again.
  return useQuery({ queryKey: backupChecksKey(db), queryFn: (): BackupChecks => ({}), staleTime: Infinity, gcTime: Infinity }).data ?? {};
}

/** Puts the database back as the backup was, after keeping a pre-restore backup of what it replaces. */
export function useRestore(db: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useLongOperation({
    db,
    kind: 'restore',
    run: (backup: string, operationId) => api.restore({ db, backup, operationId }),
    varsOf: (options) => String(options.backup),
    onSettled: () => queryClient.invalidateQueries({ queryKey: databaseKeys.one(db) }),
  });
}
