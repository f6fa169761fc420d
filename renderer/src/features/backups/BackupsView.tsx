import { useId, useState } from 'react';
import { TableFrame } from '../../components/TableFrame';
import type { BackupInfo, BackupVerification, RestoreResult } from '../../../../shared/types/backups';
import { ActionButton } from '../../components/ActionButton';
import { PreserveCopyAction } from '../../components/PreserveCopyAction';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Notice } from '../../components/Notice';
import { OperationProgress } from '../../components/OperationProgress';
import { Panel } from '../../components/Panel';
import { EmptyState, LoadingState } from '../../components/QueryStates';
import { verificationWords } from '../../lib/backup-verification';
import { formatBytes, plural } from '../../lib/format';
import { useBackupChecks, useBackups, useRestore } from '../../queries/backups';
import { useRefusal } from '../../queries/host-info';
import { useStatus } from '../../queries/status';
import { newestVerifiedBackup } from '../../../../shared/newest-verified-backup';
import { BackupSchedulePanel } from './BackupSchedulePanel';
import { BackupsTable } from './BackupsTable';
import { useBackupNow, useOpenBackup, useVerifyBackup } from './backups-queries';
import { RestoreDialog } from './RestoreDialog';
import './backups.css';

function VerificationOutcome({ result }: { result: BackupVerification }) {
  if (result.ok) {
    return (
      <Notice tone="ok" title={`${result.name} checks out`}>
        Its SHA-256 matches and SQLite's {result.integrity.level === 'quick' ? 'quick_check' : 'integrity_check'} passed.
      </Notice>
    );
  }
  return (
    <Notice tone="bad" title={`${result.name} failed verification`} urgent>
      {!result.hashMatches && <p>Its SHA-256 no longer matches the one recorded when it was taken: the file changed.</p>}
      {result.problems.length > 0 && (
        <ul className="plain-list">
          {result.problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      <p>Do not restore from it.</p>
    </Notice>
  );
}

function RestoreOutcome({ result }: { result: RestoreResult }) {
  return (
    <Notice tone="ok" title={`Restored from ${result.restoredFrom.name}`}>
      <p>The database is back at version {result.version ?? 'none'}, as it was when that backup was taken.</p>
      {result.downgradedFrom && <p>It was at {result.downgradedFrom}: this is a downgrade.</p>}
      <p>
        Its history since the backup ({result.carriedEvents} {result.carriedEvents === 1 ? 'event' : 'events'}) was carried across: History shows it.
      </p>
      {result.preRestoreBackup ? (
        <p>
          What it replaced is kept as <code>{result.preRestoreBackup.name}</code>: restore that to undo this.
        </p>
      ) : (
        <p>There was no database here before, so nothing had to be kept.</p>
      )}
    </Notice>
  );
}

/** Backups with time, reason, version, size and verification; Backup now, Verify, Restore. */
export function BackupsView({ db }: { db: string }) {
  const backups = useBackups(db);
  const status = useStatus(db);
  const backupNow = useBackupNow(db);
  const verify = useVerifyBackup(db);
  const checks = useBackupChecks(db);
  const restore = useRestore(db);
  const openBackup = useOpenBackup(db);
  const [restoring, setRestoring] = useState<BackupInfo | null>(null);
  const busy = backupNow.isRunning || verify.isRunning || restore.isRunning;
  const restoreRefusal = useRefusal('restore');
  const restoreRefusalId = useId();
  // Opening a backup shows its rows: a console that may not read rows is not offered it.
  const openRefusal = useRefusal('openBackup');

  return (
    <Panel
      title="Backups"
      subtitle={backups.data ? `${plural(backups.data.length, 'backup')}, newest first` : undefined}
      actions={
        <>
          {/* A damaged file cannot be backed up (its copy fails the check): keep it as it is instead. */}
          {status.data?.integrity?.ok === false && <PreserveCopyAction db={db} />}
          <ActionButton
            method="backup"
            variant={status.data?.integrity?.ok === false ? undefined : 'primary'}
            onClick={() => backupNow.start()}
            disabled={busy}
          >
            Back up now
          </ActionButton>
        </>
      }
    >
      {backupNow.isRunning && (
        <OperationProgress title="Backing up" operationId={backupNow.operationId} onCancel={backupNow.cancel} cancelling={backupNow.isCancelling} />
      )}
      {backupNow.error != null && <ErrorNotice error={backupNow.error} context="No backup was taken" />}
      {backupNow.result && (
        <Notice tone="ok" title={`Backed up: ${backupNow.result.name}`}>
          {formatBytes(backupNow.result.bytes)} at version {backupNow.result.version ?? 'none'}; {verificationWords(backupNow.result)}.
        </Notice>
      )}
      {verify.isRunning && (
        <OperationProgress
          title={`Verifying ${verify.variables ?? ''}`}
          operationId={verify.operationId}
          onCancel={verify.cancel}
          cancelling={verify.isCancelling}
        />
      )}
      {verify.error != null && <ErrorNotice error={verify.error} context="The backup could not be verified" />}
      {verify.result && <VerificationOutcome result={verify.result} />}
      {restore.isRunning && (
        <OperationProgress
          title={`Restoring ${restore.variables ?? ''}`}
          operationId={restore.operationId}
          onCancel={restore.cancel}
          cancelling={restore.isCancelling}
        />
      )}
      {restore.error != null && <ErrorNotice error={restore.error} context="Nothing was restored" />}
      {restore.result && <RestoreOutcome result={restore.result} />}
      {openBackup.error != null && <ErrorNotice error={openBackup.error} context="The backup could not be opened" />}

      <BackupSchedulePanel db={db} newestVerified={backups.data ? newestVerifiedBackup(backups.data) : null} />
      {backups.isPending && <LoadingState label="Listing backups…" />}
      {backups.isError && <ErrorNotice error={backups.error} context="The backups could not be listed" />}
      {backups.data?.length === 0 && (
        <EmptyState title="No backups yet">
          Back up now takes an online backup (safe while the service writes), verifies it and lists it here. Migrate, repair and restore take one on their own.
        </EmptyState>
      )}
      {backups.data && backups.data.length > 0 && restoreRefusal !== null && (
        <p id={restoreRefusalId} className="muted backups__refusal">
          {restoreRefusal} Verify checks a backup and changes nothing.
        </p>
      )}
      {backups.data && backups.data.length > 0 && (
        <TableFrame label="Backups" className="backups__table">
          <BackupsTable
            backups={backups.data}
            checks={checks}
            busy={busy}
            onVerify={(b) => verify.start(b.name)}
            onRestore={setRestoring}
            onOpen={openRefusal === null ? (b) => openBackup.mutate(b.name) : undefined}
            restoreRefusedBy={restoreRefusal === null ? null : restoreRefusalId}
          />
        </TableFrame>
      )}
      {restoring && (
        <RestoreDialog db={db} backup={restoring} current={status.data} onClose={() => setRestoring(null)} onConfirm={() => restore.start(restoring.name)} />
      )}
    </Panel>
  );
}
