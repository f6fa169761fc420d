import type { ComponentHealth, DatabaseHealth, HealthDocument, PublicHealthDocument } from '../../shared/types';
import { nowIso } from './actor';
import type { EngineContext } from './context';
import { status } from './status';
import { verify } from './verify';

// The health endpoint's view of a database: status (versions, pending, drift) plus a quick
// verification (quick_check). Never the full integrity check: a load balancer polls this.

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
    if (report.status === 'not_initialized') return entry({ status: 'not_initialized', reason: report.reason, version: null, pending: report.pending, problems: [] });
    const check = verify(ctx, 'quick');
    return entry({ status: check.status, reason: check.reason, version: check.version, pending: report.pending, problems: check.problems.map((p) => p.message) });
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

/** The health document without what names files: for a caller who does not hold the token. */
export function publicHealthDocument(document: HealthDocument): PublicHealthDocument {
  const database: PublicHealthDocument['components']['database'] = { schema_version: document.components.database.schema_version };
  const databases = document.databases.map(({ name, status, version, latest, pending, checkedAt }) => ({ name, status, version, latest, pending, checkedAt }));
  for (const db of databases) database[db.name] = db.status === 'unhealthy' ? 'error' : db.status;
  return { status: document.status, timestamp: document.timestamp, components: { database, backend: document.components.backend }, databases };
}
