import type { HealthStatus, StatusReport } from '../../../../shared/types/status';
import { FactList } from '../../components/FactList';
import { Panel } from '../../components/Panel';
import { Tag } from '../../components/Tag';
import { formatBytes, plural } from '../../lib/format';
import { SchemaFolderChoice } from './SchemaFolderChoice';

function VersionFact({ status, verdict }: { status: StatusReport; verdict: HealthStatus }) {
  const pending = status.pending.length;
  return (
    <span className="version-fact">
      <strong>{status.version ?? 'none'}</strong>
      <span className="muted"> of {status.latest} (latest)</span>
      {status.version !== null && pending > 0 && <Tag tone="warn">{plural(pending, 'pending migration')}</Tag>}
      {/* Green only under a healthy verdict: a damaged file at the latest version is not "fine". */}
      {status.version !== null && pending === 0 && status.version === status.latest && <Tag tone={verdict === 'healthy' ? 'ok' : 'neutral'}>up to date</Tag>}
    </span>
  );
}

/** The file and the engine underneath it: what support asks for first. */
export function DatabaseFacts({ db, status, verdict }: { db: string; status: StatusReport; verdict: HealthStatus }) {
  return (
    <Panel title="Database">
      <FactList
        facts={[
          { label: 'Path', value: <span className="mono">{status.path}</span> },
          { label: 'Schema version', value: <VersionFact status={status} verdict={verdict} /> },
          {
            label: 'Schema',
            value: (
              <>
                {status.schema}
                <SchemaFolderChoice db={db} />
              </>
            ),
          },
          { label: 'Size', value: status.exists ? formatBytes(status.bytes) : 'no file yet' },
          { label: 'Journal mode', value: status.journalMode ? status.journalMode.toUpperCase() : '—' },
          { label: 'SQLite version', value: status.sqliteVersion || '—' },
        ]}
      />
    </Panel>
  );
}
