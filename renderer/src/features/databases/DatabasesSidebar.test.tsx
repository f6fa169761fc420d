// @vitest-environment jsdom
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { DatabaseEntry } from '../../../../shared/types/databases';
import { createFakeApi } from '../../test/fake-api';
import { BROKEN_STATUS, statusReport } from '../../test/fixtures';
import { renderConsole } from '../../test/render-console';
import { DatabasesSidebar } from './DatabasesSidebar';

const MAIN: DatabaseEntry = { id: 'main', name: 'conversation_files.db', path: '/srv/chat/conversation_files.db', schema: 'conversation_files' };
const BROKEN: DatabaseEntry = { id: 'broken', name: 'broken.db', path: '/srv/chat/broken.db', schema: 'conversation_files' };
const SCHEMA = {
  name: 'conversation_files',
  title: 'Conversation file store',
  description: 'Files uploaded into chat sessions.',
  versions: ['1.0.0', '1.1.0', '1.2.0'],
  latest: '1.2.0',
};

function host() {
  let databases = [MAIN, BROKEN];
  return createFakeApi({
    listDatabases: () => databases,
    listSchemas: () => [SCHEMA],
    status: ({ db }) => (db === 'broken' ? BROKEN_STATUS : statusReport()),
    createDatabase: ({ name }) => {
      const created = { id: name ?? 'fresh', name: `${name}.db`, path: `/srv/chat/${name}.db`, schema: 'conversation_files' };
      databases = [...databases, created];
      return created;
    },
    closeDatabase: ({ db }) => {
      databases = databases.filter((d) => d.id !== db);
      return { closed: true };
    },
  });
}

describe('DatabasesSidebar', () => {
  it('lists the open databases with their health in words', async () => {
    renderConsole(<DatabasesSidebar selected="main" />, { api: host() });
    const nav = screen.getByRole('navigation', { name: 'Databases' });
    const main = await within(nav).findByRole('link', { name: /conversation_files\.db/ });
    expect(main.getAttribute('aria-current')).toBe('page');
    await waitFor(() => expect(main.textContent).toContain('1.2.0 · Healthy'));
    await waitFor(() => expect(within(nav).getByRole('link', { name: /broken\.db/ }).textContent).toContain('Unhealthy'));
  });

  it('creates a fresh database at the chosen version and shows it', async () => {
    const api = host();
    renderConsole(<DatabasesSidebar selected="main" />, { api });
    fireEvent.click(screen.getByRole('button', { name: 'New database…' }));
    await screen.findByLabelText('Version');
    const dialog = screen.getByRole('dialog', { name: 'New database' });
    fireEvent.change(within(dialog).getByLabelText('Version'), { target: { value: '1.0.0' } });
    fireEvent.change(within(dialog).getByLabelText('File name (optional)'), { target: { value: 'qa_upgrade' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create at 1.0.0' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(api.createDatabase).toHaveBeenCalledWith({ schema: 'conversation_files', version: '1.0.0', name: 'qa_upgrade' });
    expect(await screen.findByRole('link', { name: /qa_upgrade\.db/ })).toBeTruthy();
    expect(window.location.hash).toBe('#/db/qa_upgrade/overview');
  });

  it('refuses a file name with a path in it before asking the host', async () => {
    const api = host();
    renderConsole(<DatabasesSidebar selected="main" />, { api });
    fireEvent.click(screen.getByRole('button', { name: 'New database…' }));
    await screen.findByLabelText('File name (optional)');
    const dialog = screen.getByRole('dialog');
    fireEvent.change(within(dialog).getByLabelText('File name (optional)'), { target: { value: '../etc' } });
    expect(within(dialog).getByText('Use letters, digits, _ and - only (no folder, no extension).')).toBeTruthy();
    expect((within(dialog).getByRole('button', { name: /Create at/ }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('in the web console, asks before it stops serving a database, then closes it', async () => {
    const api = host();
    renderConsole(<DatabasesSidebar selected="main" />, { api });
    fireEvent.click(await screen.findByRole('button', { name: 'Close broken.db' }));
    const dialog = screen.getByRole('dialog', { name: 'Stop serving broken.db?' });
    expect(dialog.textContent).toContain('the health endpoint stops reporting it');
    expect(dialog.textContent).toContain('The file itself is not changed or deleted.');
    expect(api.closeDatabase).not.toHaveBeenCalled();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Stop serving' }));
    await waitFor(() => expect(screen.queryByRole('link', { name: /broken\.db/ })).toBeNull());
    expect(api.closeDatabase).toHaveBeenCalledWith({ db: 'broken' });
  });

  it('Cancel keeps the database, and closing the one on screen goes to the landing', async () => {
    const api = host();
    window.location.hash = '#/db/broken/history';
    renderConsole(<DatabasesSidebar selected="broken" />, { api });
    fireEvent.click(await screen.findByRole('button', { name: 'Close broken.db' }));
    fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Cancel' }));
    expect(api.closeDatabase).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Close broken.db' }));
    fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Stop serving' }));
    await waitFor(() => expect(window.location.hash).toBe('#/'));
  });

  it('offers Open… only in the desktop app, where a native dialog picks the file', async () => {
    renderConsole(<DatabasesSidebar selected={null} />, { api: host(), kind: 'electron' });
    expect(screen.getByRole('button', { name: 'Open…' })).toBeTruthy();
  });
});
