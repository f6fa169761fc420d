// @vitest-environment jsdom
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { SalvageReport } from '../../../../shared/types';
import { ApiError } from '../../api/api-error';
import { createFakeApi } from '../../test/fake-api';
import { DAMAGED_STATUS, statusReport } from '../../test/fixtures';
import { renderConsole } from '../../test/render-console';
import { IntegrityView } from './IntegrityView';

const REPORT: SalvageReport = {
  path: '/srv/chat/conversation_files.db',
  out: '/srv/chat/conversation_files-salvaged-2026-11-30T16-45-00-123Z.db',
  version: '1.2.0',
  integrity: { level: 'full', ok: true, messages: [] },
  drift: [],
  tables: [
    { name: 'conversation_files', salvaged: 940, inBackup: 1000 },
    { name: 'file_metadata', salvaged: 1010, inBackup: 1000 },
    { name: 'lost_and_found', salvaged: 12, inBackup: null },
  ],
  lostAndFound: 12,
  comparedWith: 'conversation_files-manual-1.sqlite',
  durationMs: 820,
};

const NOT_HERE = new ApiError({
  code: 'NOT_SUPPORTED',
  message: "Salvage needs SQLite's recovery, and neither form of it is available here: the sqlite3 shell on this machine (3.40.1) was built without the sqlite_dbpage virtual table its .recover command reads pages with, and the SQLite inside Schema Warden has no recovery API. Nothing was written.",
  hint: 'Restore the newest verified backup (warden backups lists them).',
});

describe('Salvage in the Integrity view', () => {
  it('is offered on a damaged file only, and shows each table against the newest verified backup', async () => {
    const api = createFakeApi({ status: () => DAMAGED_STATUS, salvage: () => REPORT });
    renderConsole(<IntegrityView db="main" />, { api });
    const panel = (await screen.findByRole('heading', { name: 'Salvage' })).closest('section') as HTMLElement;
    fireEvent.click(within(panel).getByRole('button', { name: 'Salvage into a new file' }));
    const table = await within(panel).findByRole('table', { name: 'Rows salvaged per table' });
    expect(api.salvage).toHaveBeenCalledWith({ db: 'main', operationId: expect.stringMatching(/^op-/) });
    expect(within(table).getAllByRole('row').map((r) => within(r).queryAllByRole('cell').map((c) => c.textContent))).toEqual([
      [], ['conversation_files', '940', (1000).toLocaleString()], ['file_metadata', (1010).toLocaleString(), (1000).toLocaleString()], ['lost_and_found', '12', '—'],
    ]);
    expect(within(table).getByRole('columnheader', { name: /In backup conversation_files-manual-1\.sqlite/ })).toBeTruthy();
    expect(panel.textContent).toContain(REPORT.out);
    expect(panel.textContent).toContain('12 rows could not be placed in their table and are in lost_and_found.');
    expect(panel.textContent).toContain('1 table has fewer rows than the backup.');
    expect(panel.textContent).toContain(`warden recover-rows --db ${REPORT.out} --table TABLE --backup FILE`);
  });

  it('says plainly when recovery is not available here', async () => {
    renderConsole(<IntegrityView db="main" />, { api: createFakeApi({ status: () => DAMAGED_STATUS, salvage: () => Promise.reject(NOT_HERE) }) });
    const panel = (await screen.findByRole('heading', { name: 'Salvage' })).closest('section') as HTMLElement;
    fireEvent.click(within(panel).getByRole('button', { name: 'Salvage into a new file' }));
    await waitFor(() => expect(within(panel).getByText(/Nothing was salvaged/)).toBeTruthy());
    expect(within(panel).getByText(/built without the sqlite_dbpage virtual table/)).toBeTruthy();
    expect(within(panel).getByRole('link', { name: 'restore the newest verified backup' }).getAttribute('href')).toBe('#/db/main/backups');
    expect(within(panel).getByText('NOT_SUPPORTED')).toBeTruthy();
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
