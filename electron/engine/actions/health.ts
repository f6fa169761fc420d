import type { ComponentHealth, DatabaseHealth, HealthDocument, PublicHealthDocument, StatusReport } from '../../../shared/types/status';
import { nowIso } from '../core/history/actor';
import type { EngineContext } from '../context';
import { status } from './status';

// The health endpoint's view of a database: its status (versions, pending, drift and quick_check,
// judged once in status.ts). Never the full integrity check: a load balancer polls this.

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** One check of a database: its status for the consoles (null when it cannot be read) and its health entry. */
export interface HealthCheck {
  status: StatusReport | null;
  health: DatabaseHealth;
}

/** Checks one database; a failure to read it is reported, not thrown. */
export function checkHealth(ctx: EngineContext, name: string): HealthCheck {
  const entry = (found: Pick<DatabaseHealth, 'status' | 'reason' | 'version' | 'pending' | 'problems' | 'checkedAt'>): DatabaseHealth => ({
    name,
    path: ctx.dbPath,
    latest: ctx.schema.latest,
    ...found,
  });
  try {
    const report = status(ctx);
    const { status: state, reason, version, pending, problems, checkedAt } = report;
    return { status: report, health: entry({ status: state, reason, version, pending, problems: problems.map((p) => p.message), checkedAt }) };
  } catch (err) {
    // An unreadable, locked or foreign file is exactly what the endpoint exists to report.
    const reason = messageOf(err);
    return { status: null, health: entry({ status: 'unhealthy', reason, version: null, pending: [], problems: [reason], checkedAt: nowIso() }) };
  }
}

/** How one database is doing, in the health document's terms. */
export function databaseHealth(ctx: EngineContext, name: string): DatabaseHealth {
  return checkHealth(ctx, name).health;
}

function componentOf(db: DatabaseHealth): ComponentHealth {
  if (db.status === 'healthy' || db.status === 'not_initialized') return db.status;
  return db.status === 'degraded' ? `degraded: ${db.reason}` : `error: ${db.reason}`;
}

/** The health document: the worst database decides; not initialized or behind is degraded, not down. */
export function healthDocument(databases: DatabaseHealth[], timestamp: string = nowIso()): HealthDocument {
  const overall = databases.some((d) => d.status === 'unhealthy') ? 'unhealthy' : databases.some((d) => d.status !== 'healthy') ? 'degraded' : 'healthy';
  const database: HealthDocument['components']['database'] = { schema_version: databases[0]?.version ?? null };
  for (const db of databases) database[db.name] = componentOf(db);
  return { status: overall, timestamp, components: { database, backend: 'running' }, databases };
}

/** The health document without what names files: for a caller who does not hold the token. */
export function publicHealthDocument(document: HealthDocument): PublicHealthDocument {
  const database: PublicHealthDocument['components']['database'] = { schema_version: document.components.database.schema_version };
  const databases = document.databases.map(({ name, status, version, latest, pending, checkedAt }) => ({ name, status, version, latest, pending, checkedAt }));
  for (const db of databases) database[db.name] = db.status === 'unhealthy' ? 'error' : db.status;
  return { status: document.status, timestamp: document.timestamp, components: { database, backend: document.components.backend }, databases };
}
