import { describe, expect, it } from 'vitest';
import { job } from '../test/fixtures';
import { jobEnding, jobHref, jobOutcome, jobTitle, startedByName } from './job-text';

describe('a job in words', () => {
  it('names what it is', () => {
    expect(jobTitle(job({ kind: 'verify', options: { level: 'full' } }))).toBe('Full integrity check');
    expect(jobTitle(job({ kind: 'migrate', options: { to: '1.2.0', backup: true } }))).toBe('Migration to 1.2.0');
    expect(jobTitle(job({ kind: 'query', options: { sql: 'SELECT   file_id,\n  original_filename FROM conversation_files WHERE 1' } }))).toBe(
      'Query: SELECT file_id, original_filename FROM c…',
    );
  });

  it('says how it ended', () => {
    expect(jobOutcome(job({ state: 'cancelled', error: { code: 'CANCELLED', message: 'The backup was cancelled.' } }))).toBe('Cancelled');
    expect(jobOutcome(job({ state: 'failed', error: { code: 'LOCKED', message: 'It stayed locked.' } }))).toBe('It stayed locked.');
    expect(jobOutcome(job({ kind: 'migrate', state: 'done', result: { from: '1.0.0', to: '1.2.0', upToDate: false } }))).toBe('1.0.0 → 1.2.0');
    expect(jobOutcome(job({ kind: 'query', state: 'done', result: null }))).toBe('Done');
  });

  it('says where a rolling migrate is seen and how it ended: every deployment at the version, or halted', () => {
    const deployments = [{ version: '1.2.0' }, { version: '1.0.0' }, { version: '1.0.0' }];
    const halted = job({
      kind: 'fleetMigrate',
      db: 'fleet',
      state: 'done',
      options: { to: '1.2.0', parallel: 1 },
      result: { outcome: 'halted', to: '1.2.0', deployments },
    });
    expect(jobTitle(halted)).toBe('Rolling migrate to 1.2.0');
    expect(jobHref(halted)).toBe('#/fleet');
    expect(jobOutcome(halted)).toBe('Halted: 1 of 3 at 1.2.0');
    expect(jobEnding(halted)).toBe('halted');
    const completed = job({
      kind: 'fleetMigrate',
      db: 'fleet',
      state: 'done',
      options: { to: '1.2.0' },
      result: { outcome: 'completed', to: '1.2.0', deployments: deployments.map(() => ({ version: '1.2.0' })) },
    });
    expect([jobOutcome(completed), jobEnding(completed)]).toEqual(['All 3 deployments at 1.2.0', 'done']);
    // Completed, but one was left at the target unhealthy: said, and never marked a plain success.
    const sick = [
      { version: '1.2.0', outcome: 'migrated', health: { status: 'healthy' } },
      { version: '1.2.0', outcome: 'already at target', health: { status: 'unhealthy' } },
    ];
    const completedSick = job({
      kind: 'fleetMigrate',
      db: 'fleet',
      state: 'done',
      options: { to: '1.2.0' },
      result: { outcome: 'completed', to: '1.2.0', deployments: sick },
    });
    expect([jobOutcome(completedSick), jobEnding(completedSick)]).toEqual(['All 2 deployments at 1.2.0; 1 unhealthy', 'problems']);
    expect(jobHref(job({ kind: 'backup', db: 'main' }))).toBe('#/db/main/backups');
  });

  it('names a Verify all or Back up all, sends it to the Fleet page, and says how it came out', () => {
    const result = (d: { status: string; backedUp?: boolean }[], notDone: unknown[] = [], action = 'backup') => ({
      action,
      deployments: d,
      notDone,
      stoppedBecause: notDone.length ? 'it was stopped' : null,
    });
    const backedUp = job({
      kind: 'fleetBackup',
      db: 'fleet',
      state: 'done',
      options: { parallel: 2 },
      result: result([
        { status: 'unreachable', backedUp: false },
        { status: 'unhealthy', backedUp: false },
        { status: 'healthy', backedUp: true },
      ]),
    });
    expect([jobTitle(backedUp), jobHref(backedUp), jobOutcome(backedUp), jobEnding(backedUp)]).toEqual([
      'Back up all',
      '#/fleet',
      '1 of 3 backed up; 1 failed, 1 unreachable',
      'problems',
    ]);
    const stopped = job({
      kind: 'fleetBackup',
      db: 'fleet',
      state: 'done',
      options: { parallel: 1, group: 'staging' },
      result: result([{ status: 'degraded', backedUp: true }], [{ name: 'b' }, { name: 'c' }]),
    });
    expect([jobTitle(stopped), jobOutcome(stopped), jobEnding(stopped)]).toEqual(['Back up all in staging', 'Stopped: 1 of 3 backed up', 'cancelled']);
    const verified = job({
      kind: 'fleetVerify',
      db: 'fleet',
      state: 'done',
      options: { level: 'full', parallel: 4 },
      result: result([{ status: 'degraded' }, { status: 'healthy' }, { status: 'healthy' }], [], 'verify'),
    });
    expect([jobTitle(verified), jobOutcome(verified), jobEnding(verified)]).toEqual(['Verify all (full)', '3 verified: 1 degraded, 2 healthy', 'done']);
  });

  it('names who started it: the operator, or the user of a host that acts for nobody else', () => {
    expect(startedByName(job({ startedBy: 'Zoë Álvarez via warden serve (ops@vm1, pid 7)' }))).toBe('Zoë Álvarez');
    expect(startedByName(job({ startedBy: 'ops@vm1 (pid 7)' }))).toBe('ops@vm1');
  });
});
