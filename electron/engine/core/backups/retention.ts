import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import type { BackupInfo, BackupReason } from '../../../../shared/types/backups';
import { manifestPathOf } from './backup-manifest';
import { log, type EngineContext } from '../../context';
import { WardenError } from '../../errors';
import { readBackupFolder } from './list-backups';

export const DEFAULT_KEEP_PER_REASON = 10;

export function checkKeepPerReason(keepPerReason: number): number {
  if (!Number.isInteger(keepPerReason) || keepPerReason < 1) {
    throw new WardenError(
      'INVALID_INPUT',
      `Cannot keep ${keepPerReason} backups per reason: it must be a whole number of at least 1.`,
      'Keep 1 backup per reason or more.',
    );
  }
  return keepPerReason;
}

/**
 * Applies the retention policy to this database's backups (a shared folder's backups of other
 * databases are left alone): the newest `keepPerReason` of each reason are kept, and so is the
 * newest verified backup, however old, and any in `spare`. Returns what it removed.
 */
export function applyRetention(ctx: EngineContext, keepPerReason: number = DEFAULT_KEEP_PER_REASON, spare: string[] = []): BackupInfo[] {
  checkKeepPerReason(keepPerReason);
  const source = resolve(ctx.dbPath);
  const own = readBackupFolder(ctx).backups.filter((b) => b.sourcePath === source);
  const newestVerified = own.find((b) => b.verified?.ok === true);
  const seen = new Map<BackupReason, number>();
  const removed: BackupInfo[] = [];
  for (const b of own) {
    // A preserved copy of a damaged database may be all there is of it: only a person removes it.
    if (b.reason === 'preserved-damaged') continue;
    const rank = (seen.get(b.reason) ?? 0) + 1;
    seen.set(b.reason, rank);
    if (rank <= keepPerReason || b === newestVerified || spare.includes(b.path)) continue;
    // The backup first, then its manifest: an interrupted removal leaves a manifest alone, which is never listed.
    rmSync(b.path, { force: true });
    rmSync(manifestPathOf(b.path), { force: true });
    removed.push(b);
    log(ctx, 'info', `Removed old ${b.reason} backup ${b.name} (keeping the newest ${keepPerReason} per reason)`);
  }
  return removed;
}
