import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, fsyncSync, linkSync, lstatSync, openSync, readlinkSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { WardenError } from '../../errors';

// Where the salvaged file is written: a hidden file beside --out, private from its first byte, given
// the damaged database's permissions, and published under --out only when it is complete (a hard
// link, which never replaces anything and never follows a symbolic link). A cancelled or failed
// salvage leaves nothing behind.

function lstatOrNull(path: string) {
  try {
    return lstatSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Refuses an --out that exists (a dangling symbolic link included) or whose folder does not. */
export function checkOutPath(out: string): void {
  const existing = lstatOrNull(out);
  if (existing?.isSymbolicLink()) {
    throw new WardenError(
      'ALREADY_EXISTS',
      `${out} is a symbolic link (to ${resolve(dirname(out), readlinkSync(out))}); salvage writes a new file only, never through a link. Nothing was written.`,
      'Pick a path where nothing exists yet for the salvaged file.',
      { field: 'out' },
    );
  }
  if (existing)
    throw new WardenError(
      'ALREADY_EXISTS',
      `${out} already exists; salvage writes into a new file only. Nothing was written.`,
      'Pick a path that does not exist yet for the salvaged file.',
      { field: 'out' },
    );
  const folder = dirname(out);
  let isFolder = false;
  try {
    isFolder = statSync(folder).isDirectory();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' && (err as NodeJS.ErrnoException).code !== 'ENOTDIR') throw err;
  }
  if (!isFolder) {
    throw new WardenError(
      'NOT_FOUND',
      `The folder ${folder} for the salvaged file does not exist. Nothing was written.`,
      `Create it first (mkdir -p ${folder}), or pick a path for the salvaged file in an existing folder.`,
      { field: 'out' },
    );
  }
}

const appeared = (out: string) =>
  new WardenError(
    'ALREADY_EXISTS',
    `${out} appeared while salvage was running; it was left as it is and the salvaged file was removed.`,
    'Pick a path that does not exist yet for the salvaged file, and run salvage again.',
    { field: 'out' },
  );

/** A hard link never replaces a file; where the filesystem has none, a rename after checking that nothing is there. */
function linkOrMove(path: string, out: string): void {
  try {
    linkSync(path, out);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw appeared(out);
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw err;
    if (lstatOrNull(out)) throw appeared(out);
    renameSync(path, out);
  }
}

export interface StagedFile {
  path: string;
  /** Moves the finished file to --out: refused, leaving --out as it was, if something appeared there meanwhile. */
  publish(): void;
  /** Removes the staged file (and any file SQLite made beside it). */
  discard(): void;
}

/** An empty file beside `out`, readable by its owner only until it takes `mode` (the database's, see private-files.ts) on publishing. */
export function stageBeside(out: string, mode: number): StagedFile {
  const path = join(dirname(out), `.${basename(out)}.salvage-${randomBytes(6).toString('hex')}`);
  closeSync(openSync(path, 'wx', 0o600));
  const discard = () => {
    for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(path + suffix, { force: true });
  };
  return {
    path,
    discard,
    publish() {
      chmodSync(path, mode);
      const fd = openSync(path, 'r');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      try {
        linkOrMove(path, out);
      } finally {
        discard();
      }
    },
  };
}
