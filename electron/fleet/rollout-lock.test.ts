import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WardenError } from '../engine/errors';
import { finished, spawnCli } from '../engine/test-support/cli';
import { suiteDir } from '../server/test-support/suite-dir';
import { takeRolloutLock } from './rollout-lock';

// Two rolling migrates of one fleet started from two processes ran side by side. Now the first
// holds a lock file beside the fleet file (created with O_EXCL, saying who and since when) and a
// second process is refused, naming them; a lock whose process is gone is taken over. The
// rollouts here are real `warden fleet migrate` processes, held at their first question by an
// agent that never answers.

const waitFor = async (done: () => boolean) => {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 50));
};

describe('one rolling migrate per fleet', () => {
  const folder = suiteDir();
  const fleetFile = join(folder.path, 'fleet.json');
  const lockFile = `${fleetFile}.rollout-lock`;
  let hung: Server;

  beforeAll(async () => {
    hung = createServer(() => undefined);
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    writeFileSync(
      fleetFile,
      JSON.stringify({ deployments: [{ name: 'vm', url: `http://127.0.0.1:${(hung.address() as AddressInfo).port}`, tokenEnv: 'WARDEN_ROLLOUT_LOCK_TOKEN' }] }),
    );
    process.env.WARDEN_ROLLOUT_LOCK_TOKEN = 'a-token-for-the-rollout-lock-test';
  });
  afterAll(() => {
    hung.closeAllConnections();
    hung.close();
    folder.remove();
  });

  const migrate = () => spawnCli(['fleet', 'migrate', '--fleet', fleetFile, '--to', '1.2.0']);
  const holderPid = () => (existsSync(lockFile) ? (JSON.parse(readFileSync(lockFile, 'utf8')) as { pid: number }).pid : null);

  it('refuses a second process, naming who holds the lock since when; takes over the lock of a process that is gone', async () => {
    const first = migrate();
    const firstDone = finished(first);
    await waitFor(() => holderPid() === first.pid);
    const held = JSON.parse(readFileSync(lockFile, 'utf8')) as { startedAt: string; host: string; user: string; to: string };
    expect([held.host, held.to]).toEqual([hostname(), '1.2.0']);

    const second = await finished(migrate());
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(
      `error [ALREADY_EXISTS]: A rolling migrate of the fleet ${fleetFile} to 1.2.0 is already under way: started at ${held.startedAt} by ${held.user} on ${hostname()} (process ${first.pid}), whose lock is ${lockFile}. A second one is not started.`,
    );
    expect(second.stderr).toContain('Wait for it to end (or stop it: Ctrl-C in its terminal, Cancel in its Jobs panel), then start again.');
    expect(holderPid()).toBe(first.pid); // the refused one leaves the lock as it was

    // Killed outright: its lock stays behind, stale, and the next rollout takes it over.
    first.kill('SIGKILL');
    await firstDone;
    expect(holderPid()).toBe(first.pid);
    const third = migrate();
    const thirdDone = finished(third);
    await waitFor(() => holderPid() === third.pid);
    expect(third.pid).not.toBe(first.pid);
    third.kill('SIGKILL');
    await thirdDone;
  }, 60_000);

  it('never takes over a lock held on another machine, and says how to clear it', () => {
    const elsewhere = join(folder.path, 'shared.json');
    writeFileSync(
      `${elsewhere}.rollout-lock`,
      JSON.stringify({ pid: 1, host: 'ops-laptop', user: 'alice', startedAt: '2026-12-07T03:00:00.000Z', to: '1.3.0' }),
    );
    const refused = (() => {
      try {
        takeRolloutLock(elsewhere, '1.2.0');
      } catch (err) {
        return err as WardenError;
      }
      throw new Error('taken');
    })();
    expect(refused.message).toBe(
      `A rolling migrate of the fleet ${elsewhere} to 1.3.0 is already under way: started at 2026-12-07T03:00:00.000Z by alice on ops-laptop (process 1), whose lock is ${elsewhere}.rollout-lock. A second one is not started.`,
    );
    expect(refused.hint).toBe(
      `Wait for it to end on ops-laptop, then start again. If no rollout runs there any more (the machine went down), remove ${elsewhere}.rollout-lock and start again.`,
    );
  });

  it('releases only its own lock', () => {
    const own = join(folder.path, 'own.json');
    const lock = takeRolloutLock(own, '1.2.0');
    expect(lock.path).toBe(`${own}.rollout-lock`);
    expect(() => takeRolloutLock(own, '1.2.0')).toThrow(/already under way: started at .* \(process \d+\)/);
    lock.release();
    expect(existsSync(lock.path)).toBe(false);
    const again = takeRolloutLock(own, '1.2.0');
    lock.release(); // the first holder's release, late: the lock is someone else's now
    expect(existsSync(again.path)).toBe(true);
    again.release();
  });
});
