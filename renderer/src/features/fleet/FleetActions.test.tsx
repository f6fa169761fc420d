// @vitest-environment jsdom
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import type { DeploymentStatus, FleetActionEntry, FleetActionReport, FleetStatusReport } from '../../../../shared/types/fleet';
import type { HostInfo, Job } from '../../../../shared/types/jobs';
import { useJobAnnouncements } from '../../queries/jobs';
import { createFakeApi } from '../../test/fake-api';
import { hostInfo, job } from '../../test/fixtures';
import { renderConsole } from '../../test/render-console';
import { FleetView } from './FleetView';

// Verify all and Back up all on the Fleet page: the confirmation says what happens to how many
// deployments, the request starts the host's job, and the job's progress (host events) shows
// each deployment's step, then the result with which failed and why.

function WithJobEvents({ children }: { children: ReactNode }) {
  useJobAnnouncements();
  return children;
}

const AT = new Date().toISOString();

function deployment(name: string, group: string, state: DeploymentStatus['status']): DeploymentStatus {
  return {
    name,
    group,
    address: `/srv/${name}.db`,
    status: state,
    reason: state === 'unreachable' ? 'http://10.0.0.6:7373 did not answer listDatabases (ECONNREFUSED).' : `${name} is ${state}`,
    version: '1.2.0',
    latest: '1.2.0',
    pending: [],
    drift: { errors: 0, warnings: 0, first: null },
    lastVerifiedBackup: null,
    checkedAt: AT,
  };
}

const ALL = [
  deployment('vm6', 'production', 'unreachable'),
  deployment('vm4', 'production', 'healthy'),
  deployment('vm2', 'staging', 'healthy'),
  deployment('vm1', 'staging', 'healthy'),
];

const statusOf = (group?: string): FleetStatusReport => {
  const deployments = ALL.filter((d) => group === undefined || d.group === group);
  return { fleet: '/etc/warden/fleet.json', deployments, worst: deployments[0].status, checkedAt: AT, durationMs: 9, warnings: [] };
};

const HOST_INFO: HostInfo = hostInfo({ operator: 'alice', processActor: 'ops@vm0 (pid 1)' });

const entry = (name: string, step: FleetActionEntry['step'], extra: Partial<FleetActionEntry> = {}): FleetActionEntry => ({
  name,
  group: name === 'vm6' || name === 'vm4' ? 'production' : 'staging',
  address: `/srv/${name}.db`,
  step,
  status: null,
  detail: '',
  version: null,
  ...extra,
});

const never = () => new Promise<never>(() => undefined); // the job runs on the host; its request answers when it ends

