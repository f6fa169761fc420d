import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { backupFolderOf, type EngineContext, listBackups, log, WardenError } from '../engine';

// How restore, verify-backup and recover-rows name a backup on the command line: as
// `warden backups` lists it (a file name in the backup folder, --backup-dir included), `latest`,
// or a path. The engine takes a name in the folder or an absolute path.

/** The newest backup the folder lists that could be restored (not a preserved copy of a damaged file). */
function latestBackup(ctx: EngineContext): string {
  const latest = listBackups(ctx).find((b) => !b.damaged);
  if (!latest) {
    throw new WardenError(
      'NOT_FOUND',
      `There is no backup of ${ctx.dbPath} in ${backupFolderOf(ctx)} to take as "latest".`,
      'Take one, or name a backup file by its path.',
      undefined,
      [{ action: 'backup' }],
    );
  }
  log(ctx, 'info', `latest: ${latest.name} (${latest.reason}, version ${latest.version ?? 'none'}, taken ${latest.createdAt})`);
  return latest.name;
}

/**
 * What the engine is given for a backup argument: `latest`; a bare file name, looked up in the
 * backup folder first (as `warden backups` lists it) and in the current folder when it is not
 * there; anything with a slash, a path from the current folder (`userPath`).
 */
export function backupArgument(ctx: EngineContext, value: string, userPath: (path: string) => string): string {
  if (value === 'latest') return latestBackup(ctx);
  const bareName = value !== '' && value !== '.' && value !== '..' && basename(value) === value;
  if (bareName && (existsSync(join(backupFolderOf(ctx), value)) || !existsSync(userPath(value)))) return value;
  return userPath(value);
}
