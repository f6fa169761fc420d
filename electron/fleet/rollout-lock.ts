import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, realpathSync, unlinkSync, writeSync } from 'node:fs';
import { hostname, tmpdir, userInfo } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { explainFileError, WardenError } from '../engine';

// One rolling migrate per fleet at a time, whichever process starts it (two CLIs, a CLI and a
// `warden serve --fleet`, two desktop apps): two would rehearse and migrate the same deployments
// side by side, each halting on the other's work. The lock is a file created with O_EXCL beside
// the fleet file (so processes on every machine that shares the file see it), saying who holds
// it since when; a fleet file in a folder this account may not write to is locked in the
// system's temporary folder instead (this machine's processes). A lock whose process is gone
// (killed, a second Ctrl-C) is stale and taken over; one held on another machine is never guessed at.

export interface RolloutHolder {
  pid: number;
  host: string;
  user: string;
  startedAt: string;
  /** The version it rolls out. */
  to: string;
}

export interface RolloutLock {
  path: string;
  release(): void;
}

/** Beside the fleet file, or (a folder this account may not write to) in the temporary folder, named by the fleet file's real path. */
function lockPaths(fleetFile: string): string[] {
  let real = fleetFile;
  try {
    real = realpathSync(fleetFile);
  } catch {
    // A fleet given as parsed JSON (tests) may have no file: its path still names it.
  }
  const digest = createHash('sha256').update(real).digest('hex').slice(0, 16);
  return [join(dirname(real), `${basename(real)}.rollout-lock`), join(tmpdir(), `warden-rollout-${digest}.lock`)];
}

function readHolder(path: string): RolloutHolder | null {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as Partial<RolloutHolder>;
    return typeof value.pid === 'number' && typeof value.host === 'string' && typeof value.startedAt === 'string' ? (value as RolloutHolder) : null;
  } catch {
    return null; // being written this instant, or not ours: not guessed at
  }
}

function processIsGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH'; // EPERM: it lives, as another user's
  }
}

/** Creates the lock file with O_EXCL; false when it exists already. */
function create(path: string, holder: RolloutHolder): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, `${JSON.stringify(holder)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return true;
}

function heldBy(fleetFile: string, path: string, holder: RolloutHolder | null): WardenError {
  if (holder === null) {
    return new WardenError(
      'ALREADY_EXISTS',
      `A rolling migrate of the fleet ${fleetFile} is already under way: its lock ${path} exists, and does not say who holds it. A second one is not started.`,
      `Wait for the other rollout to end. If none runs, remove ${path} and start again.`,
    );
  }
  const here = holder.host === hostname();
  return new WardenError(
    'ALREADY_EXISTS',
    `A rolling migrate of the fleet ${fleetFile} to ${holder.to} is already under way: started at ${holder.startedAt} by ${holder.user} on ${holder.host} (process ${holder.pid}), whose lock is ${path}. A second one is not started.`,
    here
      ? `Wait for it to end (or stop it: Ctrl-C in its terminal, Cancel in its Jobs panel), then start again.`
      : `Wait for it to end on ${holder.host}, then start again. If no rollout runs there any more (the machine went down), remove ${path} and start again.`,
    { lock: path },
  );
}

/** The lock at `path`, taken over when it is stale; throws naming who holds it otherwise. */
function lockAt(path: string, fleetFile: string, holder: RolloutHolder): RolloutLock {
  if (!create(path, holder)) {
    const held = readHolder(path);
    // A stale lock (its process is gone: killed, or quit by a second Ctrl-C) is taken over, once.
    const stale = held !== null && held.host === holder.host && processIsGone(held.pid);
    if (!stale) throw heldBy(fleetFile, path, held);
    unlinkSync(path);
    if (!create(path, holder)) throw heldBy(fleetFile, path, readHolder(path));
  }
  return {
    path,
    release: () => {
      // Only our own: a lock someone took over meanwhile is theirs.
      const now = readHolder(path);
      if (now?.pid === holder.pid && now.host === holder.host && now.startedAt === holder.startedAt) unlinkSync(path);
    },
  };
}

/** Takes the fleet's rollout lock for `to`, or throws naming who holds it since when. */
export function takeRolloutLock(fleetFile: string, to: string): RolloutLock {
  const holder: RolloutHolder = { pid: process.pid, host: hostname(), user: userInfo().username, startedAt: new Date().toISOString(), to };
  const [beside, temporary] = lockPaths(fleetFile);
  try {
    return lockAt(beside, fleetFile, holder);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // The fleet file's folder is not this account's to write in (/etc/warden, say), or is gone: this machine's temporary folder then.
    if (code !== 'EACCES' && code !== 'EPERM' && code !== 'EROFS' && code !== 'ENOENT') throw explainFileError(err, beside);
  }
  try {
    return lockAt(temporary, fleetFile, holder);
  } catch (err) {
    throw explainFileError(err, temporary);
  }
}
