import type { UseQueryResult } from '@tanstack/react-query';
import type { BackupInfo } from '../../../../shared/types/backups';
import type { VerifyReport } from '../../../../shared/types/integrity';
import type { HealthStatus, StatusReport } from '../../../../shared/types/status';
import { consoleHintOf, errorInfoOf } from '../../api/api-error';
import { FactList } from '../../components/FactList';
import { Panel } from '../../components/Panel';
import type { Tone } from '../../components/Notice';
import { Tag } from '../../components/Tag';
import { formatAge, formatAgo, formatBytes, formatTimestamp, plural } from '../../lib/format';
import { hrefFor } from '../../lib/routes';
import { useBackupChecks } from '../../queries/backups';

function Unavailable({ error }: { error: unknown }) {
  const info = errorInfoOf(error);
  return (
    <span className="muted" title={consoleHintOf(error)}>
      {info.code === 'NOT_SUPPORTED' ? 'Not available on this host' : `${info.message} (${info.code})`}
    </span>
  );
}

function LastBackup({ db, backups }: { db: string; backups: UseQueryResult<BackupInfo[]> }) {
  const checks = useBackupChecks(db);
  if (backups.isPending) return <span className="muted">Loading…</span>;
  if (backups.isError) return <Unavailable error={backups.error} />;
  // A preserved copy of a damaged file is kept, never restored: it is no backup.
  const latest = backups.data.find((b) => !b.damaged);
  const preserved = backups.data.filter((b) => b.damaged).length;
  const copies = preserved > 0 && <span className="muted"> · {preserved === 1 ? '1 damaged copy kept' : `${preserved} damaged copies kept`}</span>;
  if (!latest)
    return (
      <span className="safety-fact">
        <Tag tone="warn">No backup yet</Tag>
        {copies}
      </span>
    );
  // A failed check in this session outranks the one recorded when the backup was taken.
  const verifiedOf = (b: BackupInfo) => (checks[b.name] ? { ok: checks[b.name].ok } : b.verified);
  const verified = verifiedOf(latest);
  // The newest backup failed (the pre-restore copy of a damaged file, say): the one a restore would use is said beside it.
  const newestGood = verified?.ok ? null : backups.data.find((b) => !b.damaged && verifiedOf(b)?.ok === true);
  return (
    <span className="safety-fact">
      <time dateTime={latest.createdAt} title={formatTimestamp(latest.createdAt)}>
        {formatAgo(latest.createdAt)}
      </time>
      <span className="muted">
        {' '}
        · {latest.reason} · {latest.version ?? 'no version'} · {formatBytes(latest.bytes)}
      </span>
      {verified === null ? <Tag tone="warn">not verified</Tag> : verified.ok ? <Tag tone="ok">verified</Tag> : <Tag tone="bad">failed verification</Tag>}
      {newestGood && (
        <span className="muted">
          {' '}
          · newest verified:{' '}
          <time dateTime={newestGood.createdAt} title={formatTimestamp(newestGood.createdAt)}>
            {formatAgo(newestGood.createdAt)}
          </time>{' '}
          ({newestGood.reason})
        </span>
      )}
      {copies}
    </span>
  );
}

function QuickCheck({ status, okTone }: { status: StatusReport; okTone: Tone }) {
  const integrity = status.integrity;
  if (!integrity) return <span className="muted">Nothing to check yet</span>;
  return (
    <span className="safety-fact">
      <time dateTime={integrity.checkedAt} title={formatTimestamp(integrity.checkedAt)}>
        {formatAge(integrity.checkedAt)}
      </time>
      <span className="muted"> · quick check</span>
      {integrity.ok ? <Tag tone={okTone}>integrity ok</Tag> : <Tag tone="bad">integrity failed</Tag>}
    </span>
  );
}

function LastVerification({ report, okTone }: { report: VerifyReport; okTone: Tone }) {
  const failures = report.problems.filter((p) => p.severity === 'error').length;
  return (
    <span className="safety-fact">
      <time dateTime={report.checkedAt} title={formatTimestamp(report.checkedAt)}>
        {formatAgo(report.checkedAt)}
      </time>
      <span className="muted"> · {report.integrity.level} check</span>
      {!report.integrity.ok ? (
        <Tag tone="bad">integrity failed</Tag>
      ) : report.foreignKeyViolations.length > 0 ? (
        <Tag tone="bad">{plural(report.foreignKeyViolations.length, 'foreign-key violation')}</Tag>
      ) : (
        <Tag tone={okTone}>integrity ok</Tag>
      )}
      {failures > 0 && <Tag tone="bad">{plural(failures, 'problem')}</Tag>}
    </span>
  );
}

interface SafetyFactsProps {
  db: string;
  status: StatusReport;
  verdict: HealthStatus;
  backups: UseQueryResult<BackupInfo[]>;
  /** A verification run from the Integrity view, if any is current. */
  verification: VerifyReport | undefined;
}

/** When it was last backed up and last checked: the two facts that say how safe a change is. */
export function SafetyFacts({ db, status, verdict, backups, verification }: SafetyFactsProps) {
  // A passing check is green only under a healthy verdict, so no card looks fine above a problem.
  const okTone: Tone = verdict === 'healthy' ? 'ok' : 'neutral';
  return (
    <Panel title="Safety net">
      <FactList
        facts={[
          { label: 'Last backup', value: <LastBackup db={db} backups={backups} /> },
          { label: 'Last quick check', value: <QuickCheck status={status} okTone={okTone} /> },
          ...(verification ? [{ label: 'Last verification', value: <LastVerification report={verification} okTone={okTone} /> }] : []),
        ]}
      />
      <p className="safety-links">
        <a href={hrefFor(db, 'backups')}>All backups</a>
        <a href={hrefFor(db, 'integrity')}>Integrity checks</a>
        <a href={hrefFor(db, 'history')}>Version history</a>
      </p>
    </Panel>
  );
}
