import { randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, renameSync, readFileSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { fileModeFor } from '../sqlite/private-files';
import { basename } from 'node:path';
import type { BackupInfo } from '../../../../shared/types/backups';
import * as z from 'zod/mini';
import '../../../../shared/zod-messages';
import { WardenError } from '../../errors';

// The manifest: a JSON file beside each backup (`<backup>.sqlite.json`) saying what the backup
// is — fingerprint, size, source, version, reason, time and how it was checked. The backup's
// name and path are not stored: they are where the file is, so a moved folder stays valid.

const FORMAT = 'schema-warden-backup/1';

const manifestJson = z.object({
  format: z.literal(FORMAT),
  sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
  bytes: z.number().check(z.int(), z.nonnegative()),
  sourcePath: z.string(),
  applicationId: z.number().check(z.int()),
  version: z.nullable(z.string()),
  sqliteVersion: z.string(),
  reason: z.enum(['manual', 'scheduled', 'pre-migrate', 'pre-repair', 'pre-restore', 'pre-recover', 'preserved-damaged']),
  createdAt: z.string(),
  sequence: z.optional(z.number().check(z.int(), z.nonnegative())),
  durationMs: z.number().check(z.nonnegative()),
  verified: z.nullable(z.object({ ok: z.boolean(), level: z.enum(['quick', 'full']), at: z.string(), messages: z.array(z.string()) })),
  // A preserved copy of a damaged database (preserve-copy.ts).
  damaged: z.optional(z.boolean()),
  preservedFor: z.optional(z.enum(['manual', 'pre-repair'])),
  companions: z.optional(
    z.array(
      z.object({
        suffix: z.enum(['-wal', '-journal']),
        sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
        bytes: z.number().check(z.int(), z.nonnegative()),
      }),
    ),
  ),
  /** The backup file's modification time when it was verified (absent in manifests written before it was kept). */
  fileMtimeMs: z.optional(z.number()),
  /** A later verify-backup found it altered or failing: when, and why. */
  failed: z.optional(z.object({ at: z.string(), problems: z.array(z.string()) })),
});

type ManifestJson = z.output<typeof manifestJson>;

/** What a manifest holds (the listing's judgement of the file now is not stored). */
export type BackupManifest = Omit<BackupInfo, 'name' | 'path' | 'failedVerification' | 'changedSinceVerified'> & { fileMtimeMs?: number };

export function manifestPathOf(backupPath: string): string {
  return `${backupPath}.json`;
}

/** A manifest holds a few hundred bytes (a few kB with the problems a failed check recorded): anything past this is not one. */
const MAX_MANIFEST_BYTES = 1024 * 1024;

const notAManifest = (file: string, why: string) =>
  new WardenError(
    'BACKUP_INVALID',
    `The manifest ${file} is not a Schema Warden backup manifest: ${why}.`,
    'Something other than Schema Warden put it there; the backup beside it cannot be trusted without a manifest. Remove it, or move the backup aside.',
  );

/**
 * The manifest's text, or null when there is none. Opened without blocking and judged on the open
 * file, before reading: a FIFO in its place hung every listing (warden backups, status), a folder
 * was INTERNAL, and a file of any size was read whole.
 */
function readManifestText(file: string): string | null {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw notAManifest(file, 'it is not a regular file (a folder, a pipe or a device)');
    if (stats.size > MAX_MANIFEST_BYTES) throw notAManifest(file, `it holds ${stats.size.toLocaleString('en-US')} bytes, where a manifest holds a few hundred`);
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

/** The backup a manifest describes; null when the backup has no manifest beside it. */
export function readManifest(backupPath: string): BackupInfo | null {
  const file = manifestPathOf(backupPath);
  const text = readManifestText(file);
  if (text === null) return null;
  let parsed: ReturnType<typeof manifestJson.safeParse>;
  try {
    parsed = manifestJson.safeParse(JSON.parse(text));
  } catch (err) {
    throw new WardenError(
      'BACKUP_INVALID',
      `The manifest ${file} is not JSON (${(err as Error).message}).`,
      'It was damaged or edited; the backup beside it cannot be trusted without it.',
    );
  }
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new WardenError(
      'BACKUP_INVALID',
      `The manifest ${file} is not a Schema Warden backup manifest (field "${issue.path.join('.')}": ${issue.message}).`,
      'It was damaged or edited; the backup beside it cannot be trusted without it.',
    );
  }
  return judged(backupPath, parsed.data);
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/**
 * How the file differs from what its manifest recorded, judged by size and modification time
 * only (a listing never hashes): a sentence, or null when it looks as it was verified.
 */
function changeSince(backupPath: string, manifest: ManifestJson): string | null {
  const stats = statOrNull(backupPath);
  if (stats === null) return null;
  if (stats.size !== manifest.bytes)
    return `Its size is ${stats.size} bytes, not the ${manifest.bytes} recorded when it was verified: the file has changed since.`;
  if (manifest.fileMtimeMs !== undefined && stats.mtimeMs !== manifest.fileMtimeMs) {
    return `It was modified at ${new Date(stats.mtimeMs).toISOString()}, after it was verified: the file may have changed since (verify it again to know).`;
  }
  return null;
}

/**
 * The backup as a listing shows it: a verification that a later check contradicted (a failed
 * verify-backup, a file whose size or time changed) no longer counts as verified.
 */
function judged(backupPath: string, data: ManifestJson): BackupInfo {
  const { format: _format, fileMtimeMs: _mtime, failed, ...manifest } = data;
  const info: BackupInfo = { name: basename(backupPath), path: backupPath, ...manifest, sequence: manifest.sequence ?? 0 };
  const level = manifest.verified?.level ?? 'quick';
  if (failed) {
    info.failedVerification = failed;
    info.verified = { ok: false, level, at: failed.at, messages: failed.problems };
    return info;
  }
  const changed = changeSince(backupPath, data);
  if (changed !== null && manifest.verified?.ok) {
    info.changedSinceVerified = changed;
    info.verified = { ok: false, level, at: manifest.verified.at, messages: [changed] };
  }
  return info;
}

function readManifestJson(backupPath: string): ManifestJson | null {
  try {
    const text = readManifestText(manifestPathOf(backupPath));
    const parsed = text === null ? null : manifestJson.safeParse(JSON.parse(text));
    return parsed?.success ? parsed.data : null;
  } catch (err) {
    if (err instanceof WardenError || err instanceof SyntaxError) return null;
    throw err;
  }
}

/** Replaces a manifest in one rename, with the permissions it had: a reader sees the old one or the new one. */
function rewriteManifest(backupPath: string, data: ManifestJson): void {
  const file = manifestPathOf(backupPath);
  // Worker threads share a pid: a random part keeps two checks of one backup from sharing a staging file.
  const staged = `${file}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(staged, `${JSON.stringify(data, null, 2)}\n`, { flag: 'w', mode: statSync(file).mode & 0o777 });
  renameSync(staged, file);
}

/**
 * Records what a verify-backup found in the backup's manifest: a failure (when, why) withdraws
 * the verification for every listing from then on; a pass records a fresh verification and the
 * file's modification time now. False when there is no valid manifest to record it in.
 */
export function recordVerification(backupPath: string, found: { ok: boolean; level: 'quick' | 'full'; at: string; problems: string[] }): boolean {
  const data = readManifestJson(backupPath);
  if (data === null) return false;
  if (found.ok) {
    const { failed: _failed, ...rest } = data;
    rewriteManifest(backupPath, { ...rest, verified: { ok: true, level: found.level, at: found.at, messages: [] }, fileMtimeMs: statSync(backupPath).mtimeMs });
  } else {
    rewriteManifest(backupPath, { ...data, failed: { at: found.at, problems: found.problems } });
  }
  return true;
}

/**
 * Writes the manifest of a backup that does not exist yet. Creating it exclusively claims the
 * backup's name, so two processes backing up in the same millisecond never take the same one:
 * false when the name is taken.
 */
export function claimWithManifest(backupPath: string, manifest: BackupManifest): boolean {
  try {
    writeFileSync(manifestPathOf(backupPath), `${JSON.stringify({ format: FORMAT, ...manifest }, null, 2)}\n`, {
      flag: 'wx',
      mode: fileModeFor(manifest.sourcePath),
    });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}
