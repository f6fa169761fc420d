// @vitest-environment jsdom
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { DeploymentStatus, FleetStatusReport } from '../../../../shared/types/fleet';
import { ApiError } from '../../api/api-error';
import { createFakeApi } from '../../test/fake-api';
import { renderConsole } from '../../test/render-console';
import { FleetView } from './FleetView';
import { fleetStatusQueryOptions, WAITING_REFETCH_MS } from './fleet-queries';

const AT = new Date().toISOString();

function deployment(name: string, group: string, state: DeploymentStatus['status'], extra: Partial<DeploymentStatus> = {}): DeploymentStatus {
  return {
    name,
    group,
    address: `http://10.0.0.${name.length}:7373`,
    status: state,
    reason: `${name} is ${state}`,
    version: '1.2.0',
    latest: '1.2.0',
    pending: [],
    drift: { errors: 0, warnings: 0, first: null },
    lastVerifiedBackup: null,
    checkedAt: AT,
    ...extra,
  };
}

const ALL = [
  deployment('vm6', 'production', 'unreachable', { version: null, reason: 'http://10.0.0.3:7373 did not answer listDatabases (ECONNREFUSED).' }),
  deployment('vm4', 'production', 'unhealthy', { drift: { errors: 1, warnings: 0, first: 'Index idx_a is missing.' } }),
  deployment('vm2', 'staging', 'degraded', { version: '1.0.0', pending: ['1.1.0', '1.2.0'] }),
  deployment('vm1', 'staging', 'healthy', { lastVerifiedBackup: { name: 'vm1-pre-migrate.sqlite', createdAt: AT, ageSeconds: 0 } }),
];

function report(group?: string): FleetStatusReport {
  const deployments = ALL.filter((d) => group === undefined || d.group === group);
  return { fleet: '/etc/warden/fleet.json', deployments, worst: deployments[0].status, checkedAt: AT, durationMs: 12, warnings: [] };
}

