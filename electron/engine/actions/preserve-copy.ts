import { chmodSync, closeSync, copyFileSync, existsSync, fsyncSync, openSync, readSync, renameSync, rmSync, statSync, type Stats } from 'node:fs';
import { resolve } from 'node:path';
import type { BackupInfo, PreservedCompanion } from '../../../shared/types/backups';
import { nowIso } from '../core/history/actor';
import { publish } from '../core/backups/publish-backup';
import { backupFolderOf, prepareBackupFolder, removeAbandonedCopies, stagingPathIn, syncFolder } from '../core/backups/backup-folder';
import { log, throwIfCancelled, type EngineContext } from '../context';
import { WardenError } from '../errors';
import { sha256FileSync } from '../core/sqlite/file-sha256';
import { statDatabasePath } from '../core/sqlite/open-database';

// The first thing to do with a damaged database and no backup: keep its bytes as they are. A
// preserved copy is the file and its journal or WAL copied byte for byte, without SQLite (which
// could roll back a hot journal or checkpoint a WAL into the file), into the backup folder with a
// manifest that marks it damaged and unverified (reason 'preserved-damaged'). It is listed as a
// damaged copy and never restored from (restore refuses it); retention never removes it.

export interface PreserveOptions {
  /** Why: by hand (the console's first step on a corrupt file) or before a repair rebuilds damaged indexes. */
  purpose?: 'manual' | 'pre-repair';
}

const COMPANIONS = ['-wal', '-journal'] as const;

/** A file's identity for "did it change while we copied it": size, modification time, inode. */
function stampOf(path: string): string | null {
  try {
    const s = statSync(path);
    return `${s.size}:${s.mtimeMs}:${s.ino}`;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

const stampsOf = (dbPath: string) => [dbPath, ...COMPANIONS.map((s) => `${dbPath}${s}`)].map(stampOf).join('|');

/** The header's application_id and the SQLite version that last wrote the file, read from its bytes (the schema may be unreadable). */
function headerFacts(path: string): { applicationId: number; sqliteVersion: string } {
  const header = Buffer.alloc(100);
  const fd = openSync(path, 'r');
  try {
    if (readSync(fd, header, 0, 100, 0) < 100) return { applicationId: 0, sqliteVersion: '' };
  } finally {
    closeSync(fd);
  }
  const n = header.readUInt32BE(96);
  return { applicationId: header.readInt32BE(68), sqliteVersion: n ? `${Math.floor(n / 1_000_000)}.${Math.floor(n / 1000) % 1000}.${n % 1000}` : '' };
}

function copyDurably(from: string, to: string, mode: number): void {
  copyFileSync(from, to);
  // The database's permissions without write: as private as the database, and no tool opening the copy can change it.
  chmodSync(to, mode & 0o444);
  const fd = openSync(to, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

interface Staged {
  main: string;
  companions: { suffix: string; staged: string; digest: PreservedCompanion }[];
}

/** Copies the file and its companions; again (up to three times) when any of them changed meanwhile. */
function stageCopies(ctx: EngineContext, folder: string, stats: Stats): Staged {
  const main = stagingPathIn(folder, ctx.dbPath);
  for (let attempt = 1; ; attempt++) {
    throwIfCancelled(ctx, `The preserved copy of ${ctx.dbPath}`);
    const before = stampsOf(ctx.dbPath);
    copyDurably(ctx.dbPath, main, stats.mode);
    const companions: Staged['companions'] = [];
    for (const suffix of COMPANIONS) {
      const source = `${ctx.dbPath}${suffix}`;
      if (!existsSync(source)) continue;
      const staged = `${main}${suffix}`;
      copyDurably(source, staged, stats.mode);
      const { sha256, bytes } = sha256FileSync(staged);
      companions.push({ suffix, staged, digest: { suffix, sha256, bytes } });
    }
    if (stampsOf(ctx.dbPath) === before) return { main, companions };
    if (attempt === 3) {
      log(
        ctx,
        'warn',
        `${ctx.dbPath} kept changing while it was copied (a process is writing to it): the preserved copy may mix moments. Stop the service, then preserve it again to have it exactly.`,
      );
      return { main, companions };
    }
    for (const c of companions) rmSync(c.staged, { force: true });
  }
}

/**
 * A byte-for-byte copy of the database file with its -wal or -journal, in the backup folder, marked
 * damaged and unverified: what a support engineer keeps before anything else touches a corrupt file.
 * The database and its companions are only read.
 */
export function preserveCopy(ctx: EngineContext, options: PreserveOptions = {}): BackupInfo {
  const started = performance.now();
  const createdAt = nowIso();
  const stats = statDatabasePath(ctx.dbPath);
  if (stats === null || stats.size === 0) {
    throw new WardenError(
      'NOT_FOUND',
      `There is no database at ${ctx.dbPath} to preserve${stats ? ' (the file is empty)' : ''}. Nothing was written.`,
      'Check the path of the database: it should name the damaged database file.',
    );
  }
  const folder = backupFolderOf(ctx);
  prepareBackupFolder(folder, ctx.dbPath);
  for (const entry of removeAbandonedCopies(folder))
    log(ctx, 'info', `Removed ${entry} from ${folder}: a copy that was killed before it completed left it there.`);
  ctx.onProgress?.({ operation: 'preserveCopy', phase: 'copying the file as it is', done: 0, total: 1 });
  const staged = stageCopies(ctx, folder, stats);
  try {
    const { sha256, bytes } = sha256FileSync(staged.main);
    const info = publish(folder, staged.main, {
      sha256,
      bytes,
      sourcePath: resolve(ctx.dbPath),
      ...headerFacts(staged.main),
      version: null,
      reason: 'preserved-damaged',
      createdAt,
      durationMs: Math.round(performance.now() - started),
      verified: null,
      damaged: true,
      preservedFor: options.purpose ?? 'manual',
      companions: staged.companions.map((c) => c.digest),
    });
    for (const c of staged.companions) renameSync(c.staged, `${info.path}${c.suffix}`);
    syncFolder(folder);
    ctx.onProgress?.({ operation: 'preserveCopy', phase: 'done', done: 1, total: 1 });
    log(
      ctx,
      'info',
      `Preserved ${ctx.dbPath}${staged.companions.map((c) => ` and its ${c.suffix}`).join('')} as ${info.path} (${info.bytes} bytes), marked damaged: it is never restored from.`,
    );
    return info;
  } finally {
    for (const path of [staged.main, ...staged.companions.map((c) => c.staged)]) rmSync(path, { force: true });
  }
}
