import type { RowsInBackup } from '../../../shared/types/integrity';
import { TableFrame } from './TableFrame';
import { ConfirmDialog } from './ConfirmDialog';
import { ErrorNotice } from './ErrorNotice';
import { LoadingState } from './QueryStates';
import { plural } from '../lib/format';
import { useRecoveryPlan } from '../queries/recover-rows';

interface RecoverRowsDialogProps {
  db: string;
  offer: RowsInBackup;
  onConfirm: () => void;
  onClose: () => void;
}

/** Before rows are copied back: how many per table, read from a dry run of the same recovery. */
export function RecoverRowsDialog({ db, offer, onConfirm, onClose }: RecoverRowsDialogProps) {
  const plan = useRecoveryPlan(db, offer.table, offer.backup);
  const copied = plan.data?.tables.reduce((n, t) => n + t.copied, 0) ?? 0;
  return (
    <ConfirmDialog
      title={`Recover rows of ${offer.table}?`}
      confirmLabel="Take a backup and copy the rows back"
      onConfirm={onConfirm}
      onClose={onClose}
      confirmDisabled={!plan.data || copied === 0}
    >
      <p>
        Rows missing here are copied back from the verified backup <code>{offer.backup}</code>, matched by primary key; no row that is here is overwritten.
        First a verified <strong>pre-recover backup</strong> is taken.
      </p>
      {plan.isPending && <LoadingState label="Counting the rows to copy back…" />}
      {plan.isError && <ErrorNotice error={plan.error} context="The rows could not be counted" />}
      {plan.data && (
        <TableFrame label="Rows to copy back, by table">
          <table className="data-table">
            <caption>{copied ? `${plural(copied, 'row')} would be copied back` : 'No row would be copied'}</caption>
            <thead>
              <tr>
                <th scope="col">Table</th>
                <th scope="col">In backup</th>
                <th scope="col">Missing</th>
                <th scope="col">To copy</th>
              </tr>
            </thead>
            <tbody>
              {plan.data.tables.map((t) => (
                <tr key={t.table}>
                  <th scope="row">{t.table}</th>
                  <td>{t.inBackup}</td>
                  <td>{t.missing}</td>
                  <td>{t.copied}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableFrame>
      )}
      {plan.data?.tables.some((t) => t.withoutParent > 0) && (
        <p className="muted">
          Left out, because their parent row is in neither the database nor the recovery:{' '}
          {plan.data.tables
            .filter((t) => t.withoutParent > 0)
            .map((t) => `${plural(t.withoutParent, 'row')} of ${t.table}`)
            .join(', ')}
          .
        </p>
      )}
    </ConfirmDialog>
  );
}
