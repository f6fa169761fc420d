import { useQueries, useQueryClient } from '@tanstack/react-query';
import type { ComponentProps } from 'react';
import type { DatabaseEntry } from '../../../../shared/types/databases';
import { errorInfoOf } from '../../api/api-error';
import { useApi } from '../../api/connection-context';
import { HealthDot } from '../../components/HealthDot';
import { EmptyState } from '../../components/QueryStates';
import { useNow } from '../../hooks/use-now';
import { formatAge, formatTimestamp } from '../../lib/format';
import { HEALTH } from '../../lib/health-labels';
import { hrefFor } from '../../lib/routes';
import { currentVerification, verdictOf } from '../../queries/health';
import { statusQueryOptions } from '../../queries/status';
import { verificationQueryOptions } from '../../queries/verification';
import { standingOf, summaryLine, worstFirst, type Standing } from './standing';
import './landing.css';

const STANDING_LABEL: Record<Standing, string> = {
  unhealthy: 'Unhealthy',
  unreadable: 'Cannot be read',
  locked: 'Locked',
  attention: 'Needs attention',
  checking: 'Checking…',
  healthy: 'Healthy',
};

const DOT: Record<Standing, ComponentProps<typeof HealthDot>['status']> = {
  unhealthy: 'unhealthy',
  unreadable: 'error',
  locked: 'locked',
  attention: 'degraded',
  checking: 'unknown',
  healthy: 'healthy',
};

interface Row {
  database: DatabaseEntry;
  standing: Standing;
  /** The status in words (or why there is none), and its label when the standing groups several. */
  label: string;
  dot: ComponentProps<typeof HealthDot>['status'];
  why: string;
  version: string | null;
  checkedAt: string | null;
}

/** Every served database's health, as the views show it (the status, made worse by a verification in the cache). */
function useRows(databases: DatabaseEntry[]): Row[] {
  const api = useApi();
  const queryClient = useQueryClient();
  const statuses = useQueries({ queries: databases.map((d) => statusQueryOptions(api, d.id)) });
  const verifications = useQueries({ queries: databases.map((d) => ({ ...verificationQueryOptions(api, d.id), enabled: false })) });
  return databases.map((database, i) => {
    const status = statuses[i];
    const verification = currentVerification(queryClient, database.id, verifications[i].data);
    const verdict = status.data ? verdictOf(status.data, verification) : undefined;
    const standing = standingOf({ isPending: status.isPending, error: status.error, verdict });
    const label = verdict && standing === 'attention' ? HEALTH[verdict.status].label : STANDING_LABEL[standing];
    const dot = verdict && standing === 'attention' ? verdict.status : DOT[standing];
    const why = status.error != null ? errorInfoOf(status.error).message : (verdict?.reason ?? '');
    return { database, standing, label, dot, why, version: status.data?.version ?? null, checkedAt: status.data?.checkedAt ?? null };
  });
}

/** The landing: one line on all served databases, then each of them, the worst first. */
export function LandingView({ databases }: { databases: DatabaseEntry[] }) {
  const rows = worstFirst(useRows(databases), (r) => r.standing);
  const now = useNow();
  if (databases.length === 0) {
    return (
      <div className="landing">
        <h1 className="landing__title">Databases</h1>
        <EmptyState title="No database is open">Open a database or create a fresh one from the sidebar.</EmptyState>
      </div>
    );
  }
  return (
    <div className="landing">
      <h1 className="landing__title">Databases</h1>
      <p className="landing__summary" role="status">
        {summaryLine(rows.map((r) => r.standing))}
      </p>
      <ul className="landing__list" aria-label="Databases, worst first">
        {rows.map((row) => (
          <li key={row.database.id} className={`landing-item landing-item--${row.standing}`}>
            <HealthDot status={row.dot} />
            <div className="landing-item__names">
              <a className="landing-item__name" href={hrefFor(row.database.id)}>
                {row.database.name}
              </a>
              <span className="landing-item__path mono">{row.database.path}</span>
            </div>
            <div className="landing-item__state">
              <span className="landing-item__label">{row.label}</span>
              <span className="muted">{row.version ? `Version ${row.version}` : 'No version'}</span>
              {row.checkedAt && (
                <span className="muted">
                  checked{' '}
                  <time dateTime={row.checkedAt} title={formatTimestamp(row.checkedAt)}>
                    {formatAge(row.checkedAt, now)}
                  </time>
                </span>
              )}
            </div>
            {row.why && <p className="landing-item__why">{row.why}</p>}
          </li>
        ))}
      </ul>
    </div>
  );
}
