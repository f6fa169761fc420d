import type { HealthStatus, HistoryReport, InitializeResult, StatusReport, VerifyReport } from '../../shared/types';
import { formatBytes, problemTable, table } from './output';

// Human output of each command: a few labelled lines, then a table where there is a list.

const BADGE: Record<HealthStatus, string> = {
  healthy: 'HEALTHY',
  degraded: 'DEGRADED',
  unhealthy: 'UNHEALTHY',
  not_initialized: 'NOT INITIALIZED',
};

function labelled(pairs: [string, string][]): string {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}

export function renderStatus(report: StatusReport): string {
  const file = report.exists
    ? `${report.path} (${formatBytes(report.sizeBytes)}, journal ${report.journalMode}, SQLite ${report.sqliteVersion})`
    : `${report.path} (does not exist yet)`;
  const lines = labelled([
    ['Database', file],
    ['Schema', `${report.schema}, latest ${report.latest}`],
    ['Version', report.version ?? (report.legacy ? `none (legacy ${report.legacy.table} = ${report.legacy.legacyVersion})` : 'none')],
    ['Pending', report.pending.length ? report.pending.join(', ') : 'none'],
    ['Status', `${BADGE[report.status]}: ${report.reason}`],
  ]);
  return report.problems.length ? `${lines}\n\n${problemTable(report.problems)}` : lines;
}

export function renderVerify(report: VerifyReport): string {
  const integrity = report.integrity.ok ? 'ok' : `FAILED (${report.integrity.messages.length} message(s))`;
  const lines = labelled([
    ['Database', report.path],
    ['Version', report.version ?? 'none'],
    ['Integrity', `${report.integrity.level === 'quick' ? 'quick_check' : 'integrity_check + foreign_key_check'}: ${integrity}`],
    ['Status', `${BADGE[report.status]}: ${report.reason}`],
    ['Took', `${report.durationMs} ms`],
  ]);
  return report.problems.length ? `${lines}\n\n${problemTable(report.problems)}` : `${lines}\n\nNo problems found.`;
}

export function renderInitialize(result: InitializeResult): string {
  if (result.upToDate) return `${result.path} is at ${result.to}: nothing to do.`;
  const steps = table(
    ['VERSION', 'TOOK', 'DESCRIPTION'],
    result.applied.map((s) => [s.version, `${s.executionMs} ms`, s.description]),
  );
  return `${result.path}: ${result.from ?? 'fresh'} → ${result.to}\n\n${steps}`;
}

export function renderHistory(report: HistoryReport): string {
  const versions = table(
    ['VERSION', 'KIND', 'APPLIED AT', 'TOOK', 'BY', 'DESCRIPTION'],
    report.versions.map((v) => [v.version, v.kind ?? '', v.appliedAt, v.executionMs === null ? '' : `${v.executionMs} ms`, v.appliedBy ?? '', v.description ?? '']),
  );
  const events = table(
    ['AT', 'ACTION', 'VERSION', 'OUTCOME', 'BY'],
    report.events.map((e) => [e.at, e.action, e.version ?? '', e.outcome, e.actor]),
  );
  return `Versions of ${report.path} (current: ${report.version ?? 'none'})\n\n${versions}\n\nEvents, newest first\n\n${events}`;
}
