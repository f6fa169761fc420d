import { existsSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BackupInfo } from '../../../../shared/types/backups';
import { backupBaseName, syncFolder } from './backup-folder';
import { claimWithManifest, type BackupManifest } from './backup-manifest';
import { nextSequenceIn } from './list-backups';

/** Gives the finished copy its name and the folder's next sequence number, with the manifest beside it, and makes both durable. */
export function publish(folder: string, staged: string, described: Omit<BackupManifest, 'sequence'>): BackupInfo {
  // The rename keeps the file's modification time: a listing compares it without hashing.
  const manifest: BackupManifest = { ...described, sequence: nextSequenceIn(folder), fileMtimeMs: statSync(staged).mtimeMs };
  const base = backupBaseName(manifest.sourcePath, manifest.createdAt, manifest.reason);
  for (let n = 1; ; n++) {
    const name = n === 1 ? `${base}.sqlite` : `${base}-${n}.sqlite`;
    const path = join(folder, name);
    if (existsSync(path) || !claimWithManifest(path, manifest)) continue;
    renameSync(staged, path);
    syncFolder(folder);
    const { fileMtimeMs: _mtime, ...info } = manifest;
    return { name, path, ...info };
  }
}
