import { usePreserveCopy } from '../queries/preserve-copy';
import { ActionButton } from './ActionButton';
import { ErrorNotice } from './ErrorNotice';
import { Notice } from './Notice';

/**
 * Preserve a copy: the first step on a damaged file without a verified backup (issue 21). A byte
 * copy of the file with its journal or WAL, listed under Backups as a damaged copy, never restored from.
 */
export function PreserveCopyAction({ db, primary = true }: { db: string; primary?: boolean }) {
  const preserve = usePreserveCopy(db);
  if (preserve.isSuccess) {
    const copy = preserve.data;
    const companions = copy.companions?.length ? ` with its ${copy.companions.map((c) => c.suffix).join(' and ')}` : '';
    return (
      <Notice tone="ok" title="A copy of the file as it is was preserved">
        <code>{copy.name}</code>
        {companions}, byte for byte, is under Backups as a damaged copy: it is kept for salvage and support, and never restored from.
      </Notice>
    );
  }
  return (
    <>
      {preserve.isError && <ErrorNotice error={preserve.error} context="No copy was preserved" />}
      <ActionButton method="preserveCopy" variant={primary ? 'primary' : undefined} busy={preserve.isPending} onClick={() => preserve.mutate()}>
        Preserve a copy
      </ActionButton>
    </>
  );
}
