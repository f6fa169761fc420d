import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../api/connection-context';
import { useLongOperation } from '../../hooks/use-long-operation';
import { backupChecksKey, type BackupChecks } from '../../queries/backups';
import { databaseKeys } from '../../queries/database-keys';
import { hrefFor } from '../../lib/routes';

export const backupKeys = {
  list: (db: string) => databaseKeys.backups(db),
  restorePreview: (db: string, backup: string) => [...databaseKeys.one(db), 'restore-preview', backup] as const,
  schedule: (db: string) => [...databaseKeys.one(db), 'backup-schedule'] as const,
};

/** The host's scheduled backups of the database: read again every 30 s and after every write (the next one moves). */
export function useBackupSchedule(db: string) {
  const api = useApi();
  return useQuery({ queryKey: backupKeys.schedule(db), queryFn: () => api.backupSchedule({ db }), refetchInterval: 30_000 });
}

/** The desktop app's setting: how often to back up every open database (null: never). */
export function useSetBackupSchedule(db: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (every: string | null) => api.setBackupSchedule({ every }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: backupKeys.schedule(db) }),
  });
}

/** What a restore from `backup` would lose or change back, per table, read before the confirmation; never cached (the database moves on). */
export function useRestorePreview(db: string, backup: string) {
  const api = useApi();
  return useQuery({
    queryKey: backupKeys.restorePreview(db, backup),
    queryFn: () => api.previewRestore({ db, backup }),
    staleTime: 0,
    gcTime: 0,
    retry: false,
  });
}

/** An online backup through SQLite's backup API, verified and fingerprinted by the engine. */
export function useBackupNow(db: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useLongOperation({
    db,
    kind: 'backup',
    run: (_: void, operationId) => api.backup({ db, operationId }),
    varsOf: () => undefined,
    onSettled: () => queryClient.invalidateQueries({ queryKey: databaseKeys.one(db) }),
  });
}

/** Re-checks a backup: its hash still matches and SQLite's quick_check passes. */
export function useVerifyBackup(db: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useLongOperation({
    db,
    kind: 'verifyBackup',
    run: (backup: string, operationId) => api.verifyBackup({ db, backup, operationId, full: false }),
    varsOf: (options) => String(options.backup),
    onSuccess: (result) => queryClient.setQueryData(backupChecksKey(db), (checks: BackupChecks = {}) => ({ ...checks, [result.name]: result })),
    // Its finding is kept in the manifest and weighs in the status (not backed up): both are read again.
    onSettled: () => queryClient.invalidateQueries({ queryKey: databaseKeys.one(db) }),
  });
}

/** Opens a backup read-only under an id of its own and shows its rows in the Data view: to look before restoring anything. */
export function useOpenBackup(db: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (backup: string) => api.openBackup({ db, backup }),
    onSuccess: async (entry) => {
      await queryClient.invalidateQueries({ queryKey: databaseKeys.list() });
      window.location.hash = hrefFor(entry.id, 'data');
    },
  });
}
