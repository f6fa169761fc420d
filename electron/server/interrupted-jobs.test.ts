import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Job } from '../../shared/types/jobs';
import { resultOf, runCli } from '../engine/test-support/cli';
import { REPO_ROOT, sqlite3, tempDir } from '../engine/test-support/fixtures';
import { fillWithFiles } from './test-support/big-database';
import { callApi } from './test-support/http-client';

// `warden serve` killed mid-job (SIGKILL: no clean-up of its own runs) and started again: the job
// is listed as interrupted with what it left, and what it left is cleaned up at the start and said.

const CLI = join(REPO_ROOT, 'electron/cli/main.ts');

interface Served {
  child: ChildProcess;
  stderr: () => string;
  origin: string;
  token: string;
}

async function serve(db: string): Promise<Served> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'serve', '--db', db, '--port', '0', '--operator', 'tester', '--health-interval', '3600'], {
    cwd: REPO_ROOT,
  });
  // A test that fails before it stops the server must not leave it running.
  onTestFinished(() => void child.kill('SIGKILL'));
  let out = '';
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const url = await new Promise<URL>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const printed = /Console: (\S+)/.exec(out)?.[1];
      if (printed && out.includes('Press Ctrl-C to stop.')) resolve(new URL(printed));
    });
    child.on('exit', (code) => reject(new Error(`warden serve exited with ${code}: ${err}`)));
  });
  return { child, stderr: () => err, origin: url.origin, token: url.searchParams.get('token')! };
}

const exited = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.on('exit', () => resolve())));
const partials = (folder: string) => readdirSync(folder).filter((f) => f.includes('.partial'));

/** The restore's copy helper run by `parent` (node -e SCRIPT LIVE COPY PID), read from /proc. */
function copyHelperOf(parent: number, live: string): { pid: number; copy: string } | null {
  for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const ppid = Number(/^PPid:\s+(\d+)$/m.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1]);
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const copy = args[args.indexOf(live) + 1] ?? '';
      // A child between fork and exec still shows its parent's arguments: only the helper's name a .partial after the live file.
      if (ppid === parent && args[1] === '-e' && copy.endsWith('.partial')) return { pid: Number(entry), copy };
    } catch {
      // a process that ended while it was read
    }
  }
  return null;
}

/** Running: not ended, nor a zombie waiting for a container's init to reap it. */
const running = (pid: number) => {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
};

describe('warden serve restarted after it was killed mid-job', () => {
  it('lists the restore it was running as interrupted, removes the unfinished copy it left and says so', async () => {
    const db = join(tempDir(), 'served.db');
    expect(runCli(['init', '--db', db]).code).toBe(0);
    fillWithFiles(db, 150_000);
    const taken = resultOf(runCli(['backup', '--db', db, '--json'])) as { name: string };
    const folder = `${db}.backups`;

    const first = await serve(db);
    void callApi(first.origin, first.token, 'restore', { db: 'served', backup: taken.name, operationId: 'op-restore-killed' }).catch(() => undefined);
    // Killed while the restore's copy is on disk, unfinished.
    const deadline = Date.now() + 60_000;
    while (partials(folder).length === 0 && Date.now() < deadline) await new Promise((wake) => setTimeout(wake, 2));
    first.child.kill('SIGKILL');
    await exited(first.child);
    const left = partials(folder);
    expect(left.length).toBeGreaterThan(0);

    const second = await serve(db);
    try {
      expect(partials(folder)).toEqual([]);
      expect(second.stderr()).toContain(`warden serve: Removed ${left.join(', ')} from ${folder}`);
      expect(second.stderr()).toMatch(
        /warden serve: The restore on served started by tester .* was interrupted\. The server running it \(pid \d+\) stopped before it ended\./,
      );
      const jobs = (await callApi(second.origin, second.token, 'jobs', {})).json as { ok: true; result: Job[] };
      const job = jobs.result.find((j) => j.id === 'op-restore-killed');
      expect(job).toMatchObject({ kind: 'restore', db: 'served', state: 'interrupted', endedAt: null, options: { backup: taken.name } });
      expect(job!.left!.join(' ')).toContain(
        `Removed ${left.join(', ')} from ${folder}: the ${left.length === 1 ? 'copy' : 'copies'} it was writing when it stopped.`,
      );
      // The referee: whatever the kill interrupted, sqlite3 finds the database whole.
      expect(sqlite3(db, 'PRAGMA integrity_check')).toBe('ok');
      // Its journal is gone with it: a third start lists nothing twice.
      expect(readdirSync(join(db, '..')).filter((f) => f.startsWith('.warden-jobs~'))).toEqual([]);
    } finally {
      second.child.kill('SIGTERM');
      await exited(second.child);
    }
  });

  it('the copy helper of a restore killed mid-copy stops with it, before it has copied the whole file', async () => {
    const db = join(tempDir(), 'served.db');
    expect(runCli(['init', '--db', db]).code).toBe(0);
    const taken = resultOf<{ name: string }>(runCli(['backup', '--db', db, '--json']));
    // 300 MB the pre-restore copy has to copy, in 8 MB chunks: long enough to be caught mid-copy.
    sqlite3(
      db,
      'CREATE TABLE pad (b BLOB); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300) INSERT INTO pad SELECT zeroblob(1048576) FROM n;',
    );
    const liveBytes = statSync(db).size;
    const folder = `${db}.backups`;

    const first = await serve(db);
    const pid = first.child.pid!;
    void callApi(first.origin, first.token, 'restore', { db: 'served', backup: taken.name, operationId: 'op-copy-killed' }).catch(() => undefined);
    let helper: { pid: number; copy: string } | null = null;
    const deadline = Date.now() + 60_000;
    while (helper === null && Date.now() < deadline) {
      await new Promise((wake) => setTimeout(wake, 2)); // the request is sent while this waits
      helper = copyHelperOf(pid, db);
    }
    expect(helper).not.toBeNull();
    first.child.kill('SIGKILL');
    await exited(first.child);
    const gone = Date.now() + 10_000;
    while (running(helper!.pid) && Date.now() < gone) await new Promise((wake) => setTimeout(wake, 20));
    expect(running(helper!.pid)).toBe(false);
    // It stopped at its next chunk, not at the end of the file: the copy it left is short.
    expect(statSync(helper!.copy).size).toBeLessThan(liveBytes);
    const left = basename(helper!.copy);

    const second = await serve(db);
    try {
      expect(partials(folder)).toEqual([]);
      const jobs = (await callApi(second.origin, second.token, 'jobs', {})).json as { ok: true; result: Job[] };
      const job = jobs.result.find((j) => j.id === 'op-copy-killed');
      expect(job).toMatchObject({ kind: 'restore', state: 'interrupted' });
      // Two copies: the backup staged to restore from, and the pre-restore copy the helper was writing.
      expect(job!.left!.join(' ')).toMatch(new RegExp(`Removed [^ ]+, [^ ]+ from ${folder}: the copies it was writing when it stopped\\.`));
      expect(job!.left!.join(' ')).toContain(left);
      expect(sqlite3(db, 'SELECT count(*) FROM pad')).toBe('300');
    } finally {
      second.child.kill('SIGTERM');
      await exited(second.child);
    }
  });
});
