import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { backupName } from '../../shared/contract';
import type { BackupInfo } from '../../shared/types';
import { backupFolderOf } from './backup-folder';
import { readManifest } from './backup-manifest';
import { log, type EngineContext } from './context';
import { WardenError } from './errors';

function newestFirst(a: BackupInfo, b: BackupInfo): number {
  return b.createdAt.localeCompare(a.createdAt) || b.name.localeCompare(a.name);
}

/**
 * The backups in the database's backup folder, newest first: each `.sqlite` file named as the
 * API names backups, with its manifest beside it. A file without a readable manifest is not
 * listed (its fingerprint is unknown, so it cannot be restored) and is named in a warning.
 */
export function listBackups(ctx: EngineContext): BackupInfo[] {
  const folder = backupFolderOf(ctx);
  if (!existsSync(folder)) return [];
  const backups: BackupInfo[] = [];
  for (const name of readdirSync(folder)) {
    if (!backupName.safeParse(name).success) continue;
    const path = join(folder, name);
    try {
      const info = readManifest(path);
      if (info) backups.push(info);
      else log(ctx, 'warn', `${path} has no manifest beside it, so it is not listed: Schema Warden did not take it, or its manifest was removed.`);
    } catch (err) {
      if (!(err instanceof WardenError)) throw err;
      log(ctx, 'warn', `${path} is not listed: ${err.message}`);
    }
  }
  return backups.sort(newestFirst);
}
