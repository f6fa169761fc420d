import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BACKUP_NAME } from '../../../../shared/backup-name';
import type { BackupInfo } from '../../../../shared/types/backups';
import { backupFolderOf, linkInFolder } from './backup-folder';
import { readManifest } from './backup-manifest';
import { log, type EngineContext } from '../../context';
import { WardenError } from '../../errors';

/** By the sequence Schema Warden counts, then (for backups taken before it counted, or at the same moment) by time and name. */
function newestFirst(a: BackupInfo, b: BackupInfo): number {
  return b.sequence - a.sequence || b.createdAt.localeCompare(a.createdAt) || b.name.localeCompare(a.name);
}

export interface BackupFolderContents {
  /** Newest first. */
  backups: BackupInfo[];
  /** Backup files without a readable manifest, each with why. */
  unlisted: { path: string; reason: string }[];
}

/** Reads the backup folder: each `.sqlite` file named as the API names backups, with its manifest beside it. */
export function readBackupFolder(ctx: EngineContext): BackupFolderContents {
  return readBackupFolderAt(backupFolderOf(ctx));
}

/** The sequence number of the next backup taken into `folder`: one more than any backup's there, whatever its database. */
export function nextSequenceIn(folder: string): number {
  return Math.max(0, ...readBackupFolderAt(folder).backups.map((b) => b.sequence)) + 1;
}

function readBackupFolderAt(folder: string): BackupFolderContents {
  const contents: BackupFolderContents = { backups: [], unlisted: [] };
  if (!existsSync(folder)) return contents;
  for (const name of readdirSync(folder)) {
    if (!BACKUP_NAME.test(name)) continue;
    const path = join(folder, name);
    const link = linkInFolder(folder, path);
    if (link !== null) {
      contents.unlisted.push({ path, reason: `it or its manifest is a symbolic link (to ${link}): backups are never followed out of their folder` });
      continue;
    }
    try {
      const info = readManifest(path);
      if (info) contents.backups.push(info);
      else contents.unlisted.push({ path, reason: 'it has no manifest beside it: Schema Warden did not take it, or its manifest was removed' });
    } catch (err) {
      if (!(err instanceof WardenError)) throw err;
      contents.unlisted.push({ path, reason: err.message });
    }
  }
  contents.backups.sort(newestFirst);
  return contents;
}

/**
 * The backups of the database's backup folder, newest first. A file without a readable manifest
 * is not listed (its fingerprint is unknown, so it cannot be restored) and is named in a warning.
 */
export function listBackups(ctx: EngineContext): BackupInfo[] {
  const { backups, unlisted } = readBackupFolder(ctx);
  for (const file of unlisted) log(ctx, 'warn', `${file.path} is not listed: ${file.reason}`);
  return backups;
}
