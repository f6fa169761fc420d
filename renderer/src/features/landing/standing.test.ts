import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/api-error';
import { standingOf, summaryLine, worstFirst, type Standing } from './standing';

const verdict = (status: 'healthy' | 'degraded' | 'unhealthy' | 'not_initialized') => ({ isPending: false, error: null, verdict: { status } });

describe('standing', () => {
  it('tells a lock apart from a file that cannot be read, and groups what needs doing', () => {
    expect(standingOf({ isPending: false, error: new ApiError({ code: 'LOCKED', message: 'locked' }), verdict: undefined })).toBe('locked');
    expect(standingOf({ isPending: false, error: new ApiError({ code: 'NOT_A_DATABASE', message: 'no' }), verdict: undefined })).toBe('unreadable');
    expect(standingOf({ isPending: true, error: null, verdict: undefined })).toBe('checking');
    expect(standingOf(verdict('unhealthy'))).toBe('unhealthy');
    expect(standingOf(verdict('degraded'))).toBe('attention');
    expect(standingOf(verdict('not_initialized'))).toBe('attention');
    expect(standingOf(verdict('healthy'))).toBe('healthy');
  });

  it('sums up all databases in one line, worst first, without zeros', () => {
    const eight: Standing[] = ['healthy', 'attention', 'unhealthy', 'healthy', 'unreadable', 'attention', 'unhealthy', 'healthy'];
    expect(summaryLine(eight)).toBe('8 databases: 2 unhealthy, 1 cannot be read, 2 need attention, 3 healthy');
    expect(summaryLine(['healthy'])).toBe('1 database: 1 healthy');
    expect(summaryLine(['locked', 'checking'])).toBe('2 databases: 1 locked, 1 being checked');
  });

  it('puts the worst first and keeps the host order among equals', () => {
    const rows = [
      { id: 'a', s: 'healthy' as const },
      { id: 'b', s: 'attention' as const },
      { id: 'c', s: 'unhealthy' as const },
      { id: 'd', s: 'locked' as const },
      { id: 'e', s: 'healthy' as const },
      { id: 'f', s: 'unreadable' as const },
    ];
    expect(worstFirst(rows, (r) => r.s).map((r) => r.id)).toEqual(['c', 'f', 'd', 'b', 'a', 'e']);
  });
});
