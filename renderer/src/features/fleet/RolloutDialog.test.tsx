// @vitest-environment jsdom
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { DeploymentStatus, FleetStatusReport, RolloutReport } from '../../../../shared/types/fleet';
import { createFakeApi } from '../../test/fake-api';
import { hostInfo, job } from '../../test/fixtures';
import { renderConsole } from '../../test/render-console';
import { FleetView } from './FleetView';

// The rolling migrate's dialog and result on the Fleet page: which deployments take part (an
// unreachable one left out by default, with why), a start that its own prediction says will fail
// only after a confirmation naming which and why, and a result never green for an unhealthy one.

const AT = new Date().toISOString();

function deployment(name: string, state: DeploymentStatus['status'], extra: Partial<DeploymentStatus> = {}): DeploymentStatus {
  return {
    name,
    group: 'production',
    address: `/srv/${name}.db`,
    status: state,
    reason: `${name} is ${state}`,
    version: '1.0.0',
    latest: '1.2.0',
    pending: ['1.1.0', '1.2.0'],
    drift: { errors: 0, warnings: 0, first: null },
    lastVerifiedBackup: null,
    checkedAt: AT,
    ...extra,
  };
}

const fleetOf = (deployments: DeploymentStatus[]): FleetStatusReport => ({
  fleet: '/etc/warden/fleet.json',
  deployments,
  worst: deployments[0].status,
  checkedAt: AT,
  durationMs: 9,
  warnings: [],
});
const never = () => new Promise<never>(() => undefined);

async function openDialog(deployments: DeploymentStatus[]) {
  const api = createFakeApi({ fleetStatus: () => fleetOf(deployments), hostInfo: () => hostInfo({ operator: 'alice' }), jobs: () => [], fleetMigrate: never });
  renderConsole(<FleetView />, { api });
  fireEvent.click(await screen.findByRole('button', { name: 'Rolling migrate…' }));
  const dialog = screen.getByRole('dialog', { name: /^Roll .* out to the fleet\?$/ });
  fireEvent.change(within(dialog).getByLabelText('Target version'), { target: { value: '1.2.0' } });
  return { api, dialog: screen.getByRole('dialog', { name: 'Roll 1.2.0 out to the fleet?' }) };
}

const box = (dialog: HTMLElement, name: string) => within(dialog).getByRole('checkbox', { name }) as HTMLInputElement;

describe('the rollout dialog', () => {
  it('leaves an unreachable deployment out by default, says why, and starts the rollout of the others only', async () => {
    const { api, dialog } = await openDialog([
      deployment('vm6', 'unreachable', { version: null, latest: null, pending: [], reason: 'http://10.0.0.6:7373 did not answer status (ECONNREFUSED).' }),
      deployment('vm1', 'degraded'),
      deployment('vm2', 'degraded'),
    ]);
    expect(box(dialog, 'vm6').checked).toBe(false);
    expect([box(dialog, 'vm1').checked, box(dialog, 'vm2').checked]).toEqual([true, true]);
    const row = within(dialog).getByRole('row', { name: /vm6/ });
    expect(row.textContent).toContain('Left out: it cannot be reached: http://10.0.0.6:7373 did not answer status (ECONNREFUSED); left out, it stays as it is');
    expect(dialog.textContent).toContain('2 deployments of 3 in the rollout; 2 need 1.2.0. Left out, and not touched: vm6.');
    expect(within(dialog).getByRole('row', { name: /vm1/ }).textContent).toContain('Migrates: 1.0.0 → 1.2.0, 2 steps');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Start the rolling migrate' }));
    await waitFor(() =>
      expect(api.fleetMigrate).toHaveBeenCalledWith({ to: '1.2.0', parallel: 1, deployments: ['vm1', 'vm2'], operationId: expect.any(String) }),
    );
  });

  it('will not start what it foresees will fail without a confirmation that names which and why', async () => {
    const { api, dialog } = await openDialog([
      deployment('vm6', 'unreachable', { version: null, latest: null, pending: [], reason: 'ECONNREFUSED.' }),
      deployment('vm9', 'healthy', { version: '1.3.0', latest: '1.3.0', pending: [] }),
      deployment('vm1', 'degraded'),
    ]);
    // vm9 is newer than the target: its rehearsal fails, so the whole rollout would halt.
    const start = () => within(dialog).getByRole('button', { name: /^Start/ }) as HTMLButtonElement;
    expect(start().textContent).toBe('Start anyway');
    expect(start().disabled).toBe(true);
    expect(dialog.textContent).toContain('This rollout will halt with no database migrated: the rehearsal on 1 deployment is foreseen to fail.');
    expect(within(dialog).getByRole('group', { name: 'Foreseen to fail' }).textContent).toContain(
      'vm9: it is at 1.3.0, newer than 1.2.0: a rollout never downgrades.',
    );
    expect(document.getElementById(start().getAttribute('aria-describedby')!)!.textContent).toBe('Start stays off until you untick vm9 or confirm above.');
    // Ticking the unreachable one in adds it to what is foreseen to fail, with its reason.
    fireEvent.click(box(dialog, 'vm6'));
    expect(within(dialog).getByRole('group', { name: 'Foreseen to fail' }).textContent).toContain('vm6: it cannot be reached: ECONNREFUSED.');
    fireEvent.click(within(dialog).getByRole('checkbox', { name: /^Start anyway, knowing that vm6, vm9 will fail/ }));
    expect(start().disabled).toBe(false);
    fireEvent.click(start());
    await waitFor(() => expect(api.fleetMigrate).toHaveBeenCalledWith(expect.objectContaining({ deployments: ['vm6', 'vm9', 'vm1'] })));
  });

  it('unticking the ones foreseen to fail starts the rest without asking; with nothing to migrate it says so and stays off', async () => {
    const { api, dialog } = await openDialog([
      deployment('vm9', 'healthy', { version: '1.3.0', latest: '1.3.0', pending: [] }),
      deployment('vm1', 'degraded'),
      deployment('vm2', 'healthy', { version: '1.2.0', pending: [] }),
    ]);
    fireEvent.click(box(dialog, 'vm9'));
    expect(within(dialog).queryByRole('group', { name: 'Foreseen to fail' })).toBeNull();
    fireEvent.click(box(dialog, 'vm1'));
    const start = within(dialog).getByRole('button', { name: 'Start the rolling migrate' }) as HTMLButtonElement;
    expect(start.disabled).toBe(true);
    expect(document.getElementById(start.getAttribute('aria-describedby')!)!.textContent).toBe('Nothing to start: none of the deployments ticked needs 1.2.0.');
    fireEvent.click(box(dialog, 'vm1'));
    fireEvent.click(start);
    await waitFor(() => expect(api.fleetMigrate).toHaveBeenCalledWith(expect.objectContaining({ deployments: ['vm1', 'vm2'] })));
  });
});

