import type { BackupInfo } from '../../../shared/types/backups';

/** How a backup's check reads in a sentence: verified, verification failed, or not verified at all. */
export function verificationWords(backup: BackupInfo): string {
  if (backup.changedSinceVerified) return 'changed since verified';
  if (backup.verified === null) return 'not verified';
  return backup.verified.ok ? 'verified' : 'verification failed';
}
