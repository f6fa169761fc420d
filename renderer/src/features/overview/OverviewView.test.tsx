// @vitest-environment jsdom
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { StatusReport } from '../../../../shared/types/status';
import { ApiError } from '../../api/api-error';
import { createFakeApi } from '../../test/fake-api';
import { backupChecksKey } from '../../queries/backups';
import { databaseKeys } from '../../queries/database-keys';
import { BROKEN_STATUS, DAMAGED_STATUS, FRESH_STATUS, PLAN_FROM_100, backupInfo, statusReport, verifyReport } from '../../test/fixtures';
import { renderConsole } from '../../test/render-console';
import { OverviewView } from './OverviewView';

describe('OverviewView: verdicts that do not flatter (issue 21)', () => {
  it('a database never backed up needs attention, and Back up now on the Overview takes a verified backup', async () => {
    const notBackedUp = {
      kind: 'backup' as const,
      name: 'backup',
      change: 'missing' as const,
      severity: 'warning' as const,
      message: 'Not backed up: there is no verified backup of this database.',
    };
    const api = createFakeApi({
      status: () => statusReport({ status: 'degraded', reason: notBackedUp.message, problems: [notBackedUp] }),
      backups: () => [],
      backup: () => backupInfo(),
    });
    renderConsole(<OverviewView db="main" />, { api });
    const step = await screen.findByRole('region', { name: 'Status and next step' });
    expect(within(step).getByText('Degraded')).toBeTruthy();
    expect(within(step).getByText('Back up')).toBeTruthy();
    expect(within(step).queryByText('Nothing to do')).toBeNull();
    fireEvent.click(within(step).getByRole('button', { name: 'Back up now' }));
    await waitFor(() => expect(api.backup).toHaveBeenCalledWith({ db: 'main', operationId: expect.any(String) }));
  });

  it('orphaned child rows: the count, and Recover rows from the newest verified backup with its dry run first', async () => {
    const orphans = {
      kind: 'foreign_key_violation' as const,
      name: 'file_metadata',
      table: 'file_metadata',
      change: 'failed' as const,
      severity: 'warning' as const,
      message: '12 row(s) of file_metadata point at missing rows of conversation_files.',
      expected: 'conversation_files',
      actual: '12',
    };
    const newest = backupInfo({ name: 'conversation_files-20250301-manual.sqlite' });
    const api = createFakeApi({
      status: () => statusReport({ status: 'degraded', reason: orphans.message, problems: [orphans] }),
      backups: () => [newest],
      recoverRows: () => ({
        path: '/srv/chat/conversation_files.db',
        table: 'conversation_files',
        backup: newest.name,
        dryRun: true,
        tables: [{ table: 'conversation_files', inBackup: 40, missing: 12, withoutParent: 0, copied: 12 }],
        orphanedRows: [],
        preRecoverBackup: null,
      }),
    });
    renderConsole(<OverviewView db="main" />, { api });
    const step = await screen.findByRole('region', { name: 'Status and next step' });
    expect(step.textContent).toContain('12 rows point at rows that are gone: 12 of file_metadata (missing in conversation_files)');
    fireEvent.click(within(step).getByRole('button', { name: 'Recover rows of conversation_files…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Recover rows of conversation_files?' });
    expect(await within(dialog).findByText('12 rows would be copied back')).toBeTruthy();
    expect(api.recoverRows).toHaveBeenCalledWith({ db: 'main', table: 'conversation_files', backup: newest.name, dryRun: true });
  });
});

describe('OverviewView', () => {
  it('never tags a full check "integrity ok" while foreign_key_check found violations (issue 12)', async () => {
    const orphan = { table: 'file_metadata', rowid: 7, parent: 'conversation_files', constraintIndex: 0 };
    const full = verifyReport({
      status: 'unhealthy',
      integrity: { level: 'full', ok: true, messages: [] },
      foreignKeyViolations: [orphan, { ...orphan, rowid: 8 }],
    });
    const { queryClient } = renderConsole(<OverviewView db="main" />, { api: createFakeApi({ status: () => statusReport(), backups: () => [] }) });
    queryClient.setQueryData(databaseKeys.verification('main'), full); // as the Integrity view leaves it
    const fact = (await screen.findByText('2 foreign-key violations')).closest('.safety-fact') as HTMLElement;
    expect(within(fact).queryByText('integrity ok')).toBeNull();
  });

  it.each([
    ['behind on its migrations', DAMAGED_STATUS],
    ['at the latest version', statusReport({ ...DAMAGED_STATUS, version: '1.2.0', pending: [] })],
  ])('a damaged file %s is Unhealthy with "Restore a backup" as the next step, and no card looks fine (issue 14)', async (_, damaged) => {
    const { container } = renderConsole(<OverviewView db="main" />, { api: createFakeApi({ status: () => damaged, backups: () => [backupInfo()] }) });
    const step = await screen.findByRole('region', { name: 'Status and next step' });
    expect(within(step).getByText('Unhealthy')).toBeTruthy();
    expect(within(step).getByText('Restore a backup')).toBeTruthy();
    expect(within(step).getByRole('link', { name: 'Salvage what can be read…' }).getAttribute('href')).toBe('#/db/main/integrity');
    expect(screen.getByText('integrity failed')).toBeTruthy();
    expect(screen.queryByText(/Migrate/)).toBeNull();
    // Green is left to the backup's own badge: neither "up to date" nor "integrity ok" looks fine here.
    expect([...container.querySelectorAll('.tag--ok')].map((tag) => tag.textContent)).toEqual(['verified']);
  });

  it('the latest backup loses "verified" once a check in this session failed (issue 14)', async () => {
    const latest = backupInfo();
    const { queryClient } = renderConsole(<OverviewView db="main" />, { api: createFakeApi({ status: () => statusReport(), backups: () => [latest] }) });
    expect(await screen.findByText('verified')).toBeTruthy();
    act(() => {
      queryClient.setQueryData(backupChecksKey('main'), {
        [latest.name]: {
          name: latest.name,
          path: latest.path,
          ok: false,
          hashMatches: false,
          sha256: '1'.repeat(64),
          expectedSha256: latest.sha256,
          version: '1.2.0',
          integrity: { level: 'quick', ok: true, messages: [] },
          problems: ['The file has changed since.'],
          durationMs: 5,
        },
      });
    });
    expect(await screen.findByText('failed verification')).toBeTruthy();
    expect(screen.queryByText('verified')).toBeNull();
  });

  it('after a restore of a damaged file: the newest backup (the pre-restore copy) failed, and the newest verified one is said beside it', async () => {
    const preRestore = backupInfo({
      name: 'conversation_files-20250302T100000Z-pre-restore.sqlite',
      reason: 'pre-restore',
      createdAt: '2025-03-02T10:00:00.000Z',
      verified: { ok: false, level: 'quick', at: '2025-03-02T10:00:01.000Z', messages: ['Tree 25 page 38: btreeInitPage() returns error code 11'] },
    });
    const manual = backupInfo();
    renderConsole(<OverviewView db="main" />, { api: createFakeApi({ status: () => statusReport(), backups: () => [preRestore, manual] }) });
    expect(await screen.findByText('failed verification')).toBeTruthy();
    const fact = screen.getByText('failed verification').closest('.safety-fact') as HTMLElement;
    expect(fact.textContent).toMatch(/pre-restore .*failed verification · newest verified: .+ \(manual\)$/);
  });

  it('shows the facts a support engineer asks for first', async () => {
    const api = createFakeApi({ status: () => statusReport(), verify: () => verifyReport(), backups: () => [backupInfo()] });
    renderConsole(<OverviewView db="main" />, { api });
    expect(await screen.findByText('/srv/chat/conversation_files.db')).toBeTruthy();
    expect(screen.getByText('200 KB')).toBeTruthy();
    expect(screen.getByText('WAL')).toBeTruthy();
    expect(screen.getByText('3.53.2')).toBeTruthy();
    expect(screen.getByText('up to date')).toBeTruthy();
    expect(screen.getByText('Healthy')).toBeTruthy();
    expect(screen.getByText('Nothing to do')).toBeTruthy();
    expect(await screen.findByText('integrity ok')).toBeTruthy();
    expect(await screen.findByText('verified')).toBeTruthy();
  });

  it('initializes a fresh database from the next-step button and says what it did', async () => {
    let status: StatusReport = FRESH_STATUS;
    const api = createFakeApi({
      status: () => status,
      verify: () => verifyReport(),
      backups: () => [],
      plan: () => ({ ...PLAN_FROM_100, from: null }),
      initialize: () => {
        status = statusReport();
        return {
          path: status.path,
          from: null,
          to: '1.2.0',
          upToDate: false,
          adopted: null,
          backup: null,
          repeated: [],
          applied: [
            { version: '1.0.0', description: 'initial file store', executionMs: 8 },
            { version: '1.1.0', description: 'access log reference type', executionMs: 5 },
            { version: '1.2.0', description: 'storage backend', executionMs: 9 },
          ],
        };
      },
    });
    renderConsole(<OverviewView db="main" />, { api });
    expect(await screen.findByText('The database has no schema yet: initialize it.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Initialize at 1.2.0…' }));
    // It says what it will write before writing anything: the tables, the versions, no backup.
    const dialog = await screen.findByRole('dialog', { name: 'Initialize at 1.2.0?' });
    await waitFor(() =>
      expect(dialog.textContent).toContain('5 tables — conversation_files, file_access_log, file_cleanup_queue, file_metadata, session_file_associations'),
    );
    expect(dialog.textContent).toContain('one schema_version row per migration (1.0.0, 1.1.0, 1.2.0)');
    expect(dialog.textContent).toContain('No backup is taken: the file holds no data yet.');
    expect(api.initialize).not.toHaveBeenCalled();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Initialize at 1.2.0' }));
    expect(await screen.findByText('Initialized at 1.2.0')).toBeTruthy();
    expect(screen.getByText(/Applied 3 migrations \(1\.0\.0, 1\.1\.0, 1\.2\.0\)/)).toBeTruthy();
    expect(api.initialize).toHaveBeenCalledWith({ db: 'main', to: '1.2.0', operationId: expect.stringMatching(/^op-/) });
    await waitFor(() => expect(screen.getByText('Nothing to do')).toBeTruthy());
  });

  it('points an unhealthy database with a missing table at Repair, naming the table', async () => {
    const api = createFakeApi({
      status: () => BROKEN_STATUS,
      verify: () => verifyReport({ status: 'unhealthy', problems: BROKEN_STATUS.problems }),
      backups: () => [],
    });
    renderConsole(<OverviewView db="main" />, { api });
    const step = await screen.findByRole('region', { name: 'Status and next step' });
    expect(within(step).getByText('Unhealthy')).toBeTruthy();
    expect(within(step).getByText(/table file_metadata/)).toBeTruthy();
    expect(within(step).getByRole('link', { name: 'Review and repair…' }).getAttribute('href')).toBe('#/db/main/integrity');
  });

  it('shows an engine error as its sentence, what to do in the console, its code and Try again', async () => {
    let calls = 0;
    const api = createFakeApi({
      status: () => {
        calls++;
        throw new ApiError({ code: 'NOT_A_DATABASE', message: '/srv/notes.db is not a SQLite database.', hint: 'Check the path given to --db.' }, 'status');
      },
    });
    renderConsole(<OverviewView db="main" />, { api });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('/srv/notes.db is not a SQLite database.');
    expect(alert.textContent).toContain('What to do: Check that this entry names the right file.');
    expect(alert.textContent).not.toContain('--db');
    expect(alert.textContent).toContain('NOT_A_DATABASE');
    const before = calls;
    fireEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(calls).toBeGreaterThan(before));
  });

  it('tells a locked database from an unreadable one: it waits for the lock, says how long, and Retry reads it once free (issue 14)', async () => {
    let locked = true;
    const api = createFakeApi({
      status: () => {
        if (locked)
          throw new ApiError({
            code: 'LOCKED',
            message: 'The database /srv/chat/conversation_files.db is locked by another process and stayed locked past the wait time.',
          });
        return statusReport();
      },
      backups: () => [],
    });
    renderConsole(<OverviewView db="main" />, { api });
    expect(await screen.findByText('Waiting for the lock held by another process')).toBeTruthy();
    expect(screen.getByText(/Waited .* so far/)).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
    locked = false;
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('Healthy')).toBeTruthy();
  });

  it('adopts a database the Python service created, at the version its schema_migrations records', async () => {
    const legacy = { table: 'schema_migrations', legacyVersion: '001', version: '1.0.0' };
    let status = statusReport({ status: 'degraded', version: null, legacy, reason: 'Tables exist but Schema Warden has no history for them.' });
    const api = createFakeApi({
      status: () => status,
      verify: () => verifyReport(),
      backups: () => [],
      listSchemas: () => [],
      baseline: ({ version }) => {
        status = statusReport({ status: 'degraded', version, pending: ['1.1.0', '1.2.0'] });
        return { path: status.path, version, adoptedFrom: legacy };
      },
    });
    renderConsole(<OverviewView db="main" />, { api });
    fireEvent.click(await screen.findByRole('button', { name: 'Adopt as 1.0.0…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Adopt as 1.0.0?' });
    expect(dialog.textContent).toContain('If anything differs, nothing is written');
    expect(dialog.textContent).toContain("version 1.0.0 in the service's own schema_migrations table, if it lacks it");
    expect(dialog.textContent).toContain('No table or row of yours is changed, so no backup is taken.');
    expect(api.baseline).not.toHaveBeenCalled();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Adopt as 1.0.0' }));
    await waitFor(() => expect(api.baseline).toHaveBeenCalledWith({ db: 'main', version: '1.0.0' }));
    expect(await screen.findByText('Migrate to 1.2.0')).toBeTruthy();
  });

  it('accepts an edited migration only with a reason', async () => {
    const mismatch = { version: '1.1.0', file: '1.1.0__access_log_reference_type.sql', recorded: 'a'.repeat(64), current: 'b'.repeat(64) };
    const api = createFakeApi({
      status: () => statusReport({ status: 'degraded', checksumMismatches: [mismatch], reason: '1 applied migration edited since it ran.' }),
      verify: () => verifyReport(),
      backups: () => [],
      acceptChecksum: ({ version, reason }) => ({
        path: '/srv/chat/conversation_files.db',
        version,
        file: mismatch.file,
        reason,
        previous: 'a'.repeat(64),
        accepted: 'b'.repeat(64),
      }),
    });
    renderConsole(<OverviewView db="main" />, { api });
    fireEvent.click(await screen.findByRole('button', { name: 'Review the edited migration…' }));
    const dialog = screen.getByRole('dialog', { name: `Accept the edited ${mismatch.file}?` });
    const accept = within(dialog).getByRole('button', { name: 'Accept the new checksum' }) as HTMLButtonElement;
    expect(accept.disabled).toBe(true);
    fireEvent.change(within(dialog).getByLabelText('Why is the edit safe?'), { target: { value: 'Comment-only change, reviewed' } });
    fireEvent.click(accept);
    await waitFor(() => expect(api.acceptChecksum).toHaveBeenCalledWith({ db: 'main', version: '1.1.0', reason: 'Comment-only change, reviewed' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('says backups are not available when the host does not offer them yet', async () => {
    const api = createFakeApi({ status: () => statusReport(), verify: () => verifyReport() });
    renderConsole(<OverviewView db="main" />, { api });
    expect(await screen.findByText('Not available on this host')).toBeTruthy();
  });
});
