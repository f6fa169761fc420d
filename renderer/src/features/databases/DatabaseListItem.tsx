import type { DatabaseEntry } from '../../../../shared/types/databases';
import { Button } from '../../components/Button';
import { HealthDot } from '../../components/HealthDot';
import { HEALTH } from '../../lib/health-labels';
import { isLocked } from '../../lib/locked';
import { hrefFor } from '../../lib/routes';
import { useHealth } from '../../queries/health';
import { useRefusal } from '../../queries/host-info';
import { useRunningJobs } from '../../queries/jobs';
import { jobTitle } from '../../lib/job-text';

interface DatabaseListItemProps {
  database: DatabaseEntry;
  selected: boolean;
  onClose: () => void;
  closing: boolean;
  /** The list is one Tab stop (DatabaseList): 0 for the item that is it, -1 for the others; the Close button is reached with →. */
  tabIndex: number;
}

function useHealthLine(db: string) {
  const health = useHealth(db);
  if (health.isPending) return { dot: 'unknown' as const, line: 'Checking…' };
  if (isLocked(health.error)) return { dot: 'locked' as const, line: 'Locked · waiting' };
  if (health.isError || !health.verdict) return { dot: 'error' as const, line: 'Cannot be read' };
  const { status } = health.verdict;
  return { dot: status, line: `${health.data.version ?? 'no version'} · ${HEALTH[status].label}` };
}

/** One open database: its health dot, name and version, a link to it and a Close button (for a console that may close it). */
export function DatabaseListItem({ database, selected, onClose, closing, tabIndex }: DatabaseListItemProps) {
  const { dot, line } = useHealthLine(database.id);
  const running = useRunningJobs(database.id);
  const mayClose = useRefusal('closeDatabase') === null;
  return (
    <li className={`database-item${selected ? ' database-item--selected' : ''}`}>
      <a className="database-item__link" href={hrefFor(database.id)} aria-current={selected ? 'page' : undefined} title={database.path} tabIndex={tabIndex}>
        <HealthDot status={dot} />
        <span className="database-item__text">
          <span className="database-item__name">{database.name}</span>
          <span className="database-item__line">{line}</span>
          {running.length > 0 && (
            <span className="database-item__job">
              <span className="database-item__spinner" aria-hidden="true" />
              {running.length === 1 ? `${jobTitle(running[0])} running` : `${running.length} jobs running`}
            </span>
          )}
        </span>
      </a>
      {mayClose && (
        <Button
          variant="ghost"
          size="small"
          className="database-item__close"
          onClick={onClose}
          busy={closing}
          aria-label={`Close ${database.name}`}
          tabIndex={-1}
        >
          ✕
        </Button>
      )}
    </li>
  );
}
