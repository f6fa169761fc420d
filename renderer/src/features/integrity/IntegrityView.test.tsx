// @vitest-environment jsdom
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { StatusReport, VerifyReport } from '../../../../shared/types';
import { ApiError } from '../../api/api-error';
import { createFakeApi } from '../../test/fake-api';
import { BROKEN_STATUS, CHANGED_COLUMN, MISSING_TABLE, backupInfo, statusReport, verifyReport } from '../../test/fixtures';
import { renderConsole } from '../../test/render-console';
import { IntegrityView } from './IntegrityView';

function brokenDatabase() {
  let status: StatusReport = BROKEN_STATUS;
  let report: VerifyReport = verifyReport({ status: 'unhealthy', problems: BROKEN_STATUS.problems });
  const api = createFakeApi({
    status: () => status,
    verify: () => report,
    repair: () => {
      status = statusReport();
      report = verifyReport();
      return { path: status.path, version: '1.2.0', recreated: BROKEN_STATUS.problems, refused: [], backup: backupInfo({ name: 'pre-repair-1.sqlite', reason: 'pre-repair' }) };
    },
  });
  return api;
}

describe('IntegrityView', () => {
  it('names a dropped table, grouped with the objects of its table, and what repair does about it', async () => {
    renderConsole(<IntegrityView db="main" />, { api: brokenDatabase() });
    const table = await screen.findByRole('table');
    const group = within(table).getByRole('rowheader', { name: 'file_metadata' }).closest('tr') as HTMLTableRowElement;
    expect(group.textContent).toContain('Missing');
    expect(group.textContent).toContain('Table file_metadata is missing.');
    expect(group.textContent).toContain('Repair recreates it');
    const present = within(table).getByRole('rowheader', { name: 'conversation_files' }).closest('tr') as HTMLTableRowElement;
    expect(present.textContent).toContain('Present');
  });

  it('repairs after a confirmation that promises a backup first, then shows what was recreated', async () => {
    const api = brokenDatabase();
    renderConsole(<IntegrityView db="main" />, { api });
    fireEvent.click(await screen.findByRole('button', { name: 'Repair…' }));
    const dialog = screen.getByRole('dialog', { name: 'Repair this database?' });
    expect(dialog.textContent).toContain('pre-repair backup');
    expect(dialog.textContent).toContain('table file_metadata');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Take a backup and repair' }));
    expect(await screen.findByText('Recreated 2 objects at 1.2.0')).toBeTruthy();
    expect(screen.getByText('pre-repair-1.sqlite')).toBeTruthy();
    expect(api.repair).toHaveBeenCalledWith({ db: 'main', backup: true, operationId: expect.stringMatching(/^op-/) });
    await waitFor(() => expect(screen.getByText('Every expected object is present and as defined')).toBeTruthy());
  });

  it('explains why repair cannot fix a changed column', async () => {
    const status = statusReport({ status: 'unhealthy', problems: [CHANGED_COLUMN] });
    const api = createFakeApi({ status: () => status, verify: () => verifyReport({ status: 'unhealthy', problems: [CHANGED_COLUMN] }) });
    renderConsole(<IntegrityView db="main" />, { api });
    expect(await screen.findByText('Repair cannot fix 1 finding')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Repair…' })).toBeNull();
    expect(screen.getAllByText(/rebuilding its table with the data in it/).length).toBeGreaterThan(0);
  });

  it('runs a full check with a progress bar from the host events, and cancels it', async () => {
    let finish: (report: VerifyReport) => void = () => undefined;
    const api = createFakeApi({
      status: () => statusReport(),
      verify: ({ level }) => (level === 'full' ? new Promise<VerifyReport>((resolve) => { finish = resolve; }) : verifyReport()),
      cancel: () => ({ cancelled: true }),
    });
    const { activity } = renderConsole(<IntegrityView db="main" />, { api });
    fireEvent.click(await screen.findByRole('button', { name: 'Full check' }));
    await waitFor(() => expect(api.verify).toHaveBeenLastCalledWith(expect.objectContaining({ level: 'full' })));
    const operationId = api.verify.mock.lastCall?.[0].operationId as string;
    act(() => activity.record({ type: 'progress', operationId, db: 'main', progress: { operation: 'verify', phase: 'foreign keys of file_metadata', done: 2, total: 5 } }));
    expect(screen.getByRole('progressbar', { name: 'Full check' }).getAttribute('aria-valuenow')).toBe('40');
    expect(screen.getByText('foreign keys of file_metadata · 2 of 5')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(api.cancel).toHaveBeenCalledWith({ operationId }));
    await act(async () => finish(verifyReport({ integrity: { level: 'full', ok: true, messages: [] }, foreignKeyViolations: [{ table: 'file_metadata', rowid: 7, parent: 'conversation_files', constraintIndex: 0 }] })));
    expect(await screen.findByText('1 row point at missing parent rows')).toBeTruthy();
    // integrity_check passed, but the check as a whole did not: no green "passed" above the violations.
    expect(screen.getByText("SQLite's integrity_check passed, but foreign_key_check did not")).toBeTruthy();
    expect(screen.queryByText("SQLite's integrity_check passed")).toBeNull();
  });

  it('shows a refused repair as the engine sentence', async () => {
    const api = createFakeApi({
      status: () => statusReport({ status: 'unhealthy', problems: [MISSING_TABLE] }),
      verify: () => verifyReport({ status: 'unhealthy', problems: [MISSING_TABLE] }),
      repair: () => {
        throw new ApiError({ code: 'LOCKED', message: 'The database is locked by another process.', hint: 'Wait, then try again.' });
      },
    });
    renderConsole(<IntegrityView db="main" />, { api });
    fireEvent.click(await screen.findByRole('button', { name: 'Repair…' }));
    fireEvent.click(screen.getByRole('button', { name: 'Take a backup and repair' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The repair did not run: The database is locked by another process.');
    expect(alert.textContent).toContain('LOCKED');
  });

  it('waits for a lock like the Overview does, instead of calling the database unreadable (issue 14)', async () => {
    const locked = () => {
      throw new ApiError({ code: 'LOCKED', message: 'The database is locked by another process and stayed locked past the wait time.' });
    };
    renderConsole(<IntegrityView db="main" />, { api: createFakeApi({ status: locked }) });
    expect(await screen.findByText('Waiting for the lock held by another process')).toBeTruthy();
    expect(screen.queryByText(/could not be read/)).toBeNull();
  });
});
