import type { DatabaseEntry } from '../../../shared/types/databases';
import { CheckedAgo } from '../components/CheckedAgo';
import { StatusBadge } from '../components/StatusBadge';
import { Tag } from '../components/Tag';
import { isLocked } from '../lib/locked';
import { useHealth } from '../queries/health';

/** Which database this is and how it is, always in view above every tab. */
export function DatabaseHeader({ database }: { database: DatabaseEntry }) {
  const status = useHealth(database.id);
  return (
    <header className="database-header">
      <div className="database-header__names">
        <h1 className="database-header__name">{database.name}</h1>
        <p className="database-header__path mono" title={database.path}>
          {database.path}
        </p>
      </div>
      {status.isError &&
        (isLocked(status.error) ? (
          <Tag tone="warn" strong>
            Locked by another process
          </Tag>
        ) : (
          <Tag tone="bad" strong>
            ✕ Cannot be read
          </Tag>
        ))}
      {status.data && status.verdict && (
        <div className="database-header__state">
          <span className="database-header__version">
            {status.data.version ? `Version ${status.data.version}` : 'No version'}
            <span className="muted"> · {database.schema}</span>
          </span>
          <StatusBadge status={status.verdict.status} />
          <CheckedAgo
            at={status.data.checkedAt}
            fileCheckedAt={status.data.integrity?.checkedAt}
            onRefresh={() => void status.refetch()}
            refreshing={status.isFetching}
          />
        </div>
      )}
    </header>
  );
}
