import type { BackupInfo, StatusReport } from '../../../../shared/types';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { formatBytes, formatTimestamp } from '../../lib/format';
import { compareVersions } from '../../lib/versions';

interface RestoreDialogProps {
  backup: BackupInfo;
  current: StatusReport | undefined;
  onConfirm: () => void;
  onClose: () => void;
}

/** Says exactly what a restore replaces, with what, and that the replaced database is kept. */
export function RestoreDialog({ backup, current, onConfirm, onClose }: RestoreDialogProps) {
  const downgrade = current?.version && backup.version && compareVersions(backup.version, current.version) < 0;
  return (
    <ConfirmDialog title="Restore this backup?" confirmLabel="Restore this backup" danger onConfirm={onConfirm} onClose={onClose}>
      {downgrade && (
        <p>
          <strong>Downgrade:</strong> the database is at version {current.version}; this backup is at {backup.version}, older. The service must be one that runs {backup.version}.
        </p>
      )}
      <p>
        <strong>Replaced:</strong> the current database <code>{current?.path ?? backup.sourcePath}</code>
        {current && <> (version {current.version ?? 'none'}, {formatBytes(current.sizeBytes)})</>}. Every change made since the backup is undone.
      </p>
      <p>
        <strong>With:</strong> the {backup.reason} backup of {formatTimestamp(backup.createdAt)} (version {backup.version ?? 'none'}, {formatBytes(backup.bytes)}),{' '}
        <code>{backup.name}</code>. Its checksum and integrity are checked first; a damaged backup is refused and nothing changes.
      </p>
      <p>
        <strong>Kept:</strong> a pre-restore backup of the current database is taken before anything is replaced, so this restore can be undone.
      </p>
    </ConfirmDialog>
  );
}
