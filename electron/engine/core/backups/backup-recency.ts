import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatDuration } from '../../../../shared/duration';
import { newestVerifiedBackup } from '../../../../shared/newest-verified-backup';
import type { Problem } from '../../../../shared/types/schema';
import type { EngineContext } from '../../context';
import { WardenError } from '../../errors';
import { manifestPathOf } from './backup-manifest';
import { readBackupFolder } from './list-backups';

// Whether a database is backed up: a verified backup of it (one no later check contradicted),
// taken within the limit. Not backed up is a warning: the database works, but a bad day would
// have no way back.

export const DEFAULT_BACKUP_MAX_AGE_MS = 7 * 86_400_000;

export function backupMaxAgeOf(ctx: EngineContext): number {
  return ctx.backupMaxAgeMs ?? ctx.schema.backupMaxAgeMs ?? DEFAULT_BACKUP_MAX_AGE_MS;
}

function notBackedUp(change: Problem['change'], why: string): Problem {
  return {
    kind: 'backup',
    name: 'backup',
    change,
    severity: 'warning',
    message: `Not backed up: ${why}.`,
    hint: 'Back up now, or schedule backups.',
    next: [{ action: 'backup' }, { action: 'scheduleBackups', every: '1d' }],
  };
}

function ageInWords(ms: number): string {
  const [unit, size] =
    ms >= 86_400_000
      ? (['day', 86_400_000] as const)
      : ms >= 3_600_000
        ? (['hour', 3_600_000] as const)
        : ms >= 60_000
          ? (['minute', 60_000] as const)
          : (['second', 1000] as const);
  const n = Math.floor(ms / size);
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** The problem of a database with no verified backup, or none newer than the limit; empty when it is backed up. Reads manifests only, never hashes. */
export function backupProblems(ctx: EngineContext, now: number = Date.now()): Problem[] {
  // A backup itself (its manifest beside it), opened to look at: it is not backed up, and need not be.
  if (existsSync(manifestPathOf(ctx.dbPath))) return [];
  let backups;
  try {
    const source = resolve(ctx.dbPath);
    backups = readBackupFolder(ctx).backups.filter((b) => b.sourcePath === source);
  } catch (err) {
    if (err instanceof WardenError) throw err;
    return [notBackedUp('failed', `its backup folder cannot be read (${(err as Error).message})`)];
  }
  const newest = newestVerifiedBackup(backups);
  const limit = backupMaxAgeOf(ctx);
  if (newest === null) {
    const failed = backups.length ? ` (${backups.length} backup${backups.length === 1 ? '' : 's'} in its folder, none of them verified now)` : '';
    return [notBackedUp('missing', `there is no verified backup of this database${failed}`)];
  }
  const age = now - Date.parse(newest.createdAt);
  if (age > limit)
    return [notBackedUp('failed', `the newest verified backup (${newest.name}) is ${ageInWords(age)} old, older than the ${formatDuration(limit)} limit`)];
  return [];
}
