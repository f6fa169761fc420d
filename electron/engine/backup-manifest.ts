import { readFileSync, writeFileSync } from 'node:fs';
import { fileModeFor } from './private-files';
import { basename } from 'node:path';
import type { BackupInfo } from '../../shared/types';
import * as z from 'zod/mini';
import '../../shared/zod-messages';
import { WardenError } from './errors';

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
  reason: z.enum(['manual', 'pre-migrate', 'pre-repair', 'pre-restore', 'pre-recover', 'preserved-damaged']),
  createdAt: z.string(),
  sequence: z.optional(z.number().check(z.int(), z.nonnegative())),
  durationMs: z.number().check(z.nonnegative()),
  verified: z.nullable(z.object({ ok: z.boolean(), level: z.enum(['quick', 'full']), at: z.string(), messages: z.array(z.string()) })),
  // A preserved copy of a damaged database (preserve-copy.ts).
  damaged: z.optional(z.boolean()),
  preservedFor: z.optional(z.enum(['manual', 'pre-repair'])),
  companions: z.optional(z.array(z.object({ suffix: z.enum(['-wal', '-journal']), sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/)), bytes: z.number().check(z.int(), z.nonnegative()) }))),
});

export type BackupManifest = Omit<BackupInfo, 'name' | 'path'>;

export function manifestPathOf(backupPath: string): string {
  return `${backupPath}.json`;
}

/** The backup a manifest describes; null when the backup has no manifest beside it. */
export function readManifest(backupPath: string): BackupInfo | null {
  const file = manifestPathOf(backupPath);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  let parsed: ReturnType<typeof manifestJson.safeParse>;
  try {
    parsed = manifestJson.safeParse(JSON.parse(text));
  } catch (err) {
    throw new WardenError('BACKUP_INVALID', `The manifest ${file} is not JSON (${(err as Error).message}).`, 'It was damaged or edited; the backup beside it cannot be trusted without it.');
  }
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new WardenError('BACKUP_INVALID', `The manifest ${file} is not a Schema Warden backup manifest (field "${issue.path.join('.')}": ${issue.message}).`, 'It was damaged or edited; the backup beside it cannot be trusted without it.');
  }
  const { format: _format, ...manifest } = parsed.data;
  return { name: basename(backupPath), path: backupPath, ...manifest, sequence: manifest.sequence ?? 0 };
}

/**
 * Writes the manifest of a backup that does not exist yet. Creating it exclusively claims the
 * backup's name, so two processes backing up in the same millisecond never take the same one:
 * false when the name is taken.
 */
export function claimWithManifest(backupPath: string, manifest: BackupManifest): boolean {
  try {
    writeFileSync(manifestPathOf(backupPath), `${JSON.stringify({ format: FORMAT, ...manifest }, null, 2)}\n`, { flag: 'wx', mode: fileModeFor(manifest.sourcePath) });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}
