// @vitest-environment jsdom
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { SalvageReport } from '../../../../shared/types/repair';
import { ApiError } from '../../api/api-error';
import { createFakeApi } from '../../test/fake-api';
import { backupInfo, DAMAGED_STATUS, statusReport } from '../../test/fixtures';
import { renderConsole } from '../../test/render-console';
import { IntegrityView } from './IntegrityView';

const REPORT: SalvageReport = {
  path: '/srv/chat/conversation_files.db',
  out: '/srv/chat/conversation_files-salvaged-2026-11-30T16-45-00-123Z.db',
  version: '1.2.0',
  integrity: { level: 'full', ok: true, messages: [] },
  drift: [],
  tables: [
    {
      name: 'conversation_files',
      salvaged: 940,
      inBackup: 1000,
      rowsLost: 1,
      unreadablePages: [
        { page: 41, owner: 'conversation_files', ownerKind: 'table', table: 'conversation_files', reason: "page type byte 165 is not a b-tree page's" },
        {
          page: 57,
          owner: 'idx_conversation_files_session',
          ownerKind: 'index',
          table: 'conversation_files',
          reason: 'its cell count or content area does not fit the page',
        },
      ],
    },
    { name: 'file_metadata', salvaged: 1010, inBackup: 1000, rowsLost: 0, unreadablePages: [] },
    { name: 'lost_and_found', salvaged: 12, inBackup: null, rowsLost: 0, unreadablePages: [] },
  ],
  lostAndFound: 12,
  comparedWith: 'conversation_files-manual-1.sqlite',
  fromBackup: null,
  durationMs: 820,
  pageCount: 400,
  pagesRead: 398,
  unreadablePages: [
    { page: 41, owner: 'conversation_files', ownerKind: 'table', table: 'conversation_files', reason: "page type byte 165 is not a b-tree page's" },
    {
      page: 57,
      owner: 'idx_conversation_files_session',
      ownerKind: 'index',
      table: 'conversation_files',
      reason: 'its cell count or content area does not fit the page',
    },
  ],
  orphanedLeaves: 3,
  walFrames: 0,
  foreignKeyViolations: 0,
  notes: [],
};

