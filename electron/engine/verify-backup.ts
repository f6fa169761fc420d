import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import type { BackupInfo, BackupVerification } from '../../shared/types';
import { backupPathOf } from './backup-folder';
import { manifestPathOf, readManifest, recordVerification } from './backup-manifest';
import { nowIso } from './actor';
import { checkDatabaseFile } from './check-database-file';
import { log, type EngineContext } from './context';
import { WardenError } from './errors';
import { startSha256 } from './file-sha256';
import { statDatabasePath } from './open-database';
import type { IntegrityLevel } from './integrity';

export interface VerifyBackupOptions {
  /** The backup's file name in the backup folder, or an absolute path. */
  backup: string;
  /** integrity_check instead of quick_check. */
  full?: boolean;
}

/** What examining a backup found: the report, and what a restore needs to decide. */
export interface BackupExamination {
  verification: BackupVerification;
  manifest: BackupInfo | null;
  /** Set when the backup belongs to another application than the schema's. */
  foreignApplicationId: number | null;
}

function short(sha256: string): string {
  return `${sha256.slice(0, 12)}…`;
}

function locate(ctx: EngineContext, backup: string): string {
  const path = backupPathOf(ctx, backup);
  const stats = statDatabasePath(path);
  if (stats === null) throw new WardenError('NOT_FOUND', `No backup at ${path}.`, `List the backups of the database with: warden backups --db ${ctx.dbPath}`);
  if (stats.isDirectory()) throw new WardenError('IS_DIRECTORY', `${path} is a folder, not a backup file.`, 'Pass the path of a .sqlite backup inside it.');
  return path;
}

function readManifestOrProblem(path: string, problems: string[]): BackupInfo | null {
  try {
    const manifest = readManifest(path);
    if (!manifest) problems.push(`It has no manifest (${manifestPathOf(path)}), so its SHA-256 cannot be checked: Schema Warden did not take it, or the manifest was removed.`);
    return manifest;
  } catch (err) {
    if (!(err instanceof WardenError)) throw err;
    problems.push(err.message);
    return null;
  }
}

/** What the check found goes into the manifest, so that no listing calls a backup verified after a check contradicted it. */
function keepFinding(ctx: EngineContext, path: string, found: Parameters<typeof recordVerification>[1]): void {
  try {
    recordVerification(path, found);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EPERM' && code !== 'EROFS') throw err;
    log(ctx, 'warn', `What the check of ${path} found could not be recorded in its manifest (${code}): listings show what was recorded before.`);
  }
}

/**
 * Examines a backup without changing the backup itself (its manifest records what was found): its SHA-256 against its manifest, SQLite's
 * check (quick_check, or integrity_check when `full`) and the application it belongs to.
 */
export async function examineBackup(ctx: EngineContext, options: VerifyBackupOptions): Promise<BackupExamination> {
  const started = performance.now();
  const path = locate(ctx, options.backup);
  const level: IntegrityLevel = options.full ? 'full' : 'quick';
  const problems: string[] = [];
  const manifest = readManifestOrProblem(path, problems);
  const fingerprinting = startSha256(ctx, path, 'verify-backup', `The verification of ${path}`);
  // SQLite reads a -wal or hot -journal beside a database together with it; beside a backup
  // they hold writes made after it was taken, so the file would not be read as it was verified.
  const companions = ['-wal', '-journal'].map((suffix) => `${path}${suffix}`).filter((file) => existsSync(file));
  if (companions.length) problems.push(`${companions.join(' and ')} beside it hold writes made after the backup was taken; SQLite would read them with it.`);
  ctx.onProgress?.({ operation: 'verify-backup', phase: level === 'quick' ? 'quick_check' : 'integrity_check', done: 0, total: 1 });
  const check = companions.length
    ? { version: null, applicationId: 0, integrity: { level, ok: false, messages: ['not checked: the files beside it would change what SQLite reads'] } }
    : checkDatabaseFile(path, ctx.schema, level);
  const integrity = check.integrity;
  const { sha256 } = await fingerprinting.done;
  const hashMatches = manifest !== null && manifest.sha256 === sha256;
  if (manifest && !hashMatches) problems.unshift(`Its SHA-256 is ${short(sha256)}, not the ${short(manifest.sha256)} recorded when it was taken: the file has changed since.`);
  if (!companions.length && !integrity.ok) {
    const messages = integrity.messages.slice(0, 3).map((m) => m.replace(/\.$/, ''));
    problems.push(`SQLite's ${level === 'quick' ? 'quick_check' : 'integrity_check'} fails: ${messages.join('; ')}.`);
  }
  const foreign = check.applicationId !== 0 && check.applicationId !== ctx.schema.applicationId;
  if (foreign) problems.push(`It belongs to another application (application_id ${check.applicationId}, while ${ctx.schema.name} uses ${ctx.schema.applicationId}).`);
  ctx.onProgress?.({ operation: 'verify-backup', phase: 'done', done: 1, total: 1 });
  if (manifest) keepFinding(ctx, path, { ok: problems.length === 0, level, at: nowIso(), problems });
  return {
    verification: {
      name: basename(path),
      path,
      ok: problems.length === 0,
      hashMatches,
      sha256,
      expectedSha256: manifest?.sha256 ?? null,
      version: check.version,
      integrity,
      problems,
      durationMs: Math.round(performance.now() - started),
    },
    manifest,
    foreignApplicationId: foreign ? check.applicationId : null,
  };
}

/** Verifies a backup: the hash recorded when it was taken matches, and SQLite's check passes. Records the finding in its manifest; changes nothing else. */
export async function verifyBackup(ctx: EngineContext, options: VerifyBackupOptions): Promise<BackupVerification> {
  return (await examineBackup(ctx, options)).verification;
}
