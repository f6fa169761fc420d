import { ActionButton } from '../../components/ActionButton';
import { ErrorNotice } from '../../components/ErrorNotice';
import { OperationProgress } from '../../components/OperationProgress';
import { useBackUp } from './overview-mutations';

/** Back up now: a verified backup (online copy, quick_check, SHA-256) into the database's backup folder. */
export function BackUpAction({ db }: { db: string }) {
  const backUp = useBackUp(db);
  if (backUp.isRunning)
    return <OperationProgress title="Backing up" operationId={backUp.operationId} onCancel={backUp.cancel} cancelling={backUp.isCancelling} />;
  return (
    <>
      <ActionButton method="backup" variant="primary" onClick={() => backUp.start()}>
        Back up now
      </ActionButton>
      {backUp.error != null && <ErrorNotice error={backUp.error} context="No backup was taken" />}
    </>
  );
}