describe('FleetView', () => {
  it('says, above the table, which deployments are reached over plain HTTP with their token in the clear (as the CLI warns)', async () => {
    const warning =
      'vm9 is reached over plain HTTP (http://10.0.0.9:7373): its token crosses the network unencrypted with every call. Reach it through "ssh" (the agent on the VM\'s loopback), or put TLS in front of it (https://).';
    const api = createFakeApi({ fleetStatus: () => ({ ...report(), warnings: [warning] }) });
    renderConsole(<FleetView />, { api });
    const notice = (await screen.findByText('Tokens sent over plain HTTP')).closest('.notice')!;
    expect(notice.textContent).toContain(warning);
  });

  it('shows a deployment that has not answered yet as waiting, and one awaited again with its last answer, and asks again soon', async () => {
    const waiting = [
      deployment('hung', 'production', 'waiting', {
        version: null,
        latest: null,
        waitingSince: AT,
        reason: `Still waiting: no answer within 5 s (asked at ${AT}), and no earlier answer; the Fleet page shows its answer when it comes.`,
      }),
      deployment('slow', 'production', 'healthy', { waitingSince: AT, reason: 'Still waiting: no answer within 5 s; its last answer follows.' }),
    ];
    const api = createFakeApi({
      fleetStatus: () => ({ fleet: '/etc/warden/fleet.json', deployments: waiting, worst: 'waiting', checkedAt: AT, durationMs: 5000, warnings: [] }),
    });
    renderConsole(<FleetView />, { api });
    const table = await screen.findByRole('table');
    const hung = within(table).getByRole('row', { name: /hung/ });
    expect(hung.textContent).toContain('Waiting');
    expect(hung.textContent).toContain('no earlier answer');
    expect(hung.textContent).not.toContain('None'); // nothing is known of its pending steps, drift or backups yet
    const slow = within(table).getByRole('row', { name: /slow/ });
    expect(slow.textContent).toContain('still waiting for a new answer');
    expect(slow.textContent).toContain('its last answer follows');
    const interval = fleetStatusQueryOptions(api, null).refetchInterval as (query: unknown) => number;
    expect(interval({ state: { data: { deployments: waiting } } })).toBe(WAITING_REFETCH_MS);
    expect(interval({ state: { data: report() } })).toBe(60_000);
  });

  it('lists the deployments worst first, says why, opens the reachable ones, and filters by group', async () => {
    const api = createFakeApi({ fleetStatus: ({ group }) => report(group) });
    renderConsole(<FleetView />, { api });
    const table = await screen.findByRole('table');
    const names = within(table)
      .getAllByRole('rowheader')
      .map((cell) => cell.textContent);
    expect(names).toEqual(['vm6', 'vm4', 'vm2', 'vm1']);
    const unreachable = within(table).getByRole('row', { name: /vm6/ });
    expect(unreachable.textContent).toContain('Unreachable');
    expect(unreachable.textContent).toContain('ECONNREFUSED');
    expect(within(unreachable).queryByRole('link')).toBeNull(); // nothing to open
    expect(within(table).getByRole('row', { name: /vm4/ }).textContent).toContain('1 error');
    expect(within(table).getByRole('row', { name: /vm2/ }).textContent).toContain('1.1.0, 1.2.0');
    expect(within(table).getByRole('link', { name: 'Open vm1' }).getAttribute('href')).toBe('?deployment=vm1#/');

    fireEvent.change(screen.getByLabelText('Group'), { target: { value: 'staging' } });
    await waitFor(() =>
      expect(
        within(screen.getByRole('table'))
          .getAllByRole('rowheader')
          .map((c) => c.textContent),
      ).toEqual(['vm2', 'vm1']),
    );
    expect(api.fleetStatus).toHaveBeenCalledWith({ group: 'staging' });
  });

  it('in the desktop app: opens a fleet file when none is open, and opens a deployment in its own window', async () => {
    let opened = false;
    const api = createFakeApi({
      fleetStatus: ({ group }) => {
        if (!opened) throw new ApiError({ code: 'NOT_FOUND', message: 'No fleet file is open in this app.' }, 'fleetStatus');
        return report(group);
      },
      openFleet: () => {
        opened = true;
        return { path: '/etc/warden/fleet.json', deployments: 4, groups: ['production', 'staging'] };
      },
      openDeployment: ({ deployment }) => ({ deployment }),
    });
    renderConsole(<FleetView />, { api, kind: 'electron' });
    expect(await screen.findByText('No fleet file is open')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Open fleet file…' }));
    const table = await screen.findByRole('table');
    // No link that would navigate the app's window to a deployment: a button asks the app for a window of its own
    // (a drifting deployment's Compare link stays on the Fleet page).
    expect(
      within(table)
        .queryAllByRole('link')
        .map((a) => a.getAttribute('href')!)
        .filter((href) => !href.startsWith('#/fleet/compare?')),
    ).toEqual([]);
    fireEvent.click(within(table).getByRole('button', { name: 'Open vm1' }));
    await waitFor(() => expect(api.openDeployment).toHaveBeenCalledWith({ deployment: 'vm1' }));
  });

  it('in the desktop app: asks for the token the keychain lacks, sends it once, and offers to forget a kept one', async () => {
    const kept = new Set<string>();
    const api = createFakeApi({
      fleetStatus: () => ({
        ...report(),
        deployments: [
          deployment('vm7', 'production', 'unreachable', { keychain: kept.has('vm7') ? 'kept' : 'missing', reason: 'No token is kept for vm7 in this app.' }),
          deployment('vm8', 'production', 'healthy', { keychain: 'kept' }),
        ],
      }),
      keepFleetToken: ({ deployment: name, token }) => {
        if (token.includes(' '))
          throw new ApiError(
            { code: 'INVALID_INPUT', message: 'That is not an agent token: a token is 1 to 4,096 printable characters without spaces.' },
            'keepFleetToken',
          );
        kept.add(name);
        return { deployment: name, kept: true as const };
      },
      forgetFleetToken: ({ deployment: name }) => ({ deployment: name, forgotten: true }),
    });
    renderConsole(<FleetView />, { api, kind: 'electron' });
    fireEvent.click(await screen.findByRole('button', { name: 'Set the token of vm7' }));
    const dialog = await screen.findByRole('dialog', { name: 'Set the token of vm7' });
    const input = within(dialog).getByLabelText('Agent token') as HTMLInputElement;
    expect(input.type).toBe('password');
    fireEvent.change(input, { target: { value: 'two words' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Keep the token' }));
    expect(await within(dialog).findByText(/That is not an agent token/)).toBeTruthy();
    fireEvent.change(input, { target: { value: '  s3cret-token ' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Keep the token' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(api.keepFleetToken).toHaveBeenLastCalledWith({ deployment: 'vm7', token: 's3cret-token' });
    expect(await screen.findByRole('button', { name: 'Forget the token of vm7' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Forget the token of vm8' }));
    await waitFor(() => expect(api.forgetFleetToken).toHaveBeenCalledWith({ deployment: 'vm8' }));
  });

  it('says so in words when the host has no fleet', async () => {
    renderConsole(<FleetView />, { api: createFakeApi() });
    expect(await screen.findByText(/This host does not offer fleetStatus/)).toBeTruthy();
  });
});
