import type { HealthStatus } from '../../../../shared/types/status';
import { errorInfoOf } from '../../api/api-error';
import { plural } from '../../lib/format';

// Where a database stands, for the landing's worst-first list: the verdict every view shows, plus
// the two ways a status can fail to arrive (a file that cannot be read, a lock to wait for).

export type Standing = 'unhealthy' | 'unreadable' | 'locked' | 'attention' | 'checking' | 'healthy';

/** Worst first. */
export const STANDING_ORDER: readonly Standing[] = ['unhealthy', 'unreadable', 'locked', 'attention', 'checking', 'healthy'];

const SUMMARY_WORDS: Record<Standing, string> = {
  unhealthy: 'unhealthy',
  unreadable: 'cannot be read',
  locked: 'locked',
  attention: 'need attention',
  checking: 'being checked',
  healthy: 'healthy',
};

export interface HealthReading {
  isPending: boolean;
  error: unknown;
  verdict: { status: HealthStatus } | undefined;
}

export function standingOf(health: HealthReading): Standing {
  if (health.error != null) return errorInfoOf(health.error).code === 'LOCKED' ? 'locked' : 'unreadable';
  if (health.isPending || !health.verdict) return 'checking';
  const { status } = health.verdict;
  if (status === 'unhealthy') return 'unhealthy';
  return status === 'healthy' ? 'healthy' : 'attention'; // degraded or not initialized: something to do
}

/** "8 databases: 2 unhealthy, 1 cannot be read, 2 need attention, 3 healthy" (worst first, none left out, no zeros). */
export function summaryLine(standings: Standing[]): string {
  const parts = STANDING_ORDER.map((s) => [s, standings.filter((x) => x === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${SUMMARY_WORDS[s]}`);
  return `${plural(standings.length, 'database')}${parts.length ? `: ${parts.join(', ')}` : ''}`;
}

/** Sorts worst first; equals keep their order (the host's). */
export function worstFirst<T>(items: T[], standing: (item: T) => Standing): T[] {
  return items
    .map((item, index) => ({ item, index, rank: STANDING_ORDER.indexOf(standing(item)) }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map((x) => x.item);
}
