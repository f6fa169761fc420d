import { useState, type FormEvent } from 'react';
import type { ChecksumMismatch } from '../../../../shared/types/schema';
import { Button } from '../../components/Button';
import { ActionButton } from '../../components/ActionButton';
import { Dialog } from '../../components/Dialog';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Field } from '../../components/Field';
import { shortHash } from '../../lib/format';
import { useAcceptChecksum } from './overview-mutations';

function AcceptChecksumDialog({ db, mismatch, onClose }: { db: string; mismatch: ChecksumMismatch; onClose: () => void }) {
  const accept = useAcceptChecksum(db);
  const [reason, setReason] = useState('');
  const tooShort = reason.trim().length < 3;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!tooShort) accept.mutate({ version: mismatch.version, reason: reason.trim() }, { onSuccess: onClose });
  }

  return (
    <Dialog
      title={`Accept the edited ${mismatch.file}?`}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" form="accept-checksum" variant="primary" disabled={tooShort} busy={accept.isPending}>
            Accept the new checksum
          </Button>
        </>
      }
    >
      <form id="accept-checksum" onSubmit={submit} className="accept-checksum">
        <p>
          Version {mismatch.version} was applied from a file whose checksum was <code>{shortHash(mismatch.recorded)}</code>; the file now has{' '}
          <code>{shortHash(mismatch.current)}</code>. Accepting records the new checksum, who accepted it and why, in the database's audit log. The schema
          itself is not changed.
        </p>
        <Field label="Why is the edit safe?" help="At least 3 characters; kept in the history.">
          {(control) => (
            <textarea
              {...control}
              rows={3}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              data-autofocus
              placeholder="e.g. Comment-only change in review #123"
            />
          )}
        </Field>
        {accept.isError && <ErrorNotice error={accept.error} context="The checksum was not accepted" />}
      </form>
    </Dialog>
  );
}

/** The audited way out of a checksum mismatch: accept the edited file, with a reason. */
export function AcceptChecksumAction({ db, mismatch }: { db: string; mismatch: ChecksumMismatch }) {
  const [open, setOpen] = useState(false);
  return (
    <div className="next-action__row">
      <ActionButton method="acceptChecksum" variant="primary" onClick={() => setOpen(true)}>
        Review the edited migration…
      </ActionButton>
      <span className="muted">Migrations stay blocked until someone decides; put the original file back, or accept the edit.</span>
      {open && <AcceptChecksumDialog db={db} mismatch={mismatch} onClose={() => setOpen(false)} />}
    </div>
  );
}
