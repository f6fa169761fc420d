// @vitest-environment jsdom
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { DeploymentStatus, FleetStatusReport } from '../../../../shared/fleet-types';
import { createFakeApi } from '../../test/fake-api';
import { renderConsole } from '../../test/render-console';
import { FleetView } from './FleetView';

const AT = new Date().toISOString();

function deployment(name: string, group: string, state: DeploymentStatus['state'], extra: Partial<DeploymentStatus> = {}): DeploymentStatus {
  return {
    name, group, address: `http://10.0.0.${name.length}:7373`, state, reason: `${name} is ${state}`, version: '1.2.0', latest: '1.2.0', pending: [],
    drift: { errors: 0, warnings: 0, first: null }, lastVerifiedBackup: null, checkedAt: AT, ...extra,
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
  return { fleet: '/etc/warden/fleet.json', deployments, worst: deployments[0].state, checkedAt: AT, durationMs: 12 };
}

describe('FleetView', () => {
  it('lists the deployments worst first, says why, opens the reachable ones, and filters by group', async () => {
    const api = createFakeApi({ fleetStatus: ({ group }) => report(group) });
    renderConsole(<FleetView />, { api });
    const table = await screen.findByRole('table');
    const names = within(table).getAllByRole('rowheader').map((cell) => cell.textContent);
    expect(names).toEqual(['vm6', 'vm4', 'vm2', 'vm1']);
    const unreachable = within(table).getByRole('row', { name: /vm6/ });
    expect(unreachable.textContent).toContain('Unreachable');
    expect(unreachable.textContent).toContain('ECONNREFUSED');
    expect(within(unreachable).queryByRole('link')).toBeNull(); // nothing to open
    expect(within(table).getByRole('row', { name: /vm4/ }).textContent).toContain('1 error');
    expect(within(table).getByRole('row', { name: /vm2/ }).textContent).toContain('1.1.0, 1.2.0');
    expect(within(table).getByRole('link', { name: 'Open vm1' }).getAttribute('href')).toBe('?deployment=vm1#/');

    fireEvent.change(screen.getByLabelText('Group'), { target: { value: 'staging' } });
    await waitFor(() => expect(within(screen.getByRole('table')).getAllByRole('rowheader').map((c) => c.textContent)).toEqual(['vm2', 'vm1']));
    expect(api.fleetStatus).toHaveBeenCalledWith({ group: 'staging' });
  });

  it('says so in words when the host has no fleet', async () => {
    renderConsole(<FleetView />, { api: createFakeApi() });
    expect(await screen.findByText(/This host does not offer fleetStatus/)).toBeTruthy();
  });
});
