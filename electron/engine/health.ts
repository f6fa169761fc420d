import type { ComponentHealth, DatabaseHealth, HealthDocument } from '../../shared/types';
import { nowIso } from './actor';
import type { EngineContext } from './context';
import { status } from './status';

// The health endpoint's view of a database: its status (versions, pending, drift and quick_check,
// judged once in status.ts). Never the full integrity check: a load balancer polls this.

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** How one database is doing, in the health document's terms; a failure to read it is reported, not thrown. */
export function databaseHealth(ctx: EngineContext, name: string): DatabaseHealth {
  const entry = (found: Omit<DatabaseHealth, 'name' | 'path' | 'latest' | 'checkedAt'>): DatabaseHealth => {
    const { status: state, reason, version, pending, problems } = found;
    return { name, path: ctx.dbPath, status: state, reason, version, latest: ctx.schema.latest, pending, problems, checkedAt: nowIso() };
  };
  try {
    const report = status(ctx);
    return entry({ status: report.status, reason: report.reason, version: report.version, pending: report.pending, problems: report.problems.map((p) => p.message) });
  } catch (err) {
    // An unreadable, corrupt, locked or foreign file is exactly what the endpoint exists to report.
    const reason = messageOf(err);
    return entry({ status: 'unhealthy', reason, version: null, pending: [], problems: [reason] });
  }
}

function componentOf(db: DatabaseHealth): ComponentHealth {
  if (db.status === 'healthy' || db.status === 'not_initialized') return db.status;
  return db.status === 'degraded' ? `degraded: ${db.reason}` : `error: ${db.reason}`;
}

/** The health document: the worst database decides; not initialized or behind is degraded, not down. */
export function healthDocument(databases: DatabaseHealth[], timestamp: string = nowIso()): HealthDocument {
  const overall = databases.some((d) => d.status === 'unhealthy')
    ? 'unhealthy'
    : databases.some((d) => d.status !== 'healthy')
      ? 'degraded'
      : 'healthy';
  const database: HealthDocument['components']['database'] = { schema_version: databases[0]?.version ?? null };
  for (const db of databases) database[db.name] = componentOf(db);
  return { status: overall, timestamp, components: { database, backend: 'running' }, databases };
}
