import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { MethodInput } from '../../../../shared/contract';
import type { DeploymentStatus } from '../../../../shared/types/fleet';
import { useApi } from '../../api/connection-context';
import { newOperationId } from '../../api/operation-activity';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { Field } from '../../components/Field';
import { plural } from '../../lib/format';
import { useReadOnly } from '../../queries/host-info';

// The Fleet page's "Verify all…" and "Back up all…": the person reads what will happen to how
// many deployments, and starts it. The host keeps it as a job; FleetActionProgress shows it (from
// the job, so a reload finds it again).

export type VerifyAllInput = Omit<MethodInput<'fleetVerify'>, 'operationId'>;
export type BackUpAllInput = Omit<MethodInput<'fleetBackup'>, 'operationId'>;

const MAX_AT_ONCE = 16;
/** As `warden fleet verify` and `warden fleet backup` do by default. */
const VERIFY_AT_ONCE = 4;
const BACKUP_AT_ONCE = 2;

/** Starts the host's Verify all job; the request answers when it ends (its errors show on the page). */
export function useStartVerifyAll() {
  const api = useApi();
  return useMutation({ mutationFn: (input: VerifyAllInput) => api.fleetVerify({ ...input, operationId: newOperationId() }) });
}

/** Starts the host's Back up all job, likewise. */
export function useStartBackUpAll() {
  const api = useApi();
  return useMutation({ mutationFn: (input: BackUpAllInput) => api.fleetBackup({ ...input, operationId: newOperationId() }) });
}

const where = (group: string | null) => (group === null ? 'the fleet' : `the ${group} group`);

function AtOnceField({ value, onChange }: { value: number; onChange: (n: number) => void }) {
  return (
    <Field label="How many at a time">
      {(control) => (
        <input
          {...control}
          type="number"
          min={1}
          max={MAX_AT_ONCE}
          value={value}
          onChange={(e) => onChange(Math.min(MAX_AT_ONCE, Math.max(1, Number(e.target.value) || 1)))}
        />
      )}
    </Field>
  );
}

/** The deployments that cannot be reached now: they will be reported so, and the others still done. */
function UnreachableNote({ deployments }: { deployments: DeploymentStatus[] }) {
  const unreachable = deployments.filter((d) => d.status === 'unreachable');
  if (unreachable.length === 0) return null;
  return (
    <p className="rollout-form__warning">
      {plural(unreachable.length, 'deployment')} cannot be reached now ({unreachable.map((d) => d.name).join(', ')}): {unreachable.length === 1 ? 'it' : 'they'}{' '}
      will be reported unreachable; the others are still done.
    </p>
  );
}

function VerifyAllDialog({
  deployments,
  group,
  onStart,
  onClose,
}: {
  deployments: DeploymentStatus[];
  group: string | null;
  onStart: (input: VerifyAllInput) => void;
  onClose: () => void;
}) {
  const [level, setLevel] = useState<'quick' | 'full'>('quick');
  const [atOnce, setAtOnce] = useState(VERIFY_AT_ONCE);
  function submit(event: FormEvent) {
    event.preventDefault();
    onStart({ level, parallel: atOnce, ...(group !== null && { group }) });
    onClose(); // it runs on the host; its progress shows on the page from the job
  }
  return (
    <Dialog
      title={`Verify all ${plural(deployments.length, 'deployment')} of ${where(group)}?`}
      width="wide"
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose} data-autofocus>
            Cancel
          </Button>
          <Button type="submit" form="fleet-verify-all" variant="primary">
            Verify all
          </Button>
        </>
      }
    >
      <form id="fleet-verify-all" className="rollout-form" onSubmit={submit}>
        <fieldset className="fleet-action-form__levels">
          <legend className="field__label">Check</legend>
          <label>
            <input type="radio" name="level" value="quick" checked={level === 'quick'} onChange={() => setLevel('quick')} /> Quick: SQLite's quick_check and the
            schema
          </label>
          <label>
            <input type="radio" name="level" value="full" checked={level === 'full'} onChange={() => setLevel('full')} /> Full: integrity_check,
            foreign_key_check and the schema (reads every page; slower)
          </label>
        </fieldset>
        <AtOnceField value={atOnce} onChange={setAtOnce} />
        <p>
          Each of the {plural(deployments.length, 'deployment')} checks its own database ({level === 'quick' ? 'quick check' : 'full check'}),{' '}
          {atOnce === 1 ? 'one at a time' : `${atOnce} at a time`}, and says whether it is healthy and why not. Nothing in the databases changes.
        </p>
        <p className="muted">Cancel in the Jobs panel stops it: no deployment starts after that, and the checks under way are cancelled.</p>
        <UnreachableNote deployments={deployments} />
      </form>
    </Dialog>
  );
}

function BackUpAllDialog({
  deployments,
  group,
  onStart,
  onClose,
}: {
  deployments: DeploymentStatus[];
  group: string | null;
  onStart: (input: BackUpAllInput) => void;
  onClose: () => void;
}) {
  const [atOnce, setAtOnce] = useState(BACKUP_AT_ONCE);
  function submit(event: FormEvent) {
    event.preventDefault();
    onStart({ parallel: atOnce, ...(group !== null && { group }) });
    onClose();
  }
  return (
    <Dialog
      title={`Back up all ${plural(deployments.length, 'deployment')} of ${where(group)}?`}
      width="wide"
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose} data-autofocus>
            Cancel
          </Button>
          <Button type="submit" form="fleet-backup-all" variant="primary">
            Back up all
          </Button>
        </>
      }
    >
      <form id="fleet-backup-all" className="rollout-form" onSubmit={submit}>
        <AtOnceField value={atOnce} onChange={setAtOnce} />
        <p>
          Each of the {plural(deployments.length, 'deployment')} takes a backup of its own database into its own backups folder,{' '}
          {atOnce === 1 ? 'one at a time' : `${atOnce} at a time`}, checks the copy with SQLite's quick_check before keeping it, and fingerprints it. The
          databases themselves do not change (each records the backup in its history).
        </p>
        <p className="muted">Cancel in the Jobs panel stops it: no deployment starts after that, and the backups under way are cancelled and leave no file.</p>
        <UnreachableNote deployments={deployments} />
      </form>
    </Dialog>
  );
}

interface FleetActionsProps {
  /** The deployments shown (the group filter's). */
  deployments: DeploymentStatus[];
  group: string | null;
  /** A fleet job is running: one at a time from this page. */
  busy: boolean;
  onVerifyAll: (input: VerifyAllInput) => void;
  onBackUpAll: (input: BackUpAllInput) => void;
}

/** "Verify all…" (also for a read-only console: checks change nothing) and "Back up all…" (the operator's only). */
export function FleetActions({ deployments, group, busy, onVerifyAll, onBackUpAll }: FleetActionsProps) {
  const [open, setOpen] = useState<'verify' | 'backup' | null>(null);
  const readOnly = useReadOnly();
  const why = busy ? 'A job across the fleet is running; it shows below.' : undefined;
  const none = deployments.length === 0;
  return (
    <>
      <Button onClick={() => setOpen('verify')} disabled={busy || none} title={why}>
        Verify all…
      </Button>
      {!readOnly && (
        <Button onClick={() => setOpen('backup')} disabled={busy || none} title={why}>
          Back up all…
        </Button>
      )}
      {open === 'verify' && <VerifyAllDialog deployments={deployments} group={group} onStart={onVerifyAll} onClose={() => setOpen(null)} />}
      {open === 'backup' && <BackUpAllDialog deployments={deployments} group={group} onStart={onBackUpAll} onClose={() => setOpen(null)} />}
    </>
  );
}
