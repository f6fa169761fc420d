import type { UseQueryResult } from '@tanstack/react-query';
import { TableFrame } from '../../components/TableFrame';
import type { VerifyReport } from '../../../../shared/types/integrity';
import { Button } from '../../components/Button';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Notice } from '../../components/Notice';
import { OperationProgress } from '../../components/OperationProgress';
import { Panel } from '../../components/Panel';
import { LoadingState } from '../../components/QueryStates';
import type { LongOperation } from '../../hooks/use-long-operation';
import { formatAgo, formatTimestamp, formatDuration, plural } from '../../lib/format';
import { ForeignKeyViolationsTable } from './ForeignKeyViolationsTable';

function IntegrityResultNotice({ report }: { report: VerifyReport }) {
  const check = report.integrity.level === 'quick' ? 'quick_check' : 'integrity_check';
  if (report.integrity.ok && report.foreignKeyViolations.length > 0) {
    // The pages are sound but the data is not: never a green "passed" above a list of violations.
    return (
      <Notice tone="bad" title={`SQLite's ${check} passed, but foreign_key_check did not`}>
        Every page SQLite read is consistent; the rows listed below point at parents that no longer exist.
      </Notice>
    );
  }
  if (report.integrity.ok)
    return (
      <Notice tone="ok" title={`SQLite's ${check} passed`}>
        Every page SQLite read is consistent.
      </Notice>
    );
  return (
    <Notice tone="bad" title={`SQLite's ${check} failed with ${plural(report.integrity.messages.length, 'message')}`}>
      <ul className="plain-list mono">
        {report.integrity.messages.slice(0, 20).map((m, i) => (
          <li key={i}>{m}</li>
        ))}
      </ul>
    </Notice>
  );
}

function ForeignKeySection({ report }: { report: VerifyReport }) {
  if (report.integrity.level === 'quick') {
    return (
      <Notice tone="neutral" title="Foreign keys were not checked">
        The quick check skips them; run a full check to list rows that point at missing parents.
      </Notice>
    );
  }
  if (report.foreignKeyViolations.length === 0)
    return (
      <Notice tone="ok" title="No foreign-key violations">
        Every row points at a parent row that exists.
      </Notice>
    );
  return (
    <>
      <Notice tone="bad" title={`${plural(report.foreignKeyViolations.length, 'row')} point at missing parent rows`} />
      <TableFrame label="Rows pointing at missing parents">
        <ForeignKeyViolationsTable violations={report.foreignKeyViolations} />
      </TableFrame>
    </>
  );
}

interface ChecksPanelProps {
  lastCheck: UseQueryResult<VerifyReport>;
  check: LongOperation<'quick' | 'full', VerifyReport>;
}

/** Quick and full checks with progress and Cancel, and what the last one found. */
export function ChecksPanel({ lastCheck, check }: ChecksPanelProps) {
  const report = lastCheck.data;
  return (
    <Panel
      title="Integrity checks"
      subtitle={
        report ? (
          <>
            Last: {report.integrity.level} check,{' '}
            <time dateTime={report.checkedAt} title={formatTimestamp(report.checkedAt)}>
              {formatAgo(report.checkedAt)}
            </time>
            , took {formatDuration(report.durationMs)}
          </>
        ) : (
          'Quick: quick_check. Full: integrity_check and foreign_key_check.'
        )
      }
      actions={
        <>
          <Button onClick={() => check.start('quick')} disabled={check.isRunning}>
            Quick check
          </Button>
          <Button onClick={() => check.start('full')} disabled={check.isRunning}>
            Full check
          </Button>
        </>
      }
    >
      {check.isRunning && (
        <OperationProgress
          title={`${check.variables === 'full' ? 'Full' : 'Quick'} check`}
          operationId={check.operationId}
          onCancel={check.cancel}
          cancelling={check.isCancelling}
        />
      )}
      {check.error != null && <ErrorNotice error={check.error} context="The check did not finish" />}
      {lastCheck.isPending && lastCheck.fetchStatus !== 'idle' && <LoadingState label="Running a quick check…" />}
      {lastCheck.isError && <ErrorNotice error={lastCheck.error} context="The database could not be checked" />}
      {report && (
        <>
          <IntegrityResultNotice report={report} />
          <ForeignKeySection report={report} />
        </>
      )}
    </Panel>
  );
}
