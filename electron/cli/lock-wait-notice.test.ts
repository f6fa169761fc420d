import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { initialize } from '../engine';
import { holdWriteLock } from '../engine/test-support/backup-fixtures';
import { finished, spawnCli } from '../engine/test-support/cli';
import { contextFor, tempDir } from '../engine/test-support/fixtures';

// A database another process holds: the CLI says so before it waits, naming the holder and the
// wait, instead of seconds of silence and then an error (issue 26). The holder is a real process.

const holders: { kill(): boolean }[] = [];
afterEach(() => {
  for (const h of holders.splice(0)) h.kill();
});

async function databaseHeld(kind: 'IMMEDIATE' | 'EXCLUSIVE'): Promise<string> {
  const db = join(tempDir(), 'held.db');
  await initialize(contextFor(db));
  holders.push(await holdWriteLock(db, 20_000, kind));
  return db;
}

describe('a database held by another process', () => {
  it('migrate says at once that it waits for the write lock, who holds it and for how long, then fails LOCKED (exit 3)', async () => {
    const db = await databaseHeld('IMMEDIATE');
    const result = await finished(spawnCli(['migrate', '--db', db, '--busy-timeout', '1500']));
    const notice = result.stderr.split('\n').find((l) => l.startsWith('Waiting for another process'));
    expect(notice, result.stderr).toMatch(/held by process \d+ \(node\)/);
    expect(notice).toContain('before it can write: up to 1.5 s (--busy-timeout)');
    expect(result.stderr.indexOf('Waiting for another process')).toBeLessThan(result.stderr.indexOf('LOCKED'));
    expect(result.code).toBe(3);
  });

  it('status, which only reads, waits only where a writer blocks readers (EXCLUSIVE), and says so', async () => {
    const reserved = await databaseHeld('IMMEDIATE');
    const free = await finished(spawnCli(['status', '--db', reserved]));
    expect(free.stderr).not.toContain('Waiting for another process');
    const exclusive = await databaseHeld('EXCLUSIVE');
    const blocked = await finished(spawnCli(['status', '--db', exclusive, '--busy-timeout', '1000']));
    expect(blocked.stderr).toContain('before it can read: up to 1.0 s (--busy-timeout)');
    expect(blocked.code).toBe(3);
  });
});

describe('what is not a database file is not probed for its lock', () => {
  it('a FIFO named as --db is refused at once (NOT_REGULAR_FILE), not waited on', async () => {
    const fifo = join(tempDir(), 'pipe.db');
    execFileSync('mkfifo', [fifo]);
    const started = performance.now();
    const result = await finished(spawnCli(['status', '--db', fifo]));
    expect(result.stderr).toContain('NOT_REGULAR_FILE');
    expect(result.stderr).not.toContain('Waiting for another process');
    expect(performance.now() - started).toBeLessThan(15_000);
  }, 20_000);
});
