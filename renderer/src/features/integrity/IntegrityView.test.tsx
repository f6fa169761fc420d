// @vitest-environment jsdom
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { VerifyReport } from '../../../../shared/types/integrity';
import type { StatusReport } from '../../../../shared/types/status';
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
    repair: ({ dryRun }) => {
      if (dryRun)
        return {
          path: status.path,
          version: '1.2.0',
          dryRun: true,
          recreated: BROKEN_STATUS.problems,
          statements: ['CREATE TABLE file_metadata (metadata_id INTEGER PRIMARY KEY)', 'CREATE INDEX idx_file_metadata_file_id ON file_metadata (file_id)'],
          refused: [],
          orphanedRows: [],
          rowsInBackups: [],
          backup: null,
        };
      status = statusReport();
      report = verifyReport();
      return {
        path: status.path,
        version: '1.2.0',
        dryRun: false,
        recreated: BROKEN_STATUS.problems,
        statements: [],
        refused: [],
        orphanedRows: [],
        rowsInBackups: [],
        backup: backupInfo({ name: 'pre-repair-1.sqlite', reason: 'pre-repair' }),
      };
    },
  });
  return api;
}

describe('IntegrityView', () => {
  it("shows the host's last full check while the file is as it found it, and runs a quick one once it changed", async () => {
    const full = verifyReport({
      integrity: { level: 'full', ok: true, messages: [] },
      databaseStamp: 'stamp-A',
      checkedAt: new Date(Date.now() - 3 * 3600_000).toISOString(),
    });
    const job = {
      id: 'op-full-check',
      kind: 'verify' as const,
      db: 'main',
      options: { level: 'full' },
      state: 'done' as const,
      progress: null,
      phaseStartedAt: null,
      phaseStartDone: 0,
      startedAt: full.checkedAt,
      endedAt: full.checkedAt,
      startedBy: 'alice via warden serve (ops@vm1, pid 7)',
      result: full,
      error: null,
    };
    let stamp = 'stamp-A';
    const api = createFakeApi({
      jobs: () => [job],
      status: () => statusReport({ integrity: { level: 'quick', ok: true, messages: [], checkedAt: new Date().toISOString(), databaseStamp: stamp } }),
      verify: () => verifyReport(),
    });
    const kept = renderConsole(<IntegrityView db="main" />, { api });
    await waitFor(() => expect(document.body.textContent).toContain('Last: full check, 3 hours ago'));
    expect(api.verify).not.toHaveBeenCalled();
    kept.unmount();

    stamp = 'stamp-B';
    renderConsole(<IntegrityView db="main" />, { api });
    await waitFor(() => expect(document.body.textContent).toMatch(/Last: quick check, .+, took 42 ms/));
    expect(api.verify).toHaveBeenCalledWith({ db: 'main', level: 'quick' });
  });

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
    // The exact SQL, from a dry run that writes nothing.
    const sql = await within(dialog).findByLabelText('Statements repair will run');
    expect(sql.textContent).toBe(
      'CREATE TABLE file_metadata (metadata_id INTEGER PRIMARY KEY);\n\nCREATE INDEX idx_file_metadata_file_id ON file_metadata (file_id);',
    );
    expect(api.repair).toHaveBeenCalledWith({ db: 'main', dryRun: true, backup: false });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Take a backup and repair' }));
    expect(await screen.findByText('Recreated 2 objects at 1.2.0')).toBeTruthy();
    expect(screen.getByText('pre-repair-1.sqlite')).toBeTruthy();
    expect(api.repair).toHaveBeenCalledWith({ db: 'main', backup: true, operationId: expect.stringMatching(/^op-/) });
    await waitFor(() => expect(screen.getByText('Every expected object is present and as defined')).toBeTruthy());
  });

  it('after recreating an emptied table, offers its rows back from a backup, with the dry-run counts before it runs', async () => {
    let recovered = false;
    const tables = [
      { table: 'conversation_files', inBackup: 300, missing: 300, withoutParent: 2, copied: 298 },
      { table: 'file_metadata', inBackup: 300, missing: 0, withoutParent: 0, copied: 0 },
    ];
    const api = createFakeApi({
      status: () => (recovered ? statusReport() : BROKEN_STATUS),
      verify: () => verifyReport(),
      repair: () => ({
        path: '/data/main.sqlite',
        version: '1.2.0',
        dryRun: false,
        recreated: [MISSING_TABLE],
        statements: [],
        refused: [],
        backup: null,
        orphanedRows: [{ table: 'file_metadata', parent: 'conversation_files', rows: 300 }],
        rowsInBackups: [
          {
            table: 'conversation_files',
            backup: 'db-manual.sqlite',
            path: '/data/main.sqlite.backups/db-manual.sqlite',
            createdAt: '2026-11-30T10:00:00.000Z',
            rows: 300,
          },
        ],
      }),
      recoverRows: ({ dryRun }) => {
        if (!dryRun) recovered = true;
        return {
          path: '/data/main.sqlite',
          table: 'conversation_files',
          backup: '/data/main.sqlite.backups/db-manual.sqlite',
          dryRun: Boolean(dryRun),
          tables,
          orphanedRows: [],
          preRecoverBackup: dryRun ? null : backupInfo({ name: 'pre-recover-1.sqlite', reason: 'pre-recover' }),
        };
      },
    });
    renderConsole(<IntegrityView db="main" />, { api });
    fireEvent.click(await screen.findByRole('button', { name: 'Repair…' }));
    fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Take a backup and repair' }));
    expect(await screen.findByText('300 rows of file_metadata point at conversation_files rows that are gone.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Recover rows…' }));
    const dialog = screen.getByRole('dialog', { name: 'Recover rows of conversation_files?' });
    expect(await within(dialog).findByText('298 rows would be copied back')).toBeTruthy();
    expect(api.recoverRows).toHaveBeenCalledWith({ db: 'main', table: 'conversation_files', backup: 'db-manual.sqlite', dryRun: true });
    const row = within(dialog).getByRole('rowheader', { name: 'conversation_files' }).closest('tr') as HTMLTableRowElement;
    expect([...row.querySelectorAll('td')].map((td) => td.textContent)).toEqual(['300', '300', '298']);
    expect(dialog.textContent).toContain('Left out, because their parent row is in neither the database nor the recovery: 2 rows of conversation_files.');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Take a backup and copy the rows back' }));
    expect(await screen.findByText('Copied back 298 rows')).toBeTruthy();
    expect(screen.getByText('pre-recover-1.sqlite')).toBeTruthy();
    expect(api.recoverRows).toHaveBeenLastCalledWith({
      db: 'main',
      table: 'conversation_files',
      backup: 'db-manual.sqlite',
      operationId: expect.stringMatching(/^op-/),
    });
  });

  it("shows a changed table's expected and found CREATE statements side by side, the differing words marked, once for the table", async () => {
    const definitions = {
      expected: "CREATE TABLE conversation_files (\n    file_id TEXT PRIMARY KEY,\n    mime_type TEXT NOT NULL DEFAULT 'application/octet-stream'\n)",
      actual: 'CREATE TABLE conversation_files (file_id TEXT PRIMARY KEY, mime_type TEXT)',
    };
    const problems = [
      { ...CHANGED_COLUMN, definitions },
      { ...CHANGED_COLUMN, name: 'file_size', definitions },
    ];
    const api = createFakeApi({ status: () => statusReport({ status: 'unhealthy', problems }), verify: () => verifyReport({ status: 'unhealthy', problems }) });
    renderConsole(<IntegrityView db="main" />, { api });
    const [group] = await screen.findAllByRole('group', { name: 'Definitions of table conversation_files' });
    expect(screen.getAllByRole('group', { name: 'Definitions of table conversation_files' })).toHaveLength(1);
    const expected = within(group).getByLabelText('Expected');
    const found = within(group).getByLabelText('Found');
    expect(expected.textContent).toBe(definitions.expected);
    expect(found.textContent).toBe(definitions.actual);
    expect([...expected.querySelectorAll('mark')].map((m) => m.textContent?.trim())).toEqual(["NOT NULL DEFAULT 'application/octet-stream'"]);
    expect([...found.querySelectorAll('mark')].map((m) => m.textContent)).toEqual(['']);
  });

  it('a renamed table: repair renames it back, and what follows from the rename is not called unfixable', async () => {
    const renamed = { ...MISSING_TABLE, foundAs: 'fm_old' };
    const followOn = { ...CHANGED_COLUMN, kind: 'index' as const, name: 'idx_file_metadata_file_id', table: 'file_metadata', fixedByRenaming: 'fm_old' };
    const problems = [renamed, followOn];
    const api = createFakeApi({ status: () => statusReport({ status: 'unhealthy', problems }), verify: () => verifyReport({ status: 'unhealthy', problems }) });
    renderConsole(<IntegrityView db="main" />, { api });
    expect(await screen.findByText('Repair renames fm_old back')).toBeTruthy();
    expect(screen.getByText('Renaming fm_old back fixes it')).toBeTruthy();
    expect(screen.queryByText(/^Repair cannot fix/)).toBeNull();
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
      verify: ({ level }) =>
        level === 'full'
          ? new Promise<VerifyReport>((resolve) => {
              finish = resolve;
            })
          : verifyReport(),
      cancel: () => ({ cancelled: true }),
    });
    const { activity } = renderConsole(<IntegrityView db="main" />, { api });
    fireEvent.click(await screen.findByRole('button', { name: 'Full check' }));
    await waitFor(() => expect(api.verify).toHaveBeenLastCalledWith(expect.objectContaining({ level: 'full' })));
    const operationId = api.verify.mock.lastCall?.[0].operationId as string;
    act(() =>
      activity.record({
        type: 'progress',
        operationId,
        db: 'main',
        progress: { operation: 'verify', phase: 'foreign keys of file_metadata', done: 2, total: 5 },
      }),
    );
    expect(screen.getByRole('progressbar', { name: 'Full check' }).getAttribute('aria-valuenow')).toBe('40');
    expect(screen.getByText('foreign keys of file_metadata · step 3 of 5')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(api.cancel).toHaveBeenCalledWith({ operationId }));
    await act(async () =>
      finish(
        verifyReport({
          integrity: { level: 'full', ok: true, messages: [] },
          foreignKeyViolations: [{ table: 'file_metadata', rowid: 7, parent: 'conversation_files', constraintIndex: 0 }],
        }),
      ),
    );
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
