import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, fsyncSync, linkSync, lstatSync, openSync, readlinkSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { WardenError } from '../../errors';

// Where the salvaged file is written: a hidden file beside --out, private from its first byte, given
// the damaged database's permissions, and published under --out only when it is complete (a hard
// link, which never replaces anything and never follows a symbolic link). A cancelled or failed
// salvage leaves nothing behind.

const nameTooLong = (out: string) =>
  new WardenError('INVALID_INPUT', `The name ${out} is too long for its filesystem. Nothing was written.`, 'Pick a shorter name for the salvaged file.', {
    field: 'out',
  });

/** The entry at `path` (`follow`: what a link points at), or null when there is none. */
function statOrNull(path: string, follow = false) {
  try {
    return follow ? statSync(path) : lstatSync(path);
  } catch (err) {
    // ENOTDIR: a file stands where a folder of the path should be, so nothing can be at the path.
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    if (code === 'ENAMETOOLONG') throw nameTooLong(path);
    throw err;
  }
}

/** Refuses an --out that exists (a dangling symbolic link included) or whose folder does not. */
export function checkOutPath(out: string): void {
  const existing = statOrNull(out);
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
  const stats = statOrNull(folder, true);
  if (stats && !stats.isDirectory()) {
    throw new WardenError(
      'INVALID_INPUT',
      `${folder}, the folder named for the salvaged file, is a file, not a folder. Nothing was written.`,
      'Pick a path for the salvaged file inside an existing folder.',
      { field: 'out' },
    );
  }
  if (!stats) {
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
    if (statOrNull(out)) throw appeared(out);
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
  try {
    closeSync(openSync(path, 'wx', 0o600));
  } catch (err) {
    // The staged name is the --out's name and 22 characters more: one near the filesystem's limit fits only alone.
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENAMETOOLONG') throw nameTooLong(out);
    // A folder that exists but takes no new file (ENOENT from /proc, EINVAL or EOPNOTSUPP from other pseudo-filesystems).
    if (code === 'ENOENT' || code === 'EINVAL' || code === 'EOPNOTSUPP') {
      throw new WardenError(
        'INVALID_INPUT',
        `No file can be created in ${dirname(out)} (${code}): it is not a folder on a disk. Nothing was written.`,
        'Pick a path for the salvaged file in a folder on a disk (beside the database, for instance).',
        { field: 'out' },
      );
    }
    throw err;
  }
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
