// @vitest-environment jsdom
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeploymentStatus, FleetStatusReport, SchemaComparison } from '../../../../shared/types/fleet';
import { createFakeApi } from '../../test/fake-api';
import { hostInfo } from '../../test/fixtures';
import { renderConsole } from '../../test/render-console';
import { FleetView } from './FleetView';
import { compareVersionNames } from './version-names';

// The Fleet page's Versions (deployments × the versions the fleet knows) and Compare schemas.

const AT = new Date().toISOString();

function deployment(name: string, state: DeploymentStatus['status'], version: string | null, extra: Partial<DeploymentStatus> = {}): DeploymentStatus {
  const all = ['1.0.0', '1.1.0', '1.2.0'];
  return {
    name,
    group: 'production',
    address: `/srv/${name}.db`,
    status: state,
    reason: `${name} is ${state}`,
    version,
    latest: '1.2.0',
    pending: all.filter((v) => version === null || compareVersionNames(v, version) > 0),
    drift: { errors: 0, warnings: 0, first: null },
    lastVerifiedBackup: null,
    checkedAt: AT,
    ...extra,
  };
}

const DEPLOYMENTS = [
  deployment('vm6', 'unreachable', null, { latest: null, pending: [], reason: 'http://10.0.0.6:7373 did not answer status (ECONNREFUSED).' }),
  deployment('vm4', 'unhealthy', '1.2.0', { reason: 'Table file_metadata is missing.' }),
  deployment('vm2', 'degraded', '1.0.0'),
  deployment('vm1', 'healthy', '1.1.0'),
  deployment('vm0', 'healthy', '1.3.0', { latest: '1.3.0' }),
];
const fleet: FleetStatusReport = {
  fleet: '/etc/warden/fleet.json',
  deployments: DEPLOYMENTS,
  worst: 'unreachable',
  checkedAt: AT,
  durationMs: 9,
  warnings: [],
};

afterEach(() => {
  window.location.hash = '';
});

describe('the version matrix', () => {
  it('says in each cell where a deployment stands to each version the fleet knows, why an unknown one is unknown, and never a plain At for an unhealthy one', async () => {
    window.location.hash = '#/fleet/versions';
    renderConsole(<FleetView />, { api: createFakeApi({ fleetStatus: () => fleet, hostInfo: () => hostInfo({ operator: 'alice' }), jobs: () => [] }) });
    const table = await screen.findByRole('table', { name: 'Versions by deployment' });
    const heads = within(table)
      .getAllByRole('columnheader')
      .map((h) => h.textContent);
    expect(heads).toEqual(['Deployment', 'Status', '1.0.01 at', '1.1.01 at', '1.2.01 at', '1.3.0newest · 1 at']);
    const cells = (name: string) =>
      [...table.querySelectorAll(`tr[data-deployment="${name}"] td`)].slice(1).map((td) => td.textContent!.replace(/^[‹●›] /, ''));
    expect(cells('vm2')).toEqual(['At', 'Behind', 'Behind', 'Behind']);
    expect(cells('vm1')).toEqual(['Ahead', 'At', 'Behind', 'Behind']);
    expect(cells('vm0')).toEqual(['Ahead', 'Ahead', 'Ahead', 'At']);
    expect(cells('vm4')).toEqual(['Ahead', 'Ahead', 'At, unhealthy', 'Behind']);
    expect(table.querySelector('tr[data-deployment="vm4"] .version-matrix__cell--sick')).not.toBeNull();
    expect(cells('vm6')).toEqual(['http://10.0.0.6:7373 did not answer status (ECONNREFUSED).']);
    expect(within(table).getByRole('row', { name: /vm6/ }).textContent).toContain('Unreachableversion not known');
    expect(screen.getByRole('link', { name: 'Versions' }).getAttribute('aria-current')).toBe('page');
  });

  it('orders versions as versions: 1.10.0 after 1.9.0, and a dbmate timestamp by its digits', () => {
    expect(['1.10.0', '1.9.0', '1.2.0'].sort(compareVersionNames)).toEqual(['1.2.0', '1.9.0', '1.10.0']);
    expect(['20240320080000', '9', '20231201000000'].sort(compareVersionNames)).toEqual(['9', '20231201000000', '20240320080000']);
  });
});

