import { describe, expect, it } from 'vitest';
import type { DeploymentStatus } from '../../../../shared/types/fleet';
import { predict } from './rollout-prediction';

// What the rollout dialog foresees from a deployment's last status: every case a rollout's own rules decide.

const AT = new Date().toISOString();
const status = (state: DeploymentStatus['status'], extra: Partial<DeploymentStatus> = {}): DeploymentStatus => ({
  name: 'vm1',
  group: 'production',
  address: '/srv/vm1.db',
  status: state,
  reason: 'Its reason.',
  version: '1.0.0',
  latest: '1.2.0',
  pending: ['1.1.0', '1.2.0'],
  drift: { errors: 0, warnings: 0, first: null },
  lastVerifiedBackup: null,
  checkedAt: AT,
  ...extra,
});

describe('what the rollout dialog foresees', () => {
  it('one behind the target migrates, in so many steps; one at it is left as it is, said unhealthy when it is', () => {
    expect(predict(status('degraded'), '1.1.0')).toEqual({ foreseen: 'migrates', why: '1.0.0 → 1.1.0, one step', includedByDefault: true });
    expect(predict(status('degraded'), '1.2.0').why).toBe('1.0.0 → 1.2.0, 2 steps');
    expect(predict(status('healthy', { version: '1.2.0', pending: [] }), '1.2.0')).toEqual({
      foreseen: 'at target',
      why: 'it is at 1.2.0 already: the rollout leaves it as it is',
      includedByDefault: true,
    });
    expect(predict(status('unhealthy', { version: '1.2.0', pending: [], reason: 'Table files is missing.' }), '1.2.0').why).toBe(
      'it is at 1.2.0 already, but unhealthy (Table files is missing): the rollout leaves it as it is and does not repair it',
    );
  });

  it('foresees a failure where the rollout would halt: unreachable (left out by default), newer than the target, a target its schema does not know, unhealthy behind it', () => {
    expect(predict(status('unreachable', { version: null, reason: 'ECONNREFUSED.' }), '1.2.0')).toEqual({
      foreseen: 'fails',
      why: 'it cannot be reached: ECONNREFUSED',
      includedByDefault: false,
    });
    expect(predict(status('healthy', { version: '1.3.0', latest: '1.3.0', pending: [] }), '1.2.0')).toMatchObject({
      foreseen: 'fails',
      why: 'it is at 1.3.0, newer than 1.2.0: a rollout never downgrades',
      includedByDefault: true,
    });
    expect(predict(status('degraded', { latest: '1.1.0', pending: ['1.1.0'] }), '1.2.0')).toMatchObject({
      foreseen: 'fails',
      why: 'its schema does not know 1.2.0 (its newest is 1.1.0)',
    });
    expect(predict(status('unhealthy', { reason: 'Index idx_a is missing.' }), '1.2.0')).toMatchObject({
      foreseen: 'fails',
      why: expect.stringMatching(/^it is unhealthy \(Index idx_a is missing\).*will most likely fail$/),
    });
  });

  it('does not guess for one whose version is not known now: still waiting, or its database busy', () => {
    expect(predict(status('waiting', { version: null }), '1.2.0')).toMatchObject({ foreseen: 'not known', includedByDefault: true });
    expect(predict(status('locked', { version: null, reason: 'It is held by pid 42.' }), '1.2.0')).toMatchObject({
      foreseen: 'not known',
      why: 'its database was busy when last asked (It is held by pid 42); its rehearsal waits for it',
    });
  });
});