describe("a rollout's result", () => {
  it('never shows an unhealthy deployment at the target as a success, and says so in the summary', async () => {
    const report: RolloutReport = {
      fleet: '/etc/warden/fleet.json',
      to: '1.2.0',
      canary: 'vm1',
      parallel: 1,
      outcome: 'completed',
      haltedBecause: null,
      durationMs: 900,
      deployments: [
        {
          name: 'vm1',
          group: 'production',
          address: '/srv/vm1.db',
          canary: true,
          from: '1.0.0',
          version: '1.2.0',
          outcome: 'migrated',
          detail: 'migrated to 1.2.0 and verified (healthy)',
          health: { status: 'healthy', reason: 'All checks passed.' },
        },
        {
          name: 'vm4',
          group: 'production',
          address: '/srv/vm4.db',
          canary: false,
          from: '1.2.0',
          version: '1.2.0',
          outcome: 'already at target',
          detail: 'already at 1.2.0',
          health: { status: 'unhealthy', reason: 'Table file_metadata is missing.' },
        },
      ],
    };
    const done = job({ id: 'rollout-1', kind: 'fleetMigrate', db: 'fleet', options: { to: '1.2.0', parallel: 1 }, state: 'done', endedAt: AT, result: report });
    const api = createFakeApi({
      fleetStatus: () =>
        fleetOf([deployment('vm4', 'unhealthy', { version: '1.2.0', pending: [] }), deployment('vm1', 'healthy', { version: '1.2.0', pending: [] })]),
      hostInfo: () => hostInfo({ operator: 'alice' }),
      jobs: () => [done],
    });
    renderConsole(<FleetView />, { api });
    const table = await screen.findByRole('table', { name: 'Rolling migrate to 1.2.0, by deployment' });
    const cell = (name: string) => table.querySelector(`tr[data-deployment="${name}"] .rollout__outcome`)!;
    expect(cell('vm4').textContent).toBe('At 1.2.0 already, unhealthy');
    expect(cell('vm4').className).toContain('rollout__outcome--bad');
    expect(cell('vm1').className).toContain('rollout__outcome--good');
    expect(within(table).getByRole('row', { name: /vm4/ }).textContent).toContain('Unhealthy: Table file_metadata is missing.');
    expect(screen.getByRole('status', { name: '' }).textContent).toBe(
      'Completed with 1 unhealthy deployment: every deployment is at 1.2.0, but vm4 is unhealthy: Table file_metadata is missing.',
    );
  });

  it('a report that does not say the health (from before the rollout said it) takes it from the fleet as it is now', async () => {
    const report: RolloutReport = {
      fleet: '/etc/warden/fleet.json',
      to: '1.2.0',
      canary: null,
      parallel: 1,
      outcome: 'completed',
      haltedBecause: null,
      durationMs: 90,
      deployments: [
        {
          name: 'vm4',
          group: 'production',
          address: '/srv/vm4.db',
          canary: false,
          from: '1.2.0',
          version: '1.2.0',
          outcome: 'already at target',
          detail: 'already at 1.2.0',
        },
      ],
    };
    const done = job({ id: 'rollout-2', kind: 'fleetMigrate', db: 'fleet', options: { to: '1.2.0', parallel: 1 }, state: 'done', endedAt: AT, result: report });
    const api = createFakeApi({
      fleetStatus: () => fleetOf([deployment('vm4', 'unhealthy', { version: '1.2.0', pending: [], reason: 'Index idx_a is missing.' })]),
      hostInfo: () => hostInfo({ operator: 'alice' }),
      jobs: () => [done],
    });
    renderConsole(<FleetView />, { api });
    const table = await screen.findByRole('table', { name: 'Rolling migrate to 1.2.0, by deployment' });
    const outcome = table.querySelector('tr[data-deployment="vm4"] .rollout__outcome')!;
    expect(outcome.textContent).toBe('At 1.2.0 already, unhealthy');
    expect(outcome.className).not.toContain('--good');
  });
});
