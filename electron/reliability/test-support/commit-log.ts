import { readFileSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';

// What a deployment worker (deployment-worker.ts) acknowledged, read from its log, and what a
// database holds: the two sides of "no acknowledged commit is lost".

/** A worker by its name and the log where it appends each file id once its commit returned. */
export interface CommitLog {
  name: string;
  log: string;
}

/** Lines are `vm1-0000042\n`, all of one length: a log's size says how many commits it holds. */
export function committedSoFar(worker: CommitLog): number {
  try {
    return Math.floor(statSync(worker.log).size / (worker.name.length + 1 + 7 + 1));
  } catch {
    return 0;
  }
}

/** Every id the workers logged as committed (a half-written last line is not counted). */
export function acknowledgedIds(workers: CommitLog[]): Set<string> {
  const ids = new Set<string>();
  for (const w of workers) {
    const text = readFileSync(w.log, 'utf8');
    for (const line of text.slice(0, text.lastIndexOf('\n') + 1).split('\n')) if (line) ids.add(line);
  }
  return ids;
}

export function fileIdsIn(path: string): Set<string> {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return new Set(db.prepare('SELECT file_id FROM conversation_files').pluck().all() as string[]);
  } finally {
    db.close();
  }
}
