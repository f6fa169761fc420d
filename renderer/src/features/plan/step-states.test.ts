import { describe, expect, it } from 'vitest';
import { stepStates } from './step-states';

const steps = [{ version: '1.1.0' }, { version: '1.2.0' }];
const idle = { running: false, phase: null, applied: null, error: null };

describe('stepStates', () => {
  it('is all pending before a run', () => {
    expect(stepStates(steps, idle).map((s) => s.state)).toEqual(['pending', 'pending']);
  });

  it('follows the host progress phase during a run', () => {
    const states = stepStates(steps, { ...idle, running: true, phase: 'applying 1.2.0 storage backend' });
    expect(states.map((s) => s.state)).toEqual(['applied', 'running']);
  });

  it('shows each step applied, with its time, after a run', () => {
    const applied = [
      { version: '1.1.0', description: 'a', executionMs: 12 },
      { version: '1.2.0', description: 'b', executionMs: 30 },
    ];
    expect(stepStates(steps, { ...idle, applied })).toEqual([
      { state: 'applied', executionMs: 12 },
      { state: 'applied', executionMs: 30 },
    ]);
  });

  it('names the failing step from the error, earlier steps done', () => {
    const error = { code: 'MIGRATION_FAILED' as const, message: 'Migration 1.2.0 failed at line 3.', details: { version: '1.2.0' } };
    expect(stepStates(steps, { ...idle, error })).toEqual([
      { state: 'applied', executionMs: null },
      { state: 'failed', message: 'Migration 1.2.0 failed at line 3.' },
    ]);
  });
});