describe('Verify all and Back up all on the Fleet page', () => {
  it('verifies all in full after a confirmation, shows each deployment live from the job, then which failed and why, and reads the fleet again', async () => {
    let jobs: Job[] = [];
    const api = createFakeApi({
      fleetStatus: ({ group }) => statusOf(group),
      hostInfo: () => HOST_INFO,
      jobs: () => jobs,
      fleetVerify: never,
      cancel: () => ({ cancelled: true }),
    });
    const { emit } = renderConsole(
      <WithJobEvents>
        <FleetView />
      </WithJobEvents>,
      { api },
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Verify all…' }));
    const dialog = screen.getByRole('dialog', { name: 'Verify all 4 deployments of the fleet?' });
    expect(dialog.textContent).toContain('Each of the 4 deployments checks its own database (quick check), 4 at a time');
    expect(dialog.textContent).toContain('1 deployment cannot be reached now (vm6): it will be reported unreachable; the others are still done.');
    fireEvent.click(within(dialog).getByLabelText(/^Full:/));
    expect(dialog.textContent).toContain('(full check)');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Verify all' }));
    await waitFor(() =>
      expect(api.fleetVerify).toHaveBeenCalledWith({ level: 'full', parallel: 4, operationId: expect.stringMatching(/^[A-Za-z0-9-]{8,64}$/) }),
    );
    expect(screen.queryByRole('dialog')).toBeNull();

    // The host announces the job, then each deployment's step as its progress.
    const running = job({ id: 'verify-all-job-1', kind: 'fleetVerify', db: 'fleet', options: { level: 'full', parallel: 4 }, progress: null });
    jobs = [running];
    emit({ type: 'job', job: running });
    const progress = {
      operation: 'fleetVerify',
      phase: 'Verifying every deployment',
      done: 1,
      total: 4,
      fleetAction: [
        entry('vm6', 'done', { status: 'unreachable', detail: 'ECONNREFUSED' }),
        entry('vm4', 'running', { detail: 'verifying…' }),
        entry('vm2', 'waiting'),
        entry('vm1', 'waiting'),
      ],
    };
    emit({ type: 'progress', operationId: 'verify-all-job-1', db: 'fleet', progress });
    const table = await screen.findByRole('table', { name: 'Verify all (full), by deployment' });
    const cell = (name: string) => table.querySelector(`tr[data-deployment="${name}"] .rollout__outcome`)?.textContent;
    expect([cell('vm6'), cell('vm4'), cell('vm2'), cell('vm1')]).toEqual(['Unreachable', 'Verifying…', 'Waiting', 'Waiting']);
    expect(screen.getByRole('progressbar', { name: 'Verify all (full)' }).getAttribute('aria-valuenow')).toBe('25');
    expect(screen.getByRole('button', { name: 'Verify all…' })).toHaveProperty('disabled', true); // one job across the fleet at a time
    expect(screen.getByRole('button', { name: 'Back up all…' })).toHaveProperty('disabled', true);

    const statusReads = api.fleetStatus.mock.calls.length;
    const report: FleetActionReport = {
      fleet: '/etc/warden/fleet.json',
      action: 'verify',
      worst: 'unreachable',
      stoppedBecause: null,
      notDone: [],
      deployments: [
        {
          name: 'vm6',
          group: 'production',
          address: 'http://10.0.0.6:7373',
          status: 'unreachable',
          detail: 'http://10.0.0.6:7373 did not answer verify (ECONNREFUSED).',
          version: null,
          durationMs: 3,
        },
        {
          name: 'vm4',
          group: 'production',
          address: '/srv/vm4.db',
          status: 'unhealthy',
          detail: '1 row(s) of session_file_associations point at missing rows of conversation_files.',
          version: '1.2.0',
          durationMs: 40,
        },
        { name: 'vm1', group: 'staging', address: '/srv/vm1.db', status: 'healthy', detail: 'All checks passed.', version: '1.2.0', durationMs: 30 },
        { name: 'vm2', group: 'staging', address: '/srv/vm2.db', status: 'healthy', detail: 'All checks passed.', version: '1.2.0', durationMs: 30 },
      ],
    };
    emit({ type: 'job', job: { ...running, state: 'done', endedAt: new Date().toISOString(), result: report } });
    expect(await screen.findByText('4 verified: 1 unreachable, 1 unhealthy, 2 healthy.')).toBeTruthy();
    const ended = screen.getByRole('table', { name: 'Verify all (full), by deployment' });
    expect(
      within(ended)
        .getAllByRole('rowheader')
        .map((c) => c.textContent),
    ).toEqual(['vm6', 'vm4', 'vm1', 'vm2']);
    expect(within(ended).getByRole('row', { name: /vm4/ }).textContent).toContain('Unhealthy1 row(s) of session_file_associations point at missing rows');
    await waitFor(() => expect(api.fleetStatus.mock.calls.length).toBeGreaterThan(statusReads));
    expect(screen.getByRole('button', { name: 'Verify all…' })).toHaveProperty('disabled', false);
  });

  it('backs up the group shown, says what happens to how many, and after Cancel names the deployments that were not done', async () => {
    let jobs: Job[] = [];
    const api = createFakeApi({
      fleetStatus: ({ group }) => statusOf(group),
      hostInfo: () => HOST_INFO,
      jobs: () => jobs,
      fleetBackup: never,
      cancel: () => ({ cancelled: true }),
    });
    const { emit } = renderConsole(
      <WithJobEvents>
        <FleetView />
      </WithJobEvents>,
      { api },
    );
    await screen.findByRole('table');
    fireEvent.change(screen.getByLabelText('Group'), { target: { value: 'staging' } });
    await waitFor(() => expect(api.fleetStatus).toHaveBeenCalledWith({ group: 'staging' }));
    await waitFor(() => expect(within(screen.getByRole('table')).getAllByRole('rowheader')).toHaveLength(2));
    fireEvent.click(screen.getByRole('button', { name: 'Back up all…' }));
    const dialog = screen.getByRole('dialog', { name: 'Back up all 2 deployments of the staging group?' });
    expect(dialog.textContent).toContain('Each of the 2 deployments takes a backup of its own database into its own backups folder, 2 at a time');
    fireEvent.change(within(dialog).getByLabelText('How many at a time'), { target: { value: '1' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Back up all' }));
    await waitFor(() => expect(api.fleetBackup).toHaveBeenCalledWith({ parallel: 1, group: 'staging', operationId: expect.any(String) }));

    const running = job({
      id: 'backup-all-job-1',
      kind: 'fleetBackup',
      db: 'fleet',
      options: { parallel: 1, group: 'staging' },
      progress: {
        operation: 'fleetBackup',
        phase: 'Backing up the staging group',
        done: 0,
        total: 2,
        fleetAction: [entry('vm2', 'running'), entry('vm1', 'waiting')],
      },
    });
    jobs = [running];
    emit({ type: 'job', job: running });
    const section = (await screen.findByRole('heading', { name: 'Back up all in staging' })).closest('section')!;
    expect(within(section).getByRole('row', { name: /vm2/ }).textContent).toContain('Backing up…');
    fireEvent.click(within(section).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(api.cancel).toHaveBeenCalledWith({ operationId: 'backup-all-job-1' }));

    const report: FleetActionReport = {
      fleet: '/etc/warden/fleet.json',
      action: 'backup',
      worst: 'healthy',
      stoppedBecause: 'it was stopped (Cancel in the Jobs panel) with 1 of 2 deployment(s) not done',
      deployments: [
        {
          name: 'vm2',
          group: 'staging',
          address: '/srv/vm2.db',
          status: 'healthy',
          detail: 'vm2-2026-11-30T20-00-00-000Z-manual.sqlite (40960 bytes, verified)',
          version: '1.2.0',
          durationMs: 80,
          backedUp: true,
        },
      ],
      notDone: [{ name: 'vm1', group: 'staging', address: '/srv/vm1.db', detail: 'not started: it was stopped (Cancel in the Jobs panel)' }],
    };
    emit({ type: 'job', job: { ...running, state: 'done', endedAt: new Date().toISOString(), result: report } });
    expect(await within(section).findByText('Stopped: 1 of 2 backed up. It was stopped; the deployments marked Not done say why.')).toBeTruthy();
    expect(within(section).getByRole('row', { name: /vm2/ }).textContent).toContain('Backed up');
    expect(within(section).getByRole('row', { name: /vm1/ }).textContent).toContain('Not donenot started: it was stopped (Cancel in the Jobs panel)');
  });

  it('finds a running Back up all again after a reload; a read-only console may verify all but is offered no Back up all and no Cancel', async () => {
    const running = job({
      id: 'backup-all-job-2',
      kind: 'fleetBackup',
      db: 'fleet',
      options: { parallel: 2 },
      progress: {
        operation: 'fleetBackup',
        phase: 'Backing up every deployment',
        done: 1,
        total: 4,
        fleetAction: [
          entry('vm6', 'done', { status: 'unreachable', detail: 'ECONNREFUSED' }),
          entry('vm4', 'running'),
          entry('vm2', 'running'),
          entry('vm1', 'waiting'),
        ],
      },
    });
    const api = createFakeApi({
      fleetStatus: ({ group }) => statusOf(group),
      hostInfo: () => hostInfo({ operator: 'alice', readOnly: true }),
      jobs: () => [running],
    });
    renderConsole(<FleetView />, { api });
    const table = await screen.findByRole('table', { name: 'Back up all, by deployment' });
    expect(within(table).getByRole('row', { name: /vm6/ }).textContent).toContain('UnreachableECONNREFUSED');
    expect(within(table).getAllByText('Backing up…')).toHaveLength(2);
    await waitFor(() => expect(api.hostInfo).toHaveBeenCalled());
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Back up all…' })).toBeNull());
    expect(screen.getByRole('button', { name: 'Verify all…' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Cancel' })).toBeNull();
  });
});
