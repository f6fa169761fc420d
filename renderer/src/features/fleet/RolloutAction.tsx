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

// The Fleet page's "Rolling migrate…": the operator picks the version, the canary and how many
// at a time, reads what will happen, and starts it. The host keeps it as a job; RolloutProgress
// shows it (from the job, so a reload finds it again).

const MAX_AT_ONCE = 16;

/** Versions any deployment could be migrated to: its pending steps and its schema's latest; newest first. */
function targetVersions(deployments: DeploymentStatus[]): string[] {
  const versions = new Set(deployments.flatMap((d) => [...d.pending, ...(d.latest ? [d.latest] : [])]));
  const key = (v: string) => v.split('.').map(Number);
  return [...versions].sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    return y[0] - x[0] || y[1] - x[1] || y[2] - x[2];
  });
}

export type RolloutInput = MethodInput<'fleetMigrate'>;

/** Starts the host's rollout job; the request answers when the rollout ends (its errors show on the page). */
export function useStartRollout() {
  const api = useApi();
  return useMutation({ mutationFn: (input: Omit<RolloutInput, 'operationId'>) => api.fleetMigrate({ ...input, operationId: newOperationId() }) });
}

function RolloutDialog({ deployments, group, onStart, onClose }: { deployments: DeploymentStatus[]; group: string | null; onStart: (input: Omit<RolloutInput, 'operationId'>) => void; onClose: () => void }) {
  const versions = targetVersions(deployments);
  const [to, setTo] = useState(versions[0] ?? '');
  const needing = deployments.filter((d) => d.pending.includes(to));
  const [canary, setCanary] = useState('');
  const [atOnce, setAtOnce] = useState(1);
  const canaryName = canary || needing[0]?.name || '';
  const unreachable = deployments.filter((d) => d.state === 'unreachable');

  function submit(event: FormEvent) {
    event.preventDefault();
    onStart({ to, parallel: atOnce, ...(canary && { canary }), ...(group !== null && { group }) });
    // The rollout runs on the host; its progress shows on the page from the job, not from this request.
    onClose();
  }

  return (
    <Dialog
      title={`Roll ${to || 'a migration'} out to ${group === null ? 'the fleet' : `the ${group} group`}?`}
      width="wide"
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose} data-autofocus>Cancel</Button>
          <Button type="submit" form="fleet-rollout" variant="primary" disabled={!to || needing.length === 0}>
            Start the rolling migrate
          </Button>
        </>
      }
    >
      <form id="fleet-rollout" className="rollout-form" onSubmit={submit}>
        <div className="rollout-form__fields">
          <Field label="Target version">
            {(control) => (
              <select {...control} value={to} onChange={(e) => setTo(e.target.value)}>
                {versions.map((v) => <option key={v} value={v}>{v}</option>)}
              </select>
            )}
          </Field>
          <Field label="Canary" help="Migrated and verified before any other.">
            {(control) => (
              <select {...control} value={canary} onChange={(e) => setCanary(e.target.value)}>
                <option value="">{needing[0] ? `First that needs it (${needing[0].name})` : 'First that needs it'}</option>
                {needing.map((d) => <option key={d.name} value={d.name}>{d.name} ({d.group})</option>)}
              </select>
            )}
          </Field>
          <Field label="How many at a time" help="After the canary.">
            {(control) => <input {...control} type="number" min={1} max={MAX_AT_ONCE} value={atOnce} onChange={(e) => setAtOnce(Math.min(MAX_AT_ONCE, Math.max(1, Number(e.target.value) || 1)))} />}
          </Field>
        </div>
        <p>{plural(needing.length, 'deployment')} of {deployments.length} {needing.length === 1 ? 'needs' : 'need'} {to}. What happens:</p>
        <ol className="rollout-form__steps">
          <li>Every deployment rehearses {to} on a copy of its database. If one rehearsal fails, the rollout halts before any database is touched.</li>
          <li>The canary{canaryName && <>, <strong>{canaryName}</strong>,</>} is migrated, then verified in full (integrity, foreign keys, schema).</li>
          <li>Then the rest, {atOnce === 1 ? 'one at a time' : `${atOnce} at a time`}. The rollout halts at the first failure: what is under way finishes, nothing more starts.</li>
        </ol>
        <p className="muted">Each deployment takes its own verified backup before it migrates, and applies each step in its own transaction. Cancel in the Jobs panel stops it the same way a failure does.</p>
        {unreachable.length > 0 && <p className="rollout-form__warning">{plural(unreachable.length, 'deployment')} cannot be reached now ({unreachable.map((d) => d.name).join(', ')}): the rehearsals will fail there and nothing will be migrated.</p>}
      </form>
    </Dialog>
  );
}

/** "Rolling migrate…" on the Fleet page: the dialog, then the request that starts the host's job. */
export function RolloutAction({ deployments, group, running, onStart }: { deployments: DeploymentStatus[]; group: string | null; running: boolean; onStart: (input: Omit<RolloutInput, 'operationId'>) => void }) {
  const [open, setOpen] = useState(false);
  if (useReadOnly()) return null; // the host refuses it to a read-only console
  return (
    <>
      <Button variant="primary" onClick={() => setOpen(true)} disabled={running} title={running ? 'A job across the fleet is running; it shows below.' : undefined}>
        Rolling migrate…
      </Button>
      {open && <RolloutDialog deployments={deployments} group={group} onStart={onStart} onClose={() => setOpen(false)} />}
    </>
  );
}
