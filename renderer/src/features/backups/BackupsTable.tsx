import type { BackupInfo, BackupVerification } from '../../../../shared/types/backups';
import { Button } from '../../components/Button';
import { Tag } from '../../components/Tag';
import { formatAgo, formatBytes, formatTimestamp, shortHash } from '../../lib/format';

const REASONS: Record<BackupInfo['reason'], string> = {
  manual: 'Manual',
  scheduled: 'Scheduled',
  'pre-migrate': 'Before migrate',
  'pre-repair': 'Before repair',
  'pre-restore': 'Before restore',
  'pre-recover': 'Before recovering rows',
  'preserved-damaged': 'Damaged copy',
};

/** Why a backup must not be restored from, or null: its latest check, else the one made when it was taken. */
export function whyUntrusted(backup: BackupInfo, check: BackupVerification | undefined): string | null {
  if (backup.damaged) return 'It is a byte copy of the database as it was when damaged, kept for salvage and support: it is never restored from.';
  if (check) return check.ok ? null : (check.problems[0] ?? 'It failed verification.');
  return backup.verified && !backup.verified.ok ? (backup.verified.messages[0] ?? 'It failed verification when it was taken.') : null;
}

function VerifiedCell({ backup, check }: { backup: BackupInfo; check: BackupVerification | undefined }) {
  if (check && !check.ok) {
    return (
      <span className="verified-cell">
        <Tag tone="bad" strong>
          ✕ Failed verification
        </Tag>
        <span>{whyUntrusted(backup, check)}</span>
      </span>
    );
  }
  if (backup.damaged) return <Tag tone="bad">Damaged copy, not verified</Tag>;
  if (backup.changedSinceVerified) {
    return (
      <span className="verified-cell">
        <Tag tone="bad" strong>
          ✕ Changed since verified
        </Tag>
        <span>{backup.changedSinceVerified} Verify it again before restoring from it.</span>
      </span>
    );
  }
  if (backup.failedVerification) {
    return (
      <span className="verified-cell" title={`verify-backup ${formatTimestamp(backup.failedVerification.at)}`}>
        <Tag tone="bad" strong>
          ✕ Failed verification
        </Tag>
        <span>
          {backup.failedVerification.problems[0] ?? 'It failed verification.'} <span className="muted">({formatAgo(backup.failedVerification.at)})</span>
        </span>
      </span>
    );
  }
  if (backup.verified === null) return <Tag tone="warn">Not verified</Tag>;
  const { ok, level, at, messages } = backup.verified;
  return (
    <span className="verified-cell" title={messages.join('\n') || `${level} check ${formatTimestamp(at)}`}>
      {ok ? (
        <Tag tone="ok">✓ Verified</Tag>
      ) : (
        <Tag tone="bad" strong>
          ✕ Failed
        </Tag>
      )}
      <span className="muted">
        {level}, {formatAgo(at)}
      </span>
    </span>
  );
}

interface BackupsTableProps {
  backups: BackupInfo[];
  /** The latest verification of each backup this session, by name (useBackupChecks). */
  checks: Record<string, BackupVerification>;
  busy: boolean;
  onVerify: (backup: BackupInfo) => void;
  onRestore: (backup: BackupInfo) => void;
  /** Opens it read-only in the Data view (absent: the host cannot, or not for this console). */
  onOpen?: (backup: BackupInfo) => void;
  /** The id of the sentence saying why this console may not restore (Restore… is then disabled), or null when it may. */
  restoreRefusedBy: string | null;
}

/** The backups, newest first: when, why, which version, how big, whether they check out. */
export function BackupsTable({ backups, checks, busy, onVerify, onRestore, onOpen, restoreRefusedBy }: BackupsTableProps) {
  return (
    <table className="data-table">
      <thead>
        <tr>
          <th>Taken</th>
          <th>Reason</th>
          <th>Version</th>
          <th className="number">Size</th>
          <th>Verified</th>
          <th>File</th>
          <th className="backups__actions">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {backups.map((backup) => (
          <tr key={backup.name}>
            <td className="nowrap">
              <time dateTime={backup.createdAt}>{formatTimestamp(backup.createdAt)}</time>
              <div className="muted">{formatAgo(backup.createdAt)}</div>
            </td>
            <td>{REASONS[backup.reason] ?? backup.reason}</td>
            <td className="mono">{backup.version ?? '—'}</td>
            <td className="number">{formatBytes(backup.bytes)}</td>
            <td>
              <VerifiedCell backup={backup} check={checks[backup.name]} />
            </td>
            <td>
              <div className="mono backup-name" title={backup.path}>
                {backup.name}
              </div>
              <div className="muted mono" title={backup.sha256}>
                sha256 {shortHash(backup.sha256)}
              </div>
            </td>
            <td className="backups__actions">
              <div className="row-actions">
                <Button size="small" onClick={() => onVerify(backup)} disabled={busy} aria-label={`Verify backup ${backup.name}`}>
                  Verify
                </Button>
                {onOpen && (
                  <Button
                    size="small"
                    onClick={() => onOpen(backup)}
                    title="Look at its rows in the Data view, read-only, before replacing anything"
                    aria-label={`Open backup ${backup.name} read-only`}
                  >
                    Open read-only
                  </Button>
                )}
                <Button
                  size="small"
                  onClick={() => onRestore(backup)}
                  disabled={busy || restoreRefusedBy !== null || whyUntrusted(backup, checks[backup.name]) !== null}
                  aria-describedby={restoreRefusedBy ?? undefined}
                  title={whyUntrusted(backup, checks[backup.name]) ? 'It failed verification: it cannot be restored from.' : undefined}
                  aria-label={`Restore backup ${backup.name}`}
                >
                  Restore…
                </Button>
              </div>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
