import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Job } from '../../shared/types/jobs';
import { hostTag } from '../engine';
import { REPO_ROOT, tempDir } from '../engine/test-support/fixtures';

// The journals a killed `warden serve` left are read at the next start: what stands under a
// journal's name without being one (a FIFO, a folder, a file of any size) must neither block
// that start for ever nor stop it.

/** interruptedJobs(folder) in a child with a time limit: a start that blocks is a failure here, not a stuck test. */
function interruptedIn(folder: string) {
  const script = `import(${JSON.stringify(join(REPO_ROOT, 'electron/api/job-journal.ts'))}).then((m) => process.stdout.write(JSON.stringify(m.interruptedJobs(${JSON.stringify(folder)}, new Map()))))`;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 30_000 });
  return { signal: run.signal, stderr: run.stderr, jobs: run.stdout ? (JSON.parse(run.stdout) as Job[]) : null };
}

describe('journals of a server that is gone', () => {
  it('reads the real one; a FIFO, a folder and a 20 MB file under a journal name are not read, and the start goes on', () => {
    const folder = tempDir();
    const gone = () => spawnSync('true').pid; // a process that has ended
    const journal = (pid: number) => join(folder, `.warden-jobs~${hostTag()}~${pid}.json`);
    const job = {
      id: 'op-backup-killed',
      kind: 'backup',
      db: 'chat',
      options: {},
      startedBy: 'tester',
      startedAt: '2026-12-07T19:00:00.000Z',
      state: 'running',
    };
    writeFileSync(journal(gone()), JSON.stringify([{ job, dbPath: null }]));
    const fifo = journal(gone());
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const notAJournal = journal(gone());
    mkdirSync(notAJournal);
    const huge = journal(gone());
    writeFileSync(huge, `[${' '.repeat(20 * 1024 * 1024)}]`);

    const found = interruptedIn(folder);
    expect(found.signal, found.stderr).toBeNull();
    expect(found.jobs).toEqual([expect.objectContaining({ id: 'op-backup-killed', state: 'interrupted', endedAt: null })]);
    expect([existsSync(fifo), existsSync(huge), existsSync(notAJournal)]).toEqual([false, false, true]);
  });
});
