import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import type { BackupInfo, BackupVerification } from '../../../../shared/types/backups';
import { judgeContent, PICK_ANOTHER, PICK_ANOTHER_NEXT, type Refusal } from './backup-content';
import { backupPathOf } from './backup-folder';
import { manifestPathOf, readManifest, recordVerification } from './backup-manifest';
import { nowIso } from '../history/actor';
import { checkDatabaseFile } from '../sqlite/check-database-file';
import { log, type EngineContext } from '../../context';
import { WardenError } from '../../errors';
import { startSha256 } from '../sqlite/file-sha256';
import { statDatabasePath, withDatabase } from '../sqlite/open-database';
import type { IntegrityLevel } from '../sqlite/integrity';

// The one judgement of a backup that verify-backup, restore and recover-rows all use, so that
// none calls a backup sound that another refuses: its bytes (the SHA-256 its manifest recorded,
// nothing beside it that SQLite would read with it, SQLite's own check) and then its content
// (application, known version, exactly that version's schema, tables that are tables).

export interface JudgeBackupOptions {
  /** The backup's file name in the backup folder, or an absolute path. */
  backup: string;
  /** integrity_check instead of quick_check. */
  full?: boolean;
}

export interface BackupJudgement {
  verification: BackupVerification;
  manifest: BackupInfo | null;
  /** Why it must not be restored nor read from; null when it may. */
  refusal: Refusal | null;
  /** The version its content was checked against; null when it was refused. */
  version: string | null;
}

function short(sha256: string): string {
  return `${sha256.slice(0, 12)}…`;
}

function locate(ctx: EngineContext, backup: string): string {
  const path = backupPathOf(ctx, backup);
  const stats = statDatabasePath(path);
  if (stats === null)
    throw new WardenError('NOT_FOUND', `No backup at ${path}.`, 'Pick one of the backups the database has.', undefined, [{ action: 'backups' }]);
  if (stats.isDirectory()) throw new WardenError('IS_DIRECTORY', `${path} is a folder, not a backup file.`, 'Pass the path of a .sqlite backup inside it.');
  return path;
}

function readManifestOrProblem(path: string, problems: string[]): BackupInfo | null {
  try {
    const manifest = readManifest(path);
    if (!manifest)
      problems.push(
        `It has no manifest (${manifestPathOf(path)}), so its SHA-256 cannot be checked: Schema Warden did not take it, or the manifest was removed.`,
      );
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

/** A preserved copy of a damaged database (preserve-copy.ts) is kept for salvage and support, never restored nor read from. */
function preservedCopy(manifest: BackupInfo): Refusal | null {
  if (manifest.reason !== 'preserved-damaged' && !manifest.damaged) return null;
  return {
    code: 'BACKUP_INVALID',
    why: `it is a byte copy of ${manifest.sourcePath} preserved while it was damaged (${manifest.createdAt}), not a backup that passed a check.`,
    hint: 'Restore a verified backup, or salvage what can be read into a new file.',
    next: [{ action: 'backups' }, { action: 'restore' }, { action: 'salvage' }],
    details: { reason: manifest.reason },
  };
}

/** The refusal the bytes call for: another application's file, or each problem found. */
function bytesRefusal(ctx: EngineContext, problems: string[], manifest: BackupInfo | null, foreignApplicationId: number | null): Refusal {
  if (foreignApplicationId !== null) {
    return {
      code: 'FOREIGN_APPLICATION',
      why: `the backup belongs to another application (application_id ${foreignApplicationId}, while ${ctx.schema.name} uses ${ctx.schema.applicationId}).`,
      hint: 'Check the backup, the database and the schema folder you named: restore a backup of this database.',
      next: [{ action: 'backups' }],
    };
  }
  const plainCopy = manifest ? '' : ' To restore from a plain copy of the database, back it up first (a backup of the copy), then restore that backup.';
  return { code: 'BACKUP_INVALID', why: problems.join(' '), hint: `${PICK_ANOTHER}${plainCopy}`, next: PICK_ANOTHER_NEXT };
}

/**
 * Judges a backup without changing it (its manifest records what was found): its SHA-256 against
 * its manifest, SQLite's check (quick_check, or integrity_check when `full`), then, when its bytes
 * are sound, its content as a restore would put it in front of the service (backup-content.ts).
 */
export async function judgeBackup(ctx: EngineContext, options: JudgeBackupOptions): Promise<BackupJudgement> {
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
  if (manifest && !hashMatches)
    problems.unshift(`Its SHA-256 is ${short(sha256)}, not the ${short(manifest.sha256)} recorded when it was taken: the file has changed since.`);
  if (!companions.length && !integrity.ok) {
    const messages = integrity.messages.slice(0, 3).map((m) => m.replace(/\.$/, ''));
    problems.push(`SQLite's ${level === 'quick' ? 'quick_check' : 'integrity_check'} fails: ${messages.join('; ')}.`);
  }
  // A schema with no application_id of its own (a tool's folder read as it is) takes the app's, whatever it is.
  const foreign = check.applicationId !== 0 && ctx.schema.applicationId !== 0 && check.applicationId !== ctx.schema.applicationId;
  if (foreign)
    problems.push(`It belongs to another application (application_id ${check.applicationId}, while ${ctx.schema.name} uses ${ctx.schema.applicationId}).`);
  // A preserved copy is refused as what it is, whatever its bytes hold.
  const preserved = manifest && preservedCopy(manifest);
  if (preserved) problems.unshift(`It cannot be restored: ${preserved.why}`);
  let refusal: Refusal | null = preserved || (problems.length ? bytesRefusal(ctx, problems, manifest, foreign ? check.applicationId : null) : null);
  let version: string | null = null;
  if (!refusal && manifest) {
    ctx.onProgress?.({ operation: 'verify-backup', phase: 'schema', done: 0, total: 1 });
    const content = withDatabase(path, { mode: 'read', leaveNoFiles: true }, (db) => judgeContent(ctx, db, manifest));
    if ('refusal' in content) {
      refusal = content.refusal;
      problems.push(`It cannot be restored: ${refusal.why}`);
    } else {
      version = content.version;
    }
  }
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
    refusal,
    version,
  };
}

/**
 * The judgement as the caller that refuses the backup: "Refusing to `action` PATH: why.
 * Nothing was changed." Returns the trusted backup when there is nothing to refuse.
 */
export function trustedOrRefused(judgement: BackupJudgement, action: string): { path: string; manifest: BackupInfo; version: string } {
  const { refusal, manifest, version, verification: v } = judgement;
  if (refusal === null && manifest !== null && version !== null) return { path: v.path, manifest, version };
  const why = refusal ?? { code: 'BACKUP_INVALID' as const, why: v.problems.join(' '), hint: PICK_ANOTHER, next: PICK_ANOTHER_NEXT };
  throw new WardenError(
    why.code,
    `Refusing to ${action} ${v.path}: ${why.why} Nothing was changed.`,
    why.hint,
    { ...why.details, problems: v.problems, hashMatches: v.hashMatches, integrity: v.integrity },
    why.next,
  );
}
