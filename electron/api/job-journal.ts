import { closeSync, constants, existsSync, fstatSync, lstatSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Job } from '../../shared/types/jobs';
import { backupFolderOf, hostTag, isRunning, removeAbandonedCopies, STAGING_FILE } from '../engine';

// What a host is doing, kept on disk while it does it: a `warden serve` killed mid-job (SIGKILL, a
// crash, a power cut) used to forget the job. Each host process keeps its running jobs in a small
// journal of its own in its data folder, `.warden-jobs~<machine>~<pid>.json`; at the next start,
// the journals of processes of this machine that are gone name the jobs that never ended.

const JOURNAL_FILE = /^\.warden-jobs~([A-Za-z0-9_.-]+)~(\d+)\.json$/;

interface JournalEntry {
  job: Job;
  /** The database's file (null for a job on no database: the fleet's). */
  dbPath: string | null;
}

/** The journal of this process: rewritten in one rename at each start and end of a job, removed when none runs. */
export class JobJournal {
  readonly path: string;
  private readonly entries = new Map<string, JournalEntry>();
  private warned = false;

  constructor(
    folder: string,
    /** Told once when the journal cannot be written (jobs still run; a restart would not know them). */
    private readonly warn: (message: string) => void,
  ) {
    this.path = join(folder, `.warden-jobs~${hostTag()}~${process.pid}.json`);
  }

  /** A job started or ended (what Jobs announces). */
  record(job: Job, dbPath: string | null): void {
    if (job.state === 'running') this.entries.set(job.id, { job, dbPath });
    else if (!this.entries.delete(job.id)) return;
    this.write();
  }

  private write(): void {
    try {
      if (this.entries.size === 0) {
        rmSync(this.path, { force: true });
        return;
      }
      const staged = `${this.path}.tmp`;
      // 0600: a job's options may hold a query's text.
      writeFileSync(staged, JSON.stringify([...this.entries.values()]), { mode: 0o600 });
      renameSync(staged, this.path);
    } catch (err) {
      if (this.warned) return;
      this.warned = true;
      this.warn(
        `The job journal ${this.path} cannot be written (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): a job running when this server is killed will not be listed after a restart.`,
      );
    }
  }
}

/** A journal holds the running jobs' options (a query of at most 100,000 characters each): far below this. */
const MAX_JOURNAL_BYTES = 16 * 1024 * 1024;

/** The journal's text; null for what no host wrote (a folder, a FIFO that would block the start for ever, a file past any journal's size). */
function journalText(path: string): string | null {
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const stats = fstatSync(fd);
    return stats.isFile() && stats.size <= MAX_JOURNAL_BYTES ? readFileSync(fd, 'utf8') : null;
  } finally {
    closeSync(fd);
  }
}

function readJournal(path: string): JournalEntry[] {
  try {
    const entries = JSON.parse(journalText(path) ?? '[]') as unknown;
    return Array.isArray(entries) ? (entries as JournalEntry[]).filter((e) => e && typeof e.job?.id === 'string') : [];
  } catch {
    return []; // a journal torn by the kill names no job we could show
  }
}

/** The unfinished copies the job's process left in its database's backup folder, removed now. */
function cleanedUp(entry: JournalEntry, pid: number, removedByFolder: Map<string, string[]>): string[] {
  if (entry.dbPath === null) return [];
  const folder = backupFolderOf({ dbPath: entry.dbPath });
  const mine = (removedByFolder.get(folder) ?? []).filter((name) => STAGING_FILE.exec(name)?.[2] === String(pid));
  if (mine.length) return [`Removed ${mine.join(', ')} from ${folder}: the ${mine.length === 1 ? 'copy' : 'copies'} it was writing when it stopped.`];
  return [`It left no unfinished copy in ${folder}.`];
}

const COMMITTED = 'What it had committed before it stopped stays; a write it had not committed is rolled back by SQLite when the database is next opened.';

/**
 * The jobs that processes of this machine, now gone, left running according to their journals in
 * `folder`: each as interrupted, with what it left; their journals are removed. `removedByFolder`
 * is what the start-up clean-up removed from each backup folder.
 */
export function interruptedJobs(folder: string, removedByFolder: Map<string, string[]>): Job[] {
  if (!existsSync(folder)) return [];
  const jobs: Job[] = [];
  for (const name of readdirSync(folder)) {
    const match = JOURNAL_FILE.exec(name);
    if (!match || match[1] !== hostTag() || isRunning(Number(match[2]))) continue;
    const path = join(folder, name);
    // A folder of that name is no journal: left as it is (removing it would take what it holds, and failing would stop the start).
    if (lstatSync(path).isDirectory()) continue;
    for (const entry of readJournal(path)) {
      jobs.push({
        ...entry.job,
        state: 'interrupted',
        endedAt: null, // when it stopped is not known: only that it never ended
        error: null,
        left: [`The server running it (pid ${match[2]}) stopped before it ended.`, ...cleanedUp(entry, Number(match[2]), removedByFolder), COMMITTED],
      });
    }
    rmSync(path, { force: true });
  }
  return jobs;
}

/**
 * Removes from each database's backup folder the unfinished copies that processes of this machine,
 * now gone, left there (a restore's copy helper, a backup): what was removed, by folder. A folder
 * that cannot be read is told to `warn` and left as it is.
 */
export function removeAbandonedCopiesOf(dbPaths: string[], warn: (message: string) => void): Map<string, string[]> {
  const removed = new Map<string, string[]>();
  for (const dbPath of dbPaths) {
    const folder = backupFolderOf({ dbPath });
    if (removed.has(folder) || !existsSync(folder)) continue;
    try {
      removed.set(folder, removeAbandonedCopies(folder));
    } catch (err) {
      removed.set(folder, []);
      warn(
        `The backup folder ${folder} could not be cleaned of unfinished copies (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); the next backup there tries again.`,
      );
    }
  }
  return removed;
}

/** A sentence per folder that had unfinished copies removed, for the host's log. */
export function describeRemoved(removed: Map<string, string[]>): string[] {
  return [...removed]
    .filter(([, names]) => names.length)
    .map(
      ([folder, names]) =>
        `Removed ${names.map((n) => basename(n)).join(', ')} from ${folder}: a backup or restore killed before it completed left ${names.length === 1 ? 'it' : 'them'} there.`,
    );
}
