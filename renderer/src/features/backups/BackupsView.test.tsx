// @vitest-environment jsdom
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { BackupInfo } from '../../../../shared/types/backups';
import { createFakeApi } from '../../test/fake-api';
import { backupInfo, statusReport } from '../../test/fixtures';
import { renderConsole } from '../../test/render-console';
import { BackupsView } from './BackupsView';

const OLDER = backupInfo({
  name: 'conversation_files-20250201-pre-migrate.sqlite',
  reason: 'pre-migrate',
  version: '1.0.0',
  createdAt: '2025-02-01T09:00:00.000Z',
});

function databaseWithBackups() {
  let backups: BackupInfo[] = [OLDER];
  const api = createFakeApi({
    status: () => statusReport(),
    backups: () => backups,
    backup: () => {
      const taken = backupInfo({ name: 'conversation_files-20250301-manual.sqlite' });
      backups = [taken, ...backups];
      return taken;
    },
    verifyBackup: ({ backup }) => ({
      name: backup,
      path: `/srv/chat/conversation_files.db.backups/${backup}`,
      ok: true,
      hashMatches: true,
      sha256: 'a'.repeat(64),
      expectedSha256: 'a'.repeat(64),
      version: '1.2.0',
      integrity: { level: 'quick', ok: true, messages: [] },
      problems: [],
      durationMs: 30,
    }),
    previewRestore: ({ backup }) => ({
      from: `/srv/chat/conversation_files.db.backups/${backup}`,
      version: '1.0.0',
      liveVersion: '1.2.0',
      downgrade: true,
      tables: [
        {
          table: 'conversation_files',
          key: ['file_id'],
          onlyHere: 25,
          different: 3,
          onlyInBackup: 0,
          examples: { onlyHere: ["'late-1'", "'late-2'"], different: ["'f-5'"], onlyInBackup: [] },
        },
        {
          table: 'file_metadata',
          key: ['metadata_id'],
          onlyHere: 0,
          different: 0,
          onlyInBackup: 0,
          examples: { onlyHere: [], different: [], onlyInBackup: [] },
        },
      ],
    }),
    backupSchedule: () => ({
      everyMs: 86_400_000,
      last: { at: '2025-03-01T06:00:00.000Z', ok: true, name: 'conversation_files-20250301-scheduled.sqlite', error: null },
      nextAt: '2025-03-02T06:00:00.000Z',
      settable: false,
    }),
    restore: ({ backup }) => {
      const preRestore = backupInfo({ name: 'conversation_files-pre-restore.sqlite', reason: 'pre-restore' });
      backups = [preRestore, ...backups];
      return {
        path: '/srv/chat/conversation_files.db',
        restoredFrom: OLDER,
        preRestoreBackup: preRestore,
        version: backup === OLDER.name ? '1.0.0' : '1.2.0',
        downgradedFrom: backup === OLDER.name ? '1.2.0' : null,
        carriedEvents: 4,
      };
    },
  });
  return api;
}

function dataRows() {
  return within(screen.getByRole('table')).getAllByRole('row').slice(1);
}

