import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import type { DeploymentStatus } from '../../../../shared/types/fleet';
import { useApi } from '../../api/connection-context';
import { newOperationId } from '../../api/operation-activity';
import { Button } from '../../components/Button';
import { useReadOnly } from '../../queries/host-info';
import { RolloutDialog, type RolloutInput } from './RolloutDialog';

// The Fleet page's "Rolling migrate…": the dialog (RolloutDialog.tsx), then the request that
// starts the host's job. The host keeps it as a job; RolloutProgress shows it (from the job, so a
// reload finds it again).

/** Starts the host's rollout job; the request answers when the rollout ends (its errors show on the page). */
export function useStartRollout() {
  const api = useApi();
  return useMutation({ mutationFn: (input: RolloutInput) => api.fleetMigrate({ ...input, operationId: newOperationId() }) });
}

/** "Rolling migrate…" on the Fleet page: the dialog, then the request that starts the host's job. */
export function RolloutAction({
  deployments,
  group,
  running,
  onStart,
}: {
  deployments: DeploymentStatus[];
  group: string | null;
  running: boolean;
  onStart: (input: RolloutInput) => void;
}) {
  const [open, setOpen] = useState(false);
  if (useReadOnly()) return null; // the host refuses it to a read-only console
  return (
    <>
      <Button
        variant="primary"
        onClick={() => setOpen(true)}
        disabled={running}
        title={running ? 'A job across the fleet is running; it shows below.' : undefined}
      >
        Rolling migrate…
      </Button>
      {open && <RolloutDialog deployments={deployments} group={group} onStart={onStart} onClose={() => setOpen(false)} />}
    </>
  );
}