describe('Compare schemas', () => {
  const comparison: SchemaComparison = {
    a: { name: 'Expected at 1.2.0', address: 'conversation_files', version: '1.2.0', objects: 12, expected: true },
    b: { name: 'vm4', address: '/srv/vm4.db', version: '1.2.0', objects: 11 },
    same: false,
    differences: [
      {
        kind: 'table',
        name: 'file_metadata',
        table: 'file_metadata',
        change: 'only-in-a',
        message: 'Table file_metadata: only in A',
        a: 'CREATE TABLE file_metadata (file_id TEXT PRIMARY KEY)',
        b: null,
      },
      {
        kind: 'view',
        name: 'big_files',
        table: null,
        change: 'only-in-b',
        message: 'View big_files: only in B',
        a: null,
        b: 'CREATE VIEW big_files AS SELECT 1',
      },
      {
        kind: 'check',
        name: "mime_type <> ''",
        table: 'conversation_files',
        change: 'only-in-a',
        message: "CHECK mime_type <> '' on table conversation_files: only in A",
        a: "CREATE TABLE conversation_files (mime_type TEXT NOT NULL CHECK (mime_type <> ''))",
        b: 'CREATE TABLE conversation_files (mime_type TEXT)',
      },
      {
        kind: 'column',
        name: 'mime_type',
        table: 'conversation_files',
        change: 'changed',
        message: 'Column mime_type on table conversation_files differs',
        a: 'TEXT NOT NULL',
        b: 'TEXT',
      },
    ],
  };

  it('asks for the two sides chosen (a deployment and the expected schema at a version) and shows what only one has and what differs side by side', async () => {
    window.location.hash = '#/fleet/compare';
    const api = createFakeApi({ fleetStatus: () => fleet, hostInfo: () => hostInfo({ operator: 'alice' }), jobs: () => [], fleetCompare: () => comparison });
    renderConsole(<FleetView />, { api });
    const form = (await screen.findByRole('heading', { name: 'Compare schemas' })).closest('section')!;
    fireEvent.change(within(form).getByLabelText('Deployment'), { target: { value: 'vm4' } });
    const other = within(form).getByLabelText('Compared with') as HTMLSelectElement;
    expect([...other.options].map((o) => o.textContent)).toEqual([
      'vm6',
      'vm2',
      'vm1',
      'vm0',
      'Expected at 1.3.0',
      "Expected at 1.2.0 (vm4's version)",
      'Expected at 1.1.0',
      'Expected at 1.0.0',
    ]);
    fireEvent.change(other, { target: { value: 'expected:1.2.0' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Compare' }));
    await waitFor(() => expect(api.fleetCompare).toHaveBeenCalledWith({ a: 'vm4', expectedAt: '1.2.0' }));
    expect(window.location.hash).toBe('#/fleet/compare?a=vm4&with=expected%3A1.2.0');
    // Four differences, three objects drawn (the CHECK and the column are one table's): the count is of what is drawn.
    expect((await screen.findByText(/^3 objects differ/)).textContent).toBe(
      '3 objects differ: 1 only in Expected at 1.2.0, 1 only in vm4, 1 defined differently.',
    );
    const onlyExpected = screen.getByRole('region', { name: 'Only in Expected at 1.2.0' });
    expect(within(onlyExpected).getByLabelText('table file_metadata as Expected at 1.2.0 defines it').textContent).toBe(
      'CREATE TABLE file_metadata (file_id TEXT PRIMARY KEY)',
    );
    expect(within(screen.getByRole('region', { name: 'Only in vm4' })).getByText('big_files')).toBeTruthy();
    const changed = screen.getByRole('region', { name: 'Defined differently' });
    expect(changed.textContent).toContain("CHECK mime_type <> '' on table conversation_files: only in Expected at 1.2.0");
    expect(changed.textContent).toContain('Column mime_type on table conversation_files differs');
    const sides = within(changed).getByRole('group', { name: 'Definitions of table conversation_files' });
    expect(within(sides).getByLabelText('As Expected at 1.2.0 defines it').querySelector('mark')!.textContent).toContain('NOT NULL');
    expect(within(sides).getByLabelText('As vm4 defines it').textContent).toBe('CREATE TABLE conversation_files (mime_type TEXT)');
  });

  it("links a drifting deployment's row to its comparison with the expected schema at its version", async () => {
    const api = createFakeApi({
      fleetStatus: () => ({
        ...fleet,
        deployments: [
          deployment('vm4', 'unhealthy', '1.2.0', { drift: { errors: 1, warnings: 0, first: 'Table file_metadata is missing.' } }),
          deployment('vm1', 'degraded', '1.1.0', { drift: { errors: 0, warnings: 1, first: 'Not backed up: there is no verified backup of this database.' } }),
        ],
      }),
      hostInfo: () => hostInfo({ operator: 'alice' }),
      jobs: () => [],
      fleetCompare: () => comparison,
    });
    renderConsole(<FleetView />, { api });
    const link = await screen.findByRole('link', { name: 'Compare vm4 with the expected schema at 1.2.0' });
    expect(link.getAttribute('href')).toBe('#/fleet/compare?a=vm4&with=expected%3A1.2.0');
    expect(screen.queryByRole('link', { name: /^Compare vm1/ })).toBeNull(); // a warning only (here: no backup): its schema is as expected, nothing to compare
    fireEvent.click(link);
    window.location.hash = link.getAttribute('href')!; // jsdom does not follow a hash link on click
    await waitFor(() => expect(api.fleetCompare).toHaveBeenCalledWith({ a: 'vm4', expectedAt: '1.2.0' }));
  });

  it('shows the comparison a link names, and two deployments that match as the same schema', async () => {
    window.location.hash = '#/fleet/compare?a=vm1&with=vm2';
    const same: SchemaComparison = {
      a: { name: 'vm1', address: '/srv/vm1.db', version: '1.2.0', objects: 12 },
      b: { name: 'vm2', address: '/srv/vm2.db', version: '1.2.0', objects: 12 },
      same: true,
      differences: [],
    };
    const api = createFakeApi({ fleetStatus: () => fleet, hostInfo: () => hostInfo({ operator: 'alice' }), jobs: () => [], fleetCompare: () => same });
    renderConsole(<FleetView />, { api });
    expect(await screen.findByText('The same schema')).toBeTruthy();
    expect(api.fleetCompare).toHaveBeenCalledWith({ a: 'vm1', b: 'vm2' });
    expect((screen.getByLabelText('Compared with') as HTMLSelectElement).value).toBe('vm2');
  });
});
