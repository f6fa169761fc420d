import type { BackupInfo } from './types/backups';

/** The newest backup (by the order of taking) that passed its check when it was taken, or null. Backups are listed newest first. */
export function newestVerifiedBackup(backups: BackupInfo[]): BackupInfo | null {
  return backups.find((b) => b.verified?.ok === true) ?? null;
}