describe('Salvage in the Integrity view', () => {
  it('is offered on a damaged file only, and shows each table against the newest verified backup', async () => {
    const api = createFakeApi({ status: () => DAMAGED_STATUS, salvage: () => REPORT });
    renderConsole(<IntegrityView db="main" />, { api });
    const panel = (await screen.findByRole('heading', { name: 'Salvage' })).closest('section') as HTMLElement;
    fireEvent.click(within(panel).getByRole('button', { name: 'Salvage into a new file' }));
    const table = await within(panel).findByRole('table', { name: 'Rows salvaged per table' });
    expect(api.salvage).toHaveBeenCalledWith({ db: 'main', operationId: expect.stringMatching(/^op-/) });
    expect(
      within(table)
        .getAllByRole('row')
        .map((r) =>
          within(r)
            .queryAllByRole('cell')
            .map((c) => c.textContent),
        ),
    ).toEqual([
      [],
      ['conversation_files', '940 (1 row lost to overflow pages)', (1000).toLocaleString(), 'table: 41index idx_conversation_files_session: 57'],
      ['file_metadata', (1010).toLocaleString(), (1000).toLocaleString(), '—'],
      ['lost_and_found', '12', '—', '—'],
    ]);
    expect(panel.textContent).toContain('Read 398 of 400 pages; 2 pages could not be read; 3 table pages no b-tree reached were found by scanning the file.');
    expect(within(table).getByRole('columnheader', { name: /In backup conversation_files-manual-1\.sqlite/ })).toBeTruthy();
    expect(panel.textContent).toContain(REPORT.out);
    expect(panel.textContent).toContain('12 rows could not be placed in their table and are in lost_and_found, with their page number.');
    expect(panel.textContent).toContain('1 table has fewer rows than the backup.');
    // The console's own words, never a command line.
    expect(panel.textContent).toContain("open the salvaged file in this console, then copy the backup's missing rows into it with Recover rows");
    expect(panel.textContent).not.toMatch(/warden \w/);
  });

  it('opens the salvaged file in the console: the host is given its file name (never the path), and the console shows the new database', async () => {
    const entry = {
      id: 'conversation_files-salvaged',
      name: 'conversation_files-salvaged-2026-11-30T16-45-00-123Z.db',
      path: REPORT.out,
      schema: 'conversation_files',
    };
    const alone: SalvageReport = { ...REPORT, comparedWith: null, tables: REPORT.tables.map((t) => ({ ...t, inBackup: null })) };
    const api = createFakeApi({ status: () => DAMAGED_STATUS, salvage: () => alone, openSalvaged: () => entry, listDatabases: () => [entry] });
    renderConsole(<IntegrityView db="main" />, { api });
    const panel = (await screen.findByRole('heading', { name: 'Salvage' })).closest('section') as HTMLElement;
    fireEvent.click(within(panel).getByRole('button', { name: 'Salvage into a new file' }));
    const open = await within(panel).findByRole('button', { name: 'Open the salvaged file' });
    // No backup: the salvaged file is the way back, and no backup to restore is offered.
    expect(panel.textContent).toContain('There is no verified backup to compare with or to restore: the salvaged file is the way back.');
    expect(within(panel).queryByRole('link', { name: 'restore the backup' })).toBeNull();
    fireEvent.click(open);
    await waitFor(() => expect(window.location.hash).toBe('#/db/conversation_files-salvaged/overview'));
    expect(api.openSalvaged).toHaveBeenCalledWith({ db: 'main', file: 'conversation_files-salvaged-2026-11-30T16-45-00-123Z.db' });
  });

  it('says why the salvaged file could not be opened, and it can be tried again', async () => {
    const gone = new ApiError({
      code: 'NOT_FOUND',
      message:
        'No salvaged file named conversation_files-salvaged-2026-11-30T16-45-00-123Z.db beside /srv/chat/conversation_files.db: it was moved or removed since the salvage.',
    });
    const api = createFakeApi({ status: () => DAMAGED_STATUS, salvage: () => REPORT, openSalvaged: () => Promise.reject(gone) });
    renderConsole(<IntegrityView db="main" />, { api });
    const panel = (await screen.findByRole('heading', { name: 'Salvage' })).closest('section') as HTMLElement;
    fireEvent.click(within(panel).getByRole('button', { name: 'Salvage into a new file' }));
    fireEvent.click(await within(panel).findByRole('button', { name: 'Open the salvaged file' }));
    await waitFor(() => expect(panel.textContent).toContain('The salvaged file could not be opened'));
    expect(panel.textContent).toContain('it was moved or removed since the salvage');
    expect(within(panel).getByRole('button', { name: 'Open the salvaged file' })).toBeTruthy();
  });

  it('offers both ways at once where a verified backup exists: salvage, then the rows the damaged tables lack copied back from it', async () => {
    const newest = backupInfo({ name: 'conversation_files-manual-1.sqlite' });
    const both: SalvageReport = {
      ...REPORT,
      fromBackup: {
        backup: '/srv/chat/conversation_files.db.backups/conversation_files-manual-1.sqlite',
        tables: [{ table: 'conversation_files', inBackup: 1000, missing: 60, withoutParent: 0, copied: 60 }],
        notMatched: [{ table: 'notes', reason: 'Table notes has no primary key the backup shares, so its rows cannot be matched.' }],
      },
    };
    const api = createFakeApi({
      status: () => DAMAGED_STATUS,
      backups: () => [backupInfo({ name: 'damaged-copy.sqlite', damaged: true, verified: null }), newest],
      salvage: () => both,
    });
    renderConsole(<IntegrityView db="main" />, { api });
    const panel = (await screen.findByRole('heading', { name: 'Salvage' })).closest('section') as HTMLElement;
    fireEvent.click(await within(panel).findByRole('button', { name: 'Salvage, then copy rows back from the backup' }));
    const copied = await within(panel).findByRole('table', { name: 'Rows copied back from the backup' });
    expect(api.salvage).toHaveBeenCalledWith({ db: 'main', operationId: expect.stringMatching(/^op-/), recoverFrom: newest.name });
    expect(
      within(copied)
        .getAllByRole('row')
        .map((r) =>
          within(r)
            .queryAllByRole('cell')
            .map((c) => c.textContent),
        ),
    ).toEqual([[], ['conversation_files', (1000).toLocaleString(), '60', '0', '60']]);
    expect(panel.textContent).toContain('Then 60 rows the damaged tables lacked were copied back from the backup');
    expect(panel.textContent).toContain('notes: not copied back. Table notes has no primary key');
    expect(panel.textContent).not.toContain('Choose: keep the salvaged file');
  });

  it('offers salvage alone where no backup verified', async () => {
    const api = createFakeApi({
      status: () => DAMAGED_STATUS,
      backups: () => [backupInfo({ verified: { ok: false, level: 'quick', at: '2025-03-01T10:00:01.000Z', messages: ['altered'] } })],
    });
    renderConsole(<IntegrityView db="main" />, { api });
    const panel = (await screen.findByRole('heading', { name: 'Salvage' })).closest('section') as HTMLElement;
    await waitFor(() => expect(api.backups).toHaveBeenCalled());
    expect(within(panel).queryByRole('button', { name: 'Salvage, then copy rows back from the backup' })).toBeNull();
  });

  it('has no dead end: a failure is shown as the error it is, and Salvage can be pressed again', async () => {
    const failure = new ApiError({ code: 'NOT_FOUND', message: 'The folder /srv/chat for the salvaged file does not exist. Nothing was written.' });
    renderConsole(<IntegrityView db="main" />, { api: createFakeApi({ status: () => DAMAGED_STATUS, salvage: () => Promise.reject(failure) }) });
    const panel = (await screen.findByRole('heading', { name: 'Salvage' })).closest('section') as HTMLElement;
    fireEvent.click(within(panel).getByRole('button', { name: 'Salvage into a new file' }));
    await waitFor(() => expect(within(panel).getByText(/Nothing was salvaged/)).toBeTruthy());
    expect(panel.textContent).toContain('does not exist');
    expect(panel.textContent).not.toContain('sqlite_dbpage');
    expect(within(panel).getByRole('button', { name: 'Salvage into a new file' })).toBeTruthy();
  });

  it('is not offered on a sound file, and is offered when SQLite cannot read the file at all', async () => {
    const { unmount } = renderConsole(<IntegrityView db="main" />, { api: createFakeApi({ status: () => statusReport() }) });
    await screen.findByRole('heading', { name: 'Schema objects' });
    expect(screen.queryByRole('heading', { name: 'Salvage' })).toBeNull();
    unmount();
    const corrupt = new ApiError({ code: 'CORRUPT', message: 'The database /srv/chat/conversation_files.db is damaged: database disk image is malformed.' });
    renderConsole(<IntegrityView db="main" />, { api: createFakeApi({ status: () => Promise.reject(corrupt) }) });
    expect(await screen.findByRole('button', { name: 'Salvage into a new file' })).toBeTruthy();
  });
});
