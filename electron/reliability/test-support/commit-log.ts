import type { ChildProcess } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach } from 'vitest';
import { REPO_ROOT } from '../../engine/test-support/fixtures';

// What a deployment worker (deployment-worker.ts) acknowledged, read from its log, and what a
// database holds: the two sides of "no acknowledged commit is lost".

export const DEPLOYMENT_WORKER = join(REPO_ROOT, 'electron/reliability/test-support/deployment-worker.ts');

/** Both journal modes; under a rollback journal workers pause 1 ms between transactions (SQLite's locks are not fair). */
export const JOURNAL_MODES: { mode: 'wal' | 'delete'; pauseMs: number }[] = [
  { mode: 'wal', pauseMs: 0 },
  { mode: 'delete', pauseMs: 1 },
];

/** The set to add spawned workers to: those still running when a test ends (it failed before stopping them) are killed. */
export function workersKilledAfterEach(): Set<ChildProcess> {
  const running = new Set<ChildProcess>();
  afterEach(() => {
    for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    running.clear();
  });
  return running;
}

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
