// @vitest-environment jsdom
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../api/api-error';
import { createFakeApi } from '../test/fake-api';
import { BROKEN_STATUS, FRESH_STATUS, hostInfo, statusReport, verifyReport } from '../test/fixtures';
import { renderConsole } from '../test/render-console';
import { databaseKeys } from '../queries/database-keys';
import { App } from './App';

const MAIN = { id: 'main', name: 'conversation_files.db', path: '/srv/chat/conversation_files.db', schema: 'conversation_files' };

describe('App', () => {
  beforeEach(() => {
    window.location.hash = '#/db/main/overview';
  });

  it('lands on every database, worst first, with a one-line summary, when the address names none (issue 14)', async () => {
    window.location.hash = '#/';
    const databases = ['fine', 'broken', 'notes', 'fresh', 'locked', 'also_fine'].map((id) => ({ ...MAIN, id, name: `${id}.db`, path: `/srv/${id}.db` }));
    const api = createFakeApi({
      listDatabases: () => databases,
      status: ({ db }) => {
        if (db === 'broken') return BROKEN_STATUS;
        if (db === 'fresh') return FRESH_STATUS;
        if (db === 'notes') throw new ApiError({ code: 'NOT_A_DATABASE', message: '/srv/notes.db is not a SQLite database.' }, 'status');
        if (db === 'locked') throw new ApiError({ code: 'LOCKED', message: 'The database /srv/locked.db is locked by another process.' }, 'status');
        return statusReport();
      },
    });
    renderConsole(<App />, { api });
    expect(await screen.findByRole('heading', { level: 1, name: 'Databases' })).toBeTruthy();
    await waitFor(
      () => expect(screen.getByRole('status').textContent).toBe('6 databases: 1 unhealthy, 1 cannot be read, 1 locked, 1 need attention, 2 healthy'),
      { timeout: 5000 },
    );
    const list = screen.getByRole('list', { name: 'Databases, worst first' });
    const items = within(list).getAllByRole('listitem');
    expect(items.map((li) => within(li).getByRole('link').textContent)).toEqual(['broken.db', 'notes.db', 'locked.db', 'fresh.db', 'fine.db', 'also_fine.db']);
    expect(items[0].textContent).toContain('Unhealthy');
    expect(items[1].textContent).toContain('Cannot be read');
    expect(items[1].textContent).toContain('/srv/notes.db is not a SQLite database.');
    expect(items[3].textContent).toContain('Not initialized');
    expect(within(items[0]).getByRole('link').getAttribute('href')).toBe('#/db/broken/overview');
  });

  it('opens a database with its tabs', async () => {
    window.location.hash = '#/db/main/overview';
    renderConsole(<App />, { api: createFakeApi({ listDatabases: () => [MAIN], status: () => statusReport(), verify: () => verifyReport() }) });
    expect(await screen.findByRole('heading', { level: 1, name: 'conversation_files.db' })).toBeTruthy();
    const tabs = screen.getByRole('navigation', { name: 'Views' });
    expect(
      within(tabs)
        .getAllByRole('link')
        .map((a) => a.textContent),
    ).toEqual(['Overview', 'History', 'Integrity', 'Schema', 'Migration plan', 'Backups', 'Data', 'Sizes']);
    expect(within(tabs).getByRole('link', { name: 'Overview' }).getAttribute('aria-current')).toBe('page');
  });

  it('shows the worse verdict everywhere once a verification finds damage the status cannot see', async () => {
    const damaged = verifyReport({
      status: 'unhealthy',
      reason: 'SQLite quick_check failed: Page 5 is never used.',
      integrity: { level: 'quick', ok: false, messages: ['Page 5 is never used'] },
    });
    const { queryClient } = renderConsole(<App />, { api: createFakeApi({ listDatabases: () => [MAIN], status: () => statusReport(), backups: () => [] }) });
    queryClient.setQueryData(databaseKeys.verification('main'), damaged); // as the Integrity view leaves it
    const header = (await screen.findByRole('heading', { level: 1, name: 'conversation_files.db' })).closest('header') as HTMLElement;
    await waitFor(() => expect(within(header).getByText('Unhealthy')).toBeTruthy());
    const sidebar = screen.getByRole('navigation', { name: 'Databases' });
    expect(within(sidebar).getByRole('link', { name: /conversation_files\.db/ }).textContent).toContain('Unhealthy');
    // No backup to restore: the first step is to keep the file as it is (issue 21).
    expect(screen.getByText(/There is no verified backup to restore/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Preserve a copy' })).toBeTruthy();
  });

  it('says so when the address names a database that is not open', async () => {
    window.location.hash = '#/db/gone/history';
    renderConsole(<App />, { api: createFakeApi({ listDatabases: () => [MAIN], status: () => statusReport() }) });
    expect(await screen.findByText('"gone" is not open')).toBeTruthy();
  });

  it('has a skip link to the main content that keeps the address, and a sidebar that folds away', async () => {
    renderConsole(<App />, { api: createFakeApi({ listDatabases: () => [MAIN], status: () => statusReport(), backups: () => [] }) });
    await screen.findByRole('heading', { level: 1, name: 'conversation_files.db' });
    const skip = screen.getByRole('link', { name: 'Skip to main content' });
    expect(document.querySelector('a, button')).toBe(skip); // the first stop of the keyboard
    fireEvent.click(skip);
    expect(document.activeElement).toBe(screen.getByRole('main'));
    expect(window.location.hash).toBe('#/db/main/overview');

    const toggle = screen.getByRole('button', { name: 'Hide the databases list' });
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    fireEvent.click(toggle);
    expect(screen.queryByRole('navigation', { name: 'Databases' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Show the databases list' }));
    expect(screen.getByRole('navigation', { name: 'Databases' })).toBeTruthy();
  });

  it('invites to create a database when none is open', async () => {
    window.location.hash = '#/';
    renderConsole(<App />, { api: createFakeApi({ listDatabases: () => [] }) });
    expect(await screen.findByText('No database is open')).toBeTruthy();
  });

  it('shows a status the host pushes at once: unhealthy in the header and the sidebar, without asking (issue 14)', async () => {
    const api = createFakeApi({ listDatabases: () => [MAIN], status: () => statusReport(), backups: () => [] });
    const { emit } = renderConsole(<App />, { api });
    const header = (await screen.findByRole('heading', { level: 1, name: 'conversation_files.db' })).closest('header') as HTMLElement;
    await waitFor(() => expect(within(header).getByText('Healthy')).toBeTruthy());
    const asked = api.status.mock.calls.length;
    act(() => emit({ type: 'status', db: 'main', status: BROKEN_STATUS }));
    await waitFor(() => expect(within(header).getByText('Unhealthy')).toBeTruthy());
    expect(within(screen.getByRole('navigation', { name: 'Databases' })).getByRole('link', { name: /conversation_files\.db/ }).textContent).toContain(
      'Unhealthy',
    );
    expect(api.status.mock.calls.length).toBe(asked);
  });

  it('says when the status was checked, and Refresh reads it again (issue 14)', async () => {
    let current = statusReport({ checkedAt: new Date(Date.now() - 12_000).toISOString() });
    const api = createFakeApi({ listDatabases: () => [MAIN], status: () => current, backups: () => [] });
    renderConsole(<App />, { api });
    const header = (await screen.findByRole('heading', { level: 1, name: 'conversation_files.db' })).closest('header') as HTMLElement;
    expect(await within(header).findByText(/^1[2-4] s ago$/)).toBeTruthy();
    current = BROKEN_STATUS;
    fireEvent.click(within(header).getByRole('button', { name: 'Refresh' }));
    expect(await within(header).findByText('Unhealthy')).toBeTruthy();
  });

  it('marks a locked database as waiting in the sidebar and header, not "Cannot be read" (issue 14)', async () => {
    const locked = () => {
      throw new ApiError({ code: 'LOCKED', message: 'The database is locked by another process and stayed locked past the wait time.' });
    };
    renderConsole(<App />, { api: createFakeApi({ listDatabases: () => [MAIN], status: locked, backups: () => [] }) });
    const header = (await screen.findByRole('heading', { level: 1, name: 'conversation_files.db' })).closest('header') as HTMLElement;
    expect(await within(header).findByText('Locked by another process')).toBeTruthy();
    const link = within(screen.getByRole('navigation', { name: 'Databases' })).getByRole('link', { name: /conversation_files\.db/ });
    expect(link.textContent).toContain('Locked · waiting');
    expect(link.textContent).not.toContain('Cannot be read');
  });

  it('follows the host when it announces a database opened from its own menu', async () => {
    const { emit } = renderConsole(<App />, {
      api: createFakeApi({ listDatabases: () => [MAIN], status: () => statusReport(), verify: () => verifyReport(), backups: () => [] }),
    });
    await screen.findByRole('heading', { level: 1, name: 'conversation_files.db' });
    const other = { id: 'qa', name: 'qa.db', path: '/tmp/qa.db', schema: 'conversation_files' };
    act(() => emit({ type: 'databases', databases: [MAIN, other], selected: 'qa' }));
    await waitFor(() => expect(window.location.hash).toBe('#/db/qa/overview'));
    expect(await screen.findByRole('heading', { level: 1, name: 'qa.db' })).toBeTruthy();
  });

  it('stops showing a verification once a write made it outdated, while its new check runs', async () => {
    const damaged = verifyReport({ status: 'unhealthy', reason: 'Table file_metadata is missing.' });
    const api = createFakeApi({ listDatabases: () => [MAIN], status: () => statusReport(), verify: () => new Promise<never>(() => {}), backups: () => [] });
    const { queryClient } = renderConsole(<App />, { api });
    queryClient.setQueryData(databaseKeys.verification('main'), damaged);
    const header = (await screen.findByRole('heading', { level: 1, name: 'conversation_files.db' })).closest('header') as HTMLElement;
    await waitFor(() => expect(within(header).getByText('Unhealthy')).toBeTruthy());
    act(() => void queryClient.invalidateQueries({ queryKey: databaseKeys.one('main') })); // its verify never answers
    await waitFor(() => expect(within(header).getByText('Healthy')).toBeTruthy());
  });

  it('says a read-only console is read-only above every view, and offers no New database (issue 16)', async () => {
    const api = createFakeApi({
      listDatabases: () => [MAIN],
      status: () => statusReport(),
      hostInfo: () => hostInfo({ readOnly: true, asksForOperator: true }),
    });
    renderConsole(<App />, { api });
    expect((await screen.findByRole('note')).textContent).toMatch(/^Read-only access\. You can view every database and run integrity checks\./);
    expect(screen.queryByRole('button', { name: 'New database…' })).toBeNull();
    expect(screen.queryByRole('form', { name: 'Who is working here?' })).toBeNull(); // nothing it does is recorded
  });
});
