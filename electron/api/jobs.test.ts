import { describe, expect, it } from 'vitest';
import { estimatedMsLeft } from '../../shared/job-progress';
import type { Job } from '../../shared/types/jobs';
import { Jobs } from './jobs';

// The registry on its own, with a clock the test moves.

function registry(keep = 3) {
  const announced: Job[] = [];
  let now = Date.parse('2026-11-30T10:00:00.000Z');
  const jobs = new Jobs(
    (job) => announced.push(job),
    keep,
    () => new Date(now),
  );
  return { jobs, announced, advance: (ms: number) => (now += ms) };
}

const backupOf = (id: string) => ({ id, kind: 'backup' as const, db: 'shop', options: {}, startedBy: 'alice via warden serve (ops@vm1, pid 7)' });

describe('Jobs', () => {
  it('announces a job when it starts and when it ends, with its result, times and who started it', () => {
    const { jobs, announced, advance } = registry();
    const job = jobs.start(backupOf('op-backup-1'));
    expect(announced).toHaveLength(1);
    expect(announced[0]).toMatchObject({
      id: 'op-backup-1',
      state: 'running',
      startedAt: '2026-11-30T10:00:00.000Z',
      endedAt: null,
      startedBy: 'alice via warden serve (ops@vm1, pid 7)',
    });
    advance(1500);
    job.done({ name: 'shop-backup.sqlite' });
    expect(announced).toHaveLength(2);
    expect(announced[1]).toMatchObject({ state: 'done', result: { name: 'shop-backup.sqlite' }, endedAt: '2026-11-30T10:00:01.500Z' });
    // An end reported twice (a late failure after the result) changes nothing.
    job.failed({ code: 'INTERNAL', message: 'late' });
    expect(announced).toHaveLength(2);
    expect(jobs.list()).toEqual([announced[1]]);
  });

  it('tells a cancelled job from a failed one by the error code', () => {
    const { jobs } = registry();
    jobs.start(backupOf('op-a-000001')).failed({ code: 'CANCELLED', message: 'The backup was cancelled.' });
    jobs.start(backupOf('op-b-000001')).failed({ code: 'LOCKED', message: 'Locked.' });
    expect(jobs.list().map((j) => [j.id, j.state, j.error?.code])).toEqual([
      ['op-b-000001', 'failed', 'LOCKED'],
      ['op-a-000001', 'cancelled', 'CANCELLED'],
    ]);
  });

  it('lists the running jobs first, then the ended ones newest first, keeping only the last few that ended', () => {
    const { jobs } = registry(3);
    const running = jobs.start(backupOf('op-running-1'));
    for (let n = 1; n <= 5; n++) jobs.start(backupOf(`op-ended-${n}`)).done(n);
    expect(jobs.list().map((j) => j.id)).toEqual(['op-running-1', 'op-ended-5', 'op-ended-4', 'op-ended-3']);
    running.done('finally');
    expect(jobs.list().map((j) => j.id)).toEqual(['op-running-1', 'op-ended-5', 'op-ended-4']);
  });

  it('keeps the last job of each kind that ended well on each database beyond the recent ones', () => {
    const { jobs, advance } = registry(2);
    jobs.start({ ...backupOf('op-rehearse-1'), kind: 'rehearse' }).done({ ok: true });
    advance(1);
    jobs.start({ ...backupOf('op-rehearse-2'), kind: 'rehearse', db: 'other' }).done({ ok: true });
    advance(1);
    jobs.start({ ...backupOf('op-rehearse-3'), kind: 'rehearse' }).failed({ code: 'LOCKED', message: 'Locked.' });
    for (let n = 1; n <= 3; n++) jobs.start(backupOf(`op-backup-${n}`)).done(n);
    // Recent: the last two backups; then the last good rehearsal of each database, newest first. The failed one is gone.
    expect(jobs.list().map((j) => j.id)).toEqual(['op-backup-3', 'op-backup-2', 'op-rehearse-2', 'op-rehearse-1']);
    // A newer good one replaces it.
    jobs.start({ ...backupOf('op-rehearse-4'), kind: 'rehearse' }).done({ ok: false });
    expect(jobs.list().map((j) => j.id)).toEqual(['op-rehearse-4', 'op-backup-3', 'op-rehearse-2']);
  });

  it('keeps the latest progress and the start of its phase, from which the time left is estimated', () => {
    const { jobs, advance } = registry();
    const job = jobs.start(backupOf('op-progress'));
    const progress = (done: number, phase = 'copying pages') => ({ operation: 'backup', phase, done, total: 1000, unit: 'pages' as const, pageSize: 4096 });
    job.progress(progress(100));
    advance(2000);
    job.progress(progress(300)); // 200 pages in 2 s: 700 left take 7 s
    const [seen] = jobs.list();
    expect(seen).toMatchObject({ progress: { done: 300, total: 1000 }, phaseStartedAt: '2026-11-30T10:00:00.000Z', phaseStartDone: 100 });
    expect(estimatedMsLeft(seen, Date.parse('2026-11-30T10:00:02.000Z'))).toBe(7000);
    // A new phase starts its own rate: no estimate until it has moved.
    job.progress(progress(0, 'computing SHA-256'));
    const [next] = jobs.list();
    expect(next).toMatchObject({ phaseStartedAt: '2026-11-30T10:00:02.000Z', phaseStartDone: 0 });
    expect(estimatedMsLeft(next, Date.parse('2026-11-30T10:00:02.000Z'))).toBeNull();
  });
});
