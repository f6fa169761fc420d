import type { RehearsalReport } from '../../../../shared/types/migrations';
import { Notice } from '../../components/Notice';
import { TableFrame } from '../../components/TableFrame';
import { Tag } from '../../components/Tag';
import { formatCount, formatDuration, plural } from '../../lib/format';
import { ServiceStatementResults } from './ServiceStatementResults';

function RowCountsTable({ report }: { report: RehearsalReport }) {
  const tables = [...new Set(report.steps.flatMap((s) => [...Object.keys(s.rowsBefore), ...Object.keys(s.rowsAfter)]))].sort();
  if (tables.length === 0) return null;
  const before = report.steps[0]?.rowsBefore ?? {};
  return (
    <TableFrame label="Rows per table, before and after each step">
      <table className="data-table">
        <caption className="visually-hidden">Rows per table before the first step and after each step</caption>
        <thead>
          <tr>
            <th>Table</th>
            <th className="number">Before</th>
            {report.steps.map((s) => (
              <th key={s.version} className="number">
                After {s.version}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {tables.map((table) => (
            <tr key={table}>
              <td className="mono">{table}</td>
              <td className="number">{table in before ? formatCount(before[table]) : '—'}</td>
              {report.steps.map((s) => {
                const was = s.rowsBefore[table];
                const now = s.rowsAfter[table];
                const lost = was !== undefined && now !== undefined && now < was;
                return (
                  <td key={s.version} className={`number${lost ? ' rehearsal__lost' : ''}`}>
                    {now === undefined ? '—' : formatCount(now)}
                    {lost && <span className="visually-hidden"> (fewer rows than before)</span>}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </TableFrame>
  );
}

/** What the rehearsal on a copy found: per step result, duration and violations, rows per table, then the service's statements. */
export function RehearsalResults({ report }: { report: RehearsalReport }) {
  const failed = report.steps.find((s) => !s.ok);
  const failedStatements = report.serviceStatements?.results.filter((r) => r.outcome === 'failed').length ?? 0;
  const why =
    failed?.error ??
    (failedStatements > 0
      ? `${plural(failedStatements, 'service statement')} ${failedStatements === 1 ? 'fails' : 'fail'} on the migrated copy (below).`
      : 'See the steps below.');
  return (
    <div className="rehearsal">
      {report.ok ? (
        <Notice
          tone="ok"
          title={`Rehearsal passed: ${report.from ?? (report.adopted ? `${report.adopted.version} (adopted)` : 'empty')} → ${report.to} in ${formatDuration(report.durationMs)}`}
        >
          Applied to a copy of the database; the real file was not touched.
          {report.integrity && ` Integrity of the result: ${report.integrity.ok ? 'ok' : 'failed'}.`}
          {report.drift.length > 0 && ` ${plural(report.drift.length, 'difference')} from the expected schema at ${report.to}.`}
        </Notice>
      ) : (
        <Notice tone="bad" title={`Rehearsal failed${failed ? ` at ${failed.version}` : ''}`} urgent>
          {why} The real database was not touched.
        </Notice>
      )}
      <TableFrame label="Rehearsal steps">
        <table className="data-table">
          <caption className="visually-hidden">Rehearsal steps</caption>
          <thead>
            <tr>
              <th>Step</th>
              <th>Result</th>
              <th className="number">Took</th>
              <th className="number">Foreign-key violations</th>
              <th>Error</th>
            </tr>
          </thead>
          <tbody>
            {report.steps.map((s) => (
              <tr key={s.version}>
                <td className="mono">{s.repeatable ? `${s.version} (repeatable)` : s.version}</td>
                <td>
                  {s.ok ? (
                    <Tag tone="ok">✓ OK</Tag>
                  ) : (
                    <Tag tone="bad" strong>
                      ✕ Failed
                    </Tag>
                  )}
                </td>
                <td className="number">{formatDuration(s.durationMs)}</td>
                <td className="number">{s.foreignKeyViolations === 0 ? '0' : <Tag tone="bad">{formatCount(s.foreignKeyViolations)}</Tag>}</td>
                <td>{s.error ?? <span className="muted">—</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableFrame>
      <RowCountsTable report={report} />
      <ServiceStatementResults run={report.serviceStatements} />
    </div>
  );
}
