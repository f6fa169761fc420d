import { Gauge, Registry } from 'prom-client';
import type { DatabaseHealth, HealthStatus } from '../../shared/types/status';

// GET /metrics: what the host last found about each database, in Prometheus' text format, so
// existing monitoring can alert on it. Everything comes from the host's periodic check; a scrape
// runs nothing new (at most the one refresh GET /api/health would run).

/** One database as the last check saw it. */
export interface DatabaseSample {
  health: DatabaseHealth;
  /** How long the check (status + quick_check) took. */
  checkMs: number;
  /** When the newest backup that passed its check was taken (null: none). */
  lastVerifiedBackupAt: string | null;
}

/** 0 healthy, 1 degraded (not initialized counts as degraded, as in the health document), 2 unhealthy. */
export const STATUS_VALUE: Record<HealthStatus, number> = { healthy: 0, not_initialized: 1, degraded: 1, unhealthy: 2 };

/** A version as one number, as `PRAGMA user_version` mirrors it: 1.2.0 → 1002000, an ordered version (20240101120000) as itself (0: no version). */
export function versionNumber(version: string | null): number {
  if (version === null) return 0;
  if (/^\d+$/.test(version)) return Number(version);
  const [major, minor, patch] = version.split('.').map(Number);
  return major * 1_000_000 + minor * 1_000 + patch;
}

export const METRICS_CONTENT_TYPE = new Registry().contentType;

export async function metricsText(samples: DatabaseSample[], now: number = Date.now()): Promise<string> {
  const registry = new Registry();
  const gauge = (name: string, help: string, labelNames: string[] = ['database']) => new Gauge({ name, help, labelNames, registers: [registry] });
  const info = gauge('warden_database_info', 'Always 1; the labels say which schema version each database is at and the latest known.', [
    'database',
    'schema_version',
    'latest',
  ]);
  const version = gauge('warden_database_schema_version', 'The schema version as major*1000000 + minor*1000 + patch (0: not initialized).');
  const status = gauge('warden_database_status', 'Status: 0 healthy, 1 degraded (pending migrations, extra objects, not initialized), 2 unhealthy.');
  const state = gauge('warden_database_state', '1 for the state the database is in, 0 for the others.', ['database', 'state']);
  const pending = gauge('warden_database_pending_migrations', 'Migrations known but not applied.');
  const problems = gauge('warden_database_problems', 'Problems the last check found (drift, failed checks).');
  const backupAge = gauge(
    'warden_database_last_verified_backup_age_seconds',
    'Seconds since the newest backup that passed its check was taken; absent when there is none.',
  );
  const checkDuration = gauge('warden_database_check_duration_seconds', 'How long the last check (status and quick_check) took.');
  const checkedAt = gauge('warden_database_last_check_timestamp_seconds', 'When the database was last checked (Unix time).');

  for (const { health, checkMs, lastVerifiedBackupAt } of samples) {
    const database = health.name;
    info.set({ database, schema_version: health.version ?? 'none', latest: health.latest ?? 'unknown' }, 1);
    version.set({ database }, versionNumber(health.version));
    status.set({ database }, STATUS_VALUE[health.status]);
    for (const s of Object.keys(STATUS_VALUE) as HealthStatus[]) state.set({ database, state: s }, s === health.status ? 1 : 0);
    pending.set({ database }, health.pending.length);
    problems.set({ database }, health.problems.length);
    if (lastVerifiedBackupAt !== null) backupAge.set({ database }, Math.max(0, (now - Date.parse(lastVerifiedBackupAt)) / 1000));
    checkDuration.set({ database }, checkMs / 1000);
    checkedAt.set({ database }, Date.parse(health.checkedAt) / 1000);
  }
  return registry.metrics();
}
