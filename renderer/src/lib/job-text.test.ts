import { describe, expect, it } from 'vitest';
import { job } from '../test/fixtures';
import { jobEnding, jobHref, jobOutcome, jobTitle, startedByName } from './job-text';

describe('a job in words', () => {
  it('names what it is', () => {
    expect(jobTitle(job({ kind: 'verify', options: { level: 'full' } }))).toBe('Full integrity check');
    expect(jobTitle(job({ kind: 'migrate', options: { to: '1.2.0', backup: true } }))).toBe('Migration to 1.2.0');
    expect(jobTitle(job({ kind: 'query', options: { sql: 'SELECT   file_id,\n  original_filename FROM conversation_files WHERE 1' } }))).toBe('Query: SELECT file_id, original_filename FROM c…');
  });

  it('says how it ended', () => {
    expect(jobOutcome(job({ state: 'cancelled', error: { code: 'CANCELLED', message: 'The backup was cancelled.' } }))).toBe('Cancelled');
    expect(jobOutcome(job({ state: 'failed', error: { code: 'LOCKED', message: 'It stayed locked.' } }))).toBe('It stayed locked.');
    expect(jobOutcome(job({ kind: 'migrate', state: 'done', result: { from: '1.0.0', to: '1.2.0', upToDate: false } }))).toBe('1.0.0 → 1.2.0');
    expect(jobOutcome(job({ kind: 'query', state: 'done', result: null }))).toBe('Done');
  });

  it('says where a rolling migrate is seen and how it ended: every deployment at the version, or halted', () => {
    const deployments = [{ version: '1.2.0' }, { version: '1.0.0' }, { version: '1.0.0' }];
    const halted = job({ kind: 'fleetMigrate', db: 'fleet', state: 'done', options: { to: '1.2.0', parallel: 1 }, result: { outcome: 'halted', to: '1.2.0', deployments } });
    expect(jobTitle(halted)).toBe('Rolling migrate to 1.2.0');
    expect(jobHref(halted)).toBe('#/fleet');
    expect(jobOutcome(halted)).toBe('Halted: 1 of 3 at 1.2.0');
    expect(jobEnding(halted)).toBe('halted');
    const completed = job({ kind: 'fleetMigrate', db: 'fleet', state: 'done', options: { to: '1.2.0' }, result: { outcome: 'completed', to: '1.2.0', deployments: deployments.map(() => ({ version: '1.2.0' })) } });
    expect([jobOutcome(completed), jobEnding(completed)]).toEqual(['All 3 deployments at 1.2.0', 'done']);
    expect(jobHref(job({ kind: 'backup', db: 'main' }))).toBe('#/db/main/backups');
  });

  it('names who started it: the operator, or the user of a host that acts for nobody else', () => {
    expect(startedByName(job({ startedBy: 'Zoë Álvarez via warden serve (ops@vm1, pid 7)' }))).toBe('Zoë Álvarez');
    expect(startedByName(job({ startedBy: 'ops@vm1 (pid 7)' }))).toBe('ops@vm1');
  });
});
