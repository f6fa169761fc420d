import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { DeploymentStatus } from '../../../../shared/types/fleet';
import { useApi, useHostKind } from '../../api/connection-context';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Field } from '../../components/Field';
import { fleetKeys } from './fleet-queries';

// What only the desktop app does on the Fleet page: open a fleet file (a native dialog), keep an
// agent's token in the OS keychain (Set token…), and open a deployment in a window of its own.
// In the web console the fleet file comes from `warden serve --fleet` and tokens from its files.

/** Opens a fleet file chosen in the desktop app's dialog; the page shows it once it is open. */
export function useOpenFleet() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.openFleet({}),
    onSuccess: (opened) => {
      if (opened) void queryClient.invalidateQueries({ queryKey: fleetKeys.all });
    },
  });
}

export function OpenFleetButton({ variant = 'secondary' }: { variant?: 'primary' | 'secondary' }) {
  const open = useOpenFleet();
  return (
    <>
      <Button variant={variant} onClick={() => open.mutate()} disabled={open.isPending}>
        Open fleet file…
      </Button>
      {open.isError && <ErrorNotice error={open.error} context="The fleet file was not opened" />}
    </>
  );
}

function TokenDialog({ name, onClose }: { name: string; onClose: () => void }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [token, setToken] = useState('');
  const keep = useMutation({
    mutationFn: () => api.keepFleetToken({ deployment: name, token: token.trim() }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: fleetKeys.all });
      onClose();
    },
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    keep.mutate();
  }
  return (
    <Dialog
      title={`Set the token of ${name}`}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" form="fleet-token" variant="primary" disabled={!token.trim() || keep.isPending}>
            Keep the token
          </Button>
        </>
      }
    >
      <form id="fleet-token" onSubmit={submit}>
        <Field
          label="Agent token"
          help="The token its warden serve printed when it started. This app keeps it encrypted by your system's keychain and never shows it again."
        >
          {(control) => (
            <input {...control} type="password" autoComplete="off" spellCheck={false} value={token} onChange={(e) => setToken(e.target.value)} data-autofocus />
          )}
        </Field>
        {keep.isError && <ErrorNotice error={keep.error} context="The token was not kept" />}
      </form>
    </Dialog>
  );
}

/** Set token… / Forget token for a deployment whose token the desktop app keeps (tokenKeychain). */
function TokenAction({ d }: { d: DeploymentStatus }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [setting, setSetting] = useState(false);
  const forget = useMutation({
    mutationFn: () => api.forgetFleetToken({ deployment: d.name }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: fleetKeys.all }),
  });
  if (d.keychain === 'kept') {
    return (
      <Button size="small" variant="ghost" onClick={() => forget.mutate()} disabled={forget.isPending} aria-label={`Forget the token of ${d.name}`}>
        Forget token
      </Button>
    );
  }
  return (
    <>
      <Button size="small" variant="primary" onClick={() => setSetting(true)} aria-label={`Set the token of ${d.name}`}>
        Set token…
      </Button>
      {setting && <TokenDialog name={d.name} onClose={() => setSetting(false)} />}
    </>
  );
}

/** Opens the deployment in the full console: a window of its own in the desktop app, a page through the host in a browser. */
function OpenDeployment({ name }: { name: string }) {
  const api = useApi();
  const open = useMutation({ mutationFn: () => api.openDeployment({ deployment: name }) });
  if (useHostKind() === 'http') {
    // The host passes the calls on with the deployment's own token: the page never holds it.
    return (
      <a className="button button--secondary button--small" href={`?deployment=${encodeURIComponent(name)}#/`} aria-label={`Open ${name}`}>
        Open
      </a>
    );
  }
  return (
    <Button size="small" variant="secondary" onClick={() => open.mutate()} aria-label={`Open ${name}`}>
      Open
    </Button>
  );
}

/** A deployment row's actions: Open when it answers, and the token it needs in the desktop app. */
export function DeploymentActions({ d }: { d: DeploymentStatus }) {
  return (
    <span className="fleet__actions">
      {d.keychain !== undefined && <TokenAction d={d} />}
      {d.status !== 'unreachable' && <OpenDeployment name={d.name} />}
    </span>
  );
}