describe('BackupsView', () => {
  it('lists backups with reason, version, size and verification', async () => {
    renderConsole(<BackupsView db="main" />, { api: databaseWithBackups() });
    await screen.findByRole('table');
    const [row] = dataRows();
    expect(row.textContent).toContain('Before migrate');
    expect(row.textContent).toContain('1.0.0');
    expect(row.textContent).toContain('200 KB');
    expect(row.textContent).toContain('✓ Verified');
  });

  it('Back up now adds a row', async () => {
    const api = databaseWithBackups();
    renderConsole(<BackupsView db="main" />, { api });
    await screen.findByRole('table');
    fireEvent.click(screen.getByRole('button', { name: 'Back up now' }));
    expect(await screen.findByText('Backed up: conversation_files-20250301-manual.sqlite')).toBeTruthy();
    await waitFor(() => expect(dataRows()).toHaveLength(2));
    expect(api.backup).toHaveBeenCalledWith({ db: 'main', operationId: expect.stringMatching(/^op-/) });
  });

  it('restores after a confirmation that says what is replaced and that a pre-restore backup is kept', async () => {
    const api = databaseWithBackups();
    renderConsole(<BackupsView db="main" />, { api });
    fireEvent.click(await screen.findByRole('button', { name: `Restore backup ${OLDER.name}` }));
    const dialog = screen.getByRole('dialog', { name: 'Restore this backup?' });
    expect(dialog.textContent).toContain('Replaced: the current database /srv/chat/conversation_files.db (version 1.2.0, 200 KB)');
    expect(dialog.textContent).toContain('a pre-restore backup of the current database is taken before anything is replaced');
    expect(dialog.textContent).toContain('Downgrade: the database is at version 1.2.0; this backup is at 1.0.0, older.');
    expect(document.activeElement?.textContent).toBe('Cancel');
    // What the restore would lose, per table, before the confirmation (tables with no change left out).
    const lost = await within(dialog).findByRole('table', { name: 'Rows the restore would lose or change back, by table' });
    expect(
      within(lost)
        .getAllByRole('row')
        .slice(1)
        .map((r) => r.textContent),
    ).toEqual(["conversation_files2530'late-1', 'late-2', 'f-5'"]);
    expect(dialog.textContent).toContain('Rows: 25 rows here that the backup lacks would be lost; 3 rows would go back');
    expect(api.previewRestore).toHaveBeenCalledWith({ db: 'main', backup: OLDER.name });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Restore this backup' }));
    expect(await screen.findByText(`Restored from ${OLDER.name}`)).toBeTruthy();
    expect(screen.getByText('It was at 1.2.0: this is a downgrade.')).toBeTruthy();
    expect(screen.getByText(/history since the backup \(4 events\) was carried across/)).toBeTruthy();
    expect(screen.getAllByText('conversation_files-pre-restore.sqlite').length).toBeGreaterThan(0);
    expect(api.restore).toHaveBeenCalledWith({ db: 'main', backup: OLDER.name, operationId: expect.stringMatching(/^op-/) });
  });

  it('shows a backup verify-backup found altered as failed (from its manifest), one changed since as such, and the schedule with its last and next', async () => {
    const failed = backupInfo({
      name: 'conversation_files-20250210-manual.sqlite',
      createdAt: '2025-02-10T09:00:00.000Z',
      verified: { ok: false, level: 'quick', at: '2025-02-11T09:00:00.000Z', messages: ['x'] },
      failedVerification: {
        at: '2025-02-11T09:00:00.000Z',
        problems: ['Its SHA-256 is 1234…, not the abcd… recorded when it was taken: the file has changed since.'],
      },
    });
    const changed = backupInfo({
      name: 'conversation_files-20250220-manual.sqlite',
      createdAt: '2025-02-20T09:00:00.000Z',
      verified: { ok: false, level: 'quick', at: '2025-02-20T09:00:00.000Z', messages: ['x'] },
      changedSinceVerified: 'It was modified at 2025-02-21T00:00:00.000Z, after it was verified: the file may have changed since (verify it again to know).',
    });
    const api = databaseWithBackups();
    api.backups.mockImplementation(async () => [changed, failed, OLDER]);
    renderConsole(<BackupsView db="main" />, { api });
    await screen.findByRole('button', { name: `Verify backup ${failed.name}` });
    const [changedRow, failedRow] = dataRows();
    expect(failedRow.textContent).toContain('✕ Failed verification');
    expect(failedRow.textContent).toContain('the file has changed since');
    expect(failedRow.textContent).not.toContain('Verified');
    expect(changedRow.textContent).toContain('✕ Changed since verified');
    expect((within(failedRow).getByRole('button', { name: `Restore backup ${failed.name}` }) as HTMLButtonElement).disabled).toBe(true);
    expect((within(changedRow).getByRole('button', { name: `Restore backup ${changed.name}` }) as HTMLButtonElement).disabled).toBe(true);
    const schedule = await screen.findByRole('region', { name: 'Scheduled backups' });
    expect(schedule.textContent).toContain('every day');
    expect(schedule.textContent).toContain('conversation_files-20250301-scheduled.sqlite');
    expect(schedule.textContent).toMatch(/Next: .*2025/);
  });

  it('verifies one backup and says it checks out', async () => {
    renderConsole(<BackupsView db="main" />, { api: databaseWithBackups() });
    fireEvent.click(await screen.findByRole('button', { name: `Verify backup ${OLDER.name}` }));
    expect(await screen.findByText(`${OLDER.name} checks out`)).toBeTruthy();
  });

  it('a backup that fails verification loses its Verified badge at once, says why, and cannot be restored (issue 14)', async () => {
    const altered = 'Its SHA-256 is 1234567890ab…, not the aaaaaaaaaaaa… recorded when it was taken: the file has changed since.';
    const api = databaseWithBackups();
    api.verifyBackup.mockImplementation(async ({ backup }) => ({
      name: backup,
      path: `/srv/chat/conversation_files.db.backups/${backup}`,
      ok: false,
      hashMatches: false,
      sha256: '1'.repeat(64),
      expectedSha256: 'a'.repeat(64),
      version: '1.0.0',
      integrity: { level: 'quick' as const, ok: true, messages: [] },
      problems: [altered],
      durationMs: 30,
    }));
    renderConsole(<BackupsView db="main" />, { api });
    fireEvent.click(await screen.findByRole('button', { name: `Verify backup ${OLDER.name}` }));
    await screen.findByText(`${OLDER.name} failed verification`);
    const [row] = dataRows();
    expect(row.textContent).not.toContain('✓ Verified');
    expect(within(row).getByText('✕ Failed verification')).toBeTruthy();
    expect(within(row).getByText(altered)).toBeTruthy();
    expect((within(row).getByRole('button', { name: `Restore backup ${OLDER.name}` }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('explains an empty list, and a host without backups', async () => {
    renderConsole(<BackupsView db="main" />, { api: createFakeApi({ status: () => statusReport(), backups: () => [] }) });
    expect(await screen.findByText('No backups yet')).toBeTruthy();
  });

  it('shows NOT_SUPPORTED as information, not as a failure', async () => {
    renderConsole(<BackupsView db="main" />, { api: createFakeApi({ status: () => statusReport() }) });
    expect(await screen.findByText(/The backups could not be listed/)).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });
});

describe('a preserved copy of a damaged file (issue 21)', () => {
  it('is listed as a damaged copy that cannot be restored; a damaged database offers Preserve a copy beside Back up now', async () => {
    const kept = backupInfo({
      name: 'conversation_files-x-preserved-damaged.sqlite',
      reason: 'preserved-damaged',
      damaged: true,
      verified: null,
      version: null,
    });
    const damaged = statusReport({
      status: 'unhealthy',
      integrity: { level: 'quick', ok: false, messages: ['database disk image is malformed'], checkedAt: '2025-03-01T10:00:00.000Z' },
    });
    renderConsole(<BackupsView db="main" />, { api: createFakeApi({ status: () => damaged, backups: () => [kept] }) });
    const row = (await screen.findByText(kept.name)).closest('tr') as HTMLElement;
    expect(within(row).getByText('Damaged copy')).toBeTruthy();
    expect(within(row).getByText('Damaged copy, not verified')).toBeTruthy();
    expect((within(row).getByRole('button', { name: `Restore backup ${kept.name}` }) as HTMLButtonElement).disabled).toBe(true);
    expect(await screen.findByRole('button', { name: 'Preserve a copy' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Back up now' })).toBeTruthy();
  });
});
