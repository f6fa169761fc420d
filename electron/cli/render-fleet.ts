import type {
  DeploymentStatus,
  FleetActionReport,
  FleetState,
  FleetStatusReport,
  RolloutReport,
  SchemaComparison,
  SchemaDifference,
} from '../../shared/types/fleet';
import { table } from './output';

// Text output of `warden fleet …`.

export const STATE_BADGE: Record<FleetState, string> = {
  healthy: 'HEALTHY',
  degraded: 'DEGRADED',
  not_initialized: 'NOT INITIALIZED',
  unhealthy: 'UNHEALTHY',
  unreachable: 'UNREACHABLE',
  waiting: 'WAITING',
  locked: 'LOCKED',
};

/** Nothing is known of it (yet): its columns say so rather than "none". */
const unknown = (d: DeploymentStatus) => d.status === 'unreachable' || d.status === 'waiting' || d.status === 'locked';

export function formatAge(seconds: number): string {
  if (seconds < 90) return `${seconds} s ago`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 36 * 3600) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86400)} d ago`;
}

function driftCell(d: DeploymentStatus): string {
  if (unknown(d)) return '-';
  const { errors, warnings } = d.drift;
  if (errors + warnings === 0) return 'none';
  return [errors && `${errors} error(s)`, warnings && `${warnings} warning(s)`].filter(Boolean).join(', ');
}

function backupCell(d: DeploymentStatus): string {
  if (unknown(d)) return '-';
  return d.lastVerifiedBackup ? `${formatAge(d.lastVerifiedBackup.ageSeconds)} (${d.lastVerifiedBackup.createdAt})` : 'none';
}

export function renderFleetStatus(report: FleetStatusReport): string {
  const rows = report.deployments.map((d) => [
    STATE_BADGE[d.status],
    d.name,
    d.group,
    d.version ?? '-',
    d.pending.length ? d.pending.join(', ') : unknown(d) ? '-' : 'none',
    driftCell(d),
    backupCell(d),
    d.checkedAt,
  ]);
  const why = report.deployments.filter((d) => d.status !== 'healthy' || d.waitingSince !== undefined).map((d) => `  ${d.name} (${d.address}): ${d.reason}`);
  const waiting = report.deployments.filter((d) => d.waitingSince !== undefined).length;
  return [
    `Fleet ${report.fleet}: ${report.deployments.length} deployment(s), worst ${STATE_BADGE[report.worst]} (checked in ${report.durationMs} ms${waiting ? `; ${waiting} still waiting for an answer` : ''})`,
    '',
    table(['STATE', 'NAME', 'GROUP', 'VERSION', 'PENDING', 'DRIFT', 'LAST VERIFIED BACKUP', 'CHECKED AT'], rows),
    ...(why.length ? ['', 'Why:', ...why] : []),
  ].join('\n');
}

export function renderFleetAction(report: FleetActionReport): string {
  const done = report.action === 'verify' ? 'verified' : 'backed up';
  return [
    `Fleet ${report.fleet}: ${report.deployments.length} deployment(s) ${done}${report.worst === null ? ' (none was done)' : `, worst ${STATE_BADGE[report.worst]}`}`,
    '',
    table(
      ['STATE', 'NAME', 'GROUP', 'VERSION', 'TOOK', report.action === 'verify' ? 'WHY' : 'BACKUP'],
      report.deployments.map((d) => [STATE_BADGE[d.status], d.name, d.group, d.version ?? '-', `${d.durationMs} ms`, d.detail]),
    ),
    ...(report.stoppedBecause
      ? [
          '',
          `Stopped: ${report.stoppedBecause}.`,
          table(
            ['NOT DONE', 'GROUP', 'WHY'],
            report.notDone.map((d) => [d.name, d.group, d.detail]),
          ),
        ]
      : []),
  ].join('\n');
}

const CHANGE_WORDS: Record<SchemaDifference['change'], string> = { 'only-in-a': 'only in A', 'only-in-b': 'only in B', changed: 'differs' };

export function renderComparison(c: SchemaComparison): string {
  const side = (label: string, s: SchemaComparison['a']) => `${label}  ${s.name} (${s.address}) at ${s.version ?? 'no version'}, ${s.objects} object(s)`;
  const head = [side('A', c.a), side('B', c.b), ''];
  if (c.same) return [...head, 'Same schema: every table, column, CHECK, index, trigger and view matches.'].join('\n');
  const lines = c.differences.map((d) => {
    const where = d.table && d.table !== d.name ? `${d.table}.${d.name}` : d.name;
    const detail =
      d.change === 'changed' && d.a !== null
        ? `\n      A: ${d.a.split('\n').join('\n         ')}\n      B: ${(d.b ?? '').split('\n').join('\n         ')}`
        : '';
    return `  ${CHANGE_WORDS[d.change].padEnd(9)}  ${d.kind} ${where}${detail}`;
  });
  return [...head, `${c.differences.length} difference(s):`, ...lines].join('\n');
}

/** Deployments a rollout left unhealthy or degraded (at the target or not): a completed rollout is not a healthy fleet. */
export function unwellAfterRollout(r: RolloutReport): RolloutReport['deployments'] {
  return r.deployments.filter((d) => d.health !== undefined && d.health.status !== 'healthy');
}

export function renderRollout(r: RolloutReport): string {
  const rows = r.deployments.map((d) => [
    d.name + (d.canary ? ' (canary)' : ''),
    d.group,
    d.from ?? '-',
    d.version ?? 'unknown',
    d.health && d.health.status !== 'healthy' ? `${d.outcome}, ${STATE_BADGE[d.health.status]}` : d.outcome,
    d.health && d.health.status !== 'healthy' ? `${d.detail} ${STATE_BADGE[d.health.status]}: ${d.health.reason}` : d.detail,
  ]);
  const unwell = unwellAfterRollout(r);
  const completed = unwell.length
    ? `Rollout of ${r.to} COMPLETED on ${r.deployments.length} deployment(s) in ${r.durationMs} ms, but ${unwell.map((d) => `${d.name} is ${STATE_BADGE[d.health!.status]}`).join(', ')}: the rollout does not repair them.`
    : `Rollout of ${r.to} COMPLETED on ${r.deployments.length} deployment(s) in ${r.durationMs} ms.`;
  return [
    r.outcome === 'completed' ? completed : `Rollout of ${r.to} HALTED: ${r.haltedBecause}.`,
    '',
    'Which deployment is at which version:',
    table(['NAME', 'GROUP', 'WAS', 'NOW', 'OUTCOME', 'DETAIL'], rows),
  ].join('\n');
}
