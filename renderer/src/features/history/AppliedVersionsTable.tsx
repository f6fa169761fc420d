import type { AppliedVersion } from '../../../../shared/types/history';
import { Tag } from '../../components/Tag';
import { formatTimestamp, formatDuration, shortHash } from '../../lib/format';

/** The schema_version ladder, newest first: what each version was, when, by whom, how long it took. */
export function AppliedVersionsTable({ versions, current }: { versions: AppliedVersion[]; current: string | null }) {
  return (
    <table className="data-table">
      <thead>
        <tr>
          <th>Version</th>
          <th>Description</th>
          <th>Applied</th>
          <th>How</th>
          <th className="number">Took</th>
          <th>By</th>
          <th>Checksum</th>
        </tr>
      </thead>
      <tbody>
        {versions.map((v) => (
          <tr key={v.version}>
            <td>
              <span className="applied-version">
                <strong className="mono">{v.version}</strong>
                {v.version === current && <Tag tone="info">current</Tag>}
              </span>
            </td>
            <td>{v.description ?? <span className="muted">—</span>}</td>
            <td>
              <time dateTime={v.appliedAt}>{formatTimestamp(v.appliedAt)}</time>
            </td>
            <td>{v.kind ?? <span className="muted">unknown</span>}</td>
            <td className="number">{v.executionMs === null ? '—' : formatDuration(v.executionMs)}</td>
            <td className="muted">{v.actor ?? '—'}</td>
            <td className="mono muted" title={v.checksum ?? undefined}>
              {v.checksum ? shortHash(v.checksum) : '—'}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
