import { useState } from 'react';
import type { BackupInfo } from '../../../../shared/types/backups';
import type { Problem } from '../../../../shared/types/schema';
import { newestVerifiedBackup } from '../../../../shared/newest-verified-backup';
import { ActionButton } from '../../components/ActionButton';
import { ButtonLink } from '../../components/Button';
import { ErrorNotice } from '../../components/ErrorNotice';
import { OperationProgress } from '../../components/OperationProgress';
import { hrefFor } from '../../lib/routes';
import { RecoverRowsDialog } from '../../components/RecoverRowsDialog';
import { useRecoverRows } from '../../queries/recover-rows';

interface RecoverRowsActionProps {
  db: string;
  orphans: Problem[];
  backups: BackupInfo[] | undefined;
}

/** Recover rows: the missing parents copied back from the newest verified backup, after a dry run says how many. */
export function RecoverRowsAction({ db, orphans, backups }: RecoverRowsActionProps) {
  const [open, setOpen] = useState(false);
  const recover = useRecoverRows(db);
  const parent = orphans[0].expected ?? orphans[0].name;
  const from = backups ? newestVerifiedBackup(backups) : null;
  if (recover.isRunning)
    return <OperationProgress title="Recovering rows" operationId={recover.operationId} onCancel={recover.cancel} cancelling={recover.isCancelling} />;
  return (
    <>
      <div className="next-action__buttons">
        {from ? (
          <ActionButton method="recoverRows" variant="primary" onClick={() => setOpen(true)}>
            Recover rows of {parent}…
          </ActionButton>
        ) : (
          <ButtonLink variant="primary" href={hrefFor(db, 'backups')}>
            No verified backup to recover from: see the backups…
          </ButtonLink>
        )}
      </div>
      {recover.error != null && <ErrorNotice error={recover.error} context="The rows were not recovered" />}
      {open && from && (
        <RecoverRowsDialog
          db={db}
          offer={{ table: parent, backup: from.name, path: from.path, createdAt: from.createdAt, rows: 0 }}
          onConfirm={() => {
            setOpen(false);
            recover.start({ table: parent, backup: from.name });
          }}
          onClose={() => setOpen(false)}
        />
      )}
    </>
  );
}
