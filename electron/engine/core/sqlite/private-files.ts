import { closeSync, mkdirSync, openSync, statSync } from 'node:fs';

// What the product writes about a database (backups, their manifests, staged copies, the folders
// they live in) is as private as the database itself: a 0600 database never gets a 0644 backup
// that every local user can read. The modes are the database's permission bits or stricter
// (the process's umask may take more away, never add).

/** The owner (who runs the tool) reads and writes what it writes, even beside a read-only database. */
const OWNER = 0o600;
const GROUP_AND_OTHERS = 0o066;

/** The permission bits for a file written about `dbPath`: group and others as the database has them (none when it has no file yet). */
export function fileModeFor(dbPath: string): number {
  const stat = statSync(dbPath, { throwIfNoEntry: false });
  return OWNER | (stat ? stat.mode & GROUP_AND_OTHERS : 0);
}

/** The permission bits for a folder created for `dbPath`'s files: whoever may read the database may list it, nobody else. */
export function folderModeFor(dbPath: string): number {
  const file = fileModeFor(dbPath);
  return file | ((file & 0o444) >> 2);
}

/** Creates the folder (and its parents) for `dbPath`'s files, no more open than the database. */
export function makePrivateFolder(folder: string, dbPath: string): void {
  mkdirSync(folder, { recursive: true, mode: folderModeFor(dbPath) });
}

/**
 * Creates `path` empty with `dbPath`'s permissions, failing if it exists. SQLite, a copy or a
 * write into it later keeps those permissions: nothing is ever readable by others in between.
 */
export function createPrivateFile(path: string, dbPath: string): void {
  closeSync(openSync(path, 'wx', fileModeFor(dbPath)));
}
