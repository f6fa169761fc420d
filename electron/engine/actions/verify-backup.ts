import type { BackupVerification } from '../../../shared/types/backups';
import type { EngineContext } from '../context';
import { judgeBackup, type JudgeBackupOptions } from '../core/backups/judge-backup';

/**
 * Verifies a backup as a restore would judge it (judge-backup.ts): its hash, SQLite's check and
 * its content. Records the finding in its manifest; changes nothing else.
 */
export async function verifyBackup(ctx: EngineContext, options: JudgeBackupOptions): Promise<BackupVerification> {
  return (await judgeBackup(ctx, options)).verification;
}
