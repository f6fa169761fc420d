import type { BackupInfo, RestorePreview } from '../../../../shared/types/backups';
import type { StatusReport } from '../../../../shared/types/status';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorNotice } from '../../components/ErrorNotice';
import { LoadingState } from '../../components/QueryStates';
import { TableFrame } from '../../components/TableFrame';
import { formatBytes, formatTimestamp, plural } from '../../lib/format';
import { compareVersions } from '../../lib/versions';
import { useRestorePreview } from './backups-queries';

interface RestoreDialogProps {
  db: string;
  backup: BackupInfo;
  current: StatusReport | undefined;
  onConfirm: () => void;
  onClose: () => void;
}

/** Per table: the rows here the backup lacks (lost), holds differently (changed back), and the ones it brings back. */
function RowChanges({ preview }: { preview: RestorePreview }) {
  const tables = preview.tables ?? [];
  const changed = tables.filter((t) => t.onlyHere || t.different || t.onlyInBackup || t.uncomparable);
  const lost = tables.reduce((n, t) => n + t.onlyHere, 0);
  const changedBack = tables.reduce((n, t) => n + t.different, 0);
  const uncounted = tables.filter((t) => t.uncomparable);
  if (changed.length === 0)
    return (
      <p>
        <strong>Rows:</strong> every table holds the same rows as the backup: the restore loses no row.
      </p>
    );
  // The sentence above the frame, not a caption inside it: a caption is as wide as the table and scrolled out of view with it.
  return (
    <>
      <p>
        <strong>Rows:</strong> {plural(lost, 'row')} here that the backup lacks would be lost; {plural(changedBack, 'row')} would go back to the backup's values
        (matched by primary key)
        {uncounted.length > 0 && <>; in {uncounted.map((t) => t.table).join(', ')} they cannot be counted (said below)</>}.
      </p>
      <TableFrame label="Rows the restore would lose or change back, by table">
        <table className="data-table" aria-label="Rows the restore would lose or change back, by table">
          <thead>
            <tr>
              <th scope="col">Table</th>
              <th scope="col" className="number">
                Lost
              </th>
              <th scope="col" className="number">
                Changed back
              </th>
              <th scope="col" className="number">
                Brought back
              </th>
              <th scope="col">For example</th>
            </tr>
          </thead>
          <tbody>
            {changed.map((t) => (
              <tr key={t.table}>
                <th scope="row">{t.table}</th>
                {t.uncomparable ? (
                  // Not counted: the reason stands where the counts would, not in the examples column (scrolled out of view in a narrow dialog).
                  <>
                    <td colSpan={3}>Not counted: {t.uncomparable}.</td>
                    <td />
                  </>
                ) : (
                  <>
                    <td className="number">{t.onlyHere}</td>
                    <td className="number">{t.different}</td>
                    <td className="number">{t.onlyInBackup}</td>
                    <td className="mono">
                      {t.missingIn === 'backup' ? 'not in the backup' : [...t.examples.onlyHere, ...t.examples.different].slice(0, 3).join(', ')}
                    </td>
                  </>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </TableFrame>
    </>
  );
}

/** Says exactly what a restore replaces, with what, which rows it loses, and that the replaced database is kept. */
export function RestoreDialog({ db, backup, current, onConfirm, onClose }: RestoreDialogProps) {
  const downgrade = current?.version && backup.version && compareVersions(backup.version, current.version) < 0;
  const preview = useRestorePreview(db, backup.name);
  return (
    <ConfirmDialog
      title="Restore this backup?"
      confirmLabel="Restore this backup"
      danger
      onConfirm={onConfirm}
      onClose={onClose}
      confirmDisabled={!preview.data}
    >
      {downgrade && (
        <p>
          <strong>Downgrade:</strong> the database is at version {current.version}; this backup is at {backup.version}, older. The service must be one that runs{' '}
          {backup.version}.
        </p>
      )}
      <p>
        <strong>Replaced:</strong> the current database <code>{current?.path ?? backup.sourcePath}</code>
        {current && (
          <>
            {' '}
            (version {current.version ?? 'none'}, {formatBytes(current.bytes)})
          </>
        )}
        . Every change made since the backup is undone.
      </p>
      <p>
        <strong>With:</strong> the {backup.reason} backup of {formatTimestamp(backup.createdAt)} (version {backup.version ?? 'none'},{' '}
        {formatBytes(backup.bytes)}), <code>{backup.name}</code>. Its checksum and integrity are checked first; a damaged backup is refused and nothing changes.
      </p>
      {preview.isPending && <LoadingState label="Comparing the database with the backup, table by table…" />}
      {preview.isError && <ErrorNotice error={preview.error} context="The backup could not be compared with the database" />}
      {preview.data && <RowChanges preview={preview.data} />}
      <p>
        <strong>Kept:</strong> a pre-restore backup of the current database is taken before anything is replaced, so this restore can be undone.
      </p>
    </ConfirmDialog>
  );
}
