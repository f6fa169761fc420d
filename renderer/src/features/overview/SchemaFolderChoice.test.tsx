// @vitest-environment jsdom
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { SchemaFolderChoice as Choice } from '../../../../shared/types/databases';
import type { StatusReport } from '../../../../shared/types/status';
import { createFakeApi } from '../../test/fake-api';
import { statusReport } from '../../test/fixtures';
import { renderConsole } from '../../test/render-console';
import { OverviewView } from './OverviewView';

// The desktop console's way to give an open database its schema or migrations folder: the host's
// dialog picks it (no path leaves the page), the host says what it recognised, and the Overview is
// read again under the new schema. The web console has no such button: its server never takes a folder.

const RECOGNISED =
  "Read /srv/notes/db/migrations as a dbmate migrations folder (no schema.json: the format was detected from its files): 2 versions (20240101120000 to 20240215093000); the app's history is read from schema_migrations.";
const CHOICE: Choice = {
  database: { id: 'notes', name: 'notes.db', path: '/srv/notes/notes.db', schema: 'db' },
  schema: { name: 'db', title: 'db (dbmate migrations)', description: '', versions: ['20240101120000', '20240215093000'], latest: '20240215093000' },
  recognised: RECOGNISED,
};

describe('Choose schema or migrations folder… on the Overview', () => {
  it('in the desktop app: asks the host, shows what it recognised, and reads the database again under the new schema', async () => {
    let status: StatusReport = statusReport({ path: '/srv/notes/notes.db', schema: 'conversation_files' });
    const api = createFakeApi({
      status: () => status,
      backups: () => [],
      chooseSchemaFolder: () => {
        status = statusReport({ path: '/srv/notes/notes.db', schema: 'db', latest: '20240215093000' });
        return CHOICE;
      },
    });
    renderConsole(<OverviewView db="notes" />, { api, kind: 'electron' });
    fireEvent.click(await screen.findByRole('button', { name: 'Choose schema or migrations folder…' }));
    expect(await screen.findByText('Now read with the schema db (dbmate migrations)')).toBeTruthy();
    expect(screen.getByText(RECOGNISED)).toBeTruthy();
    expect(api.chooseSchemaFolder).toHaveBeenCalledWith({ db: 'notes' });
    await waitFor(() => expect(screen.getByText('db')).toBeTruthy()); // the Schema fact, read again
  });

  it('in the web console: no such button (the server never takes a folder from the browser)', async () => {
    renderConsole(<OverviewView db="main" />, { api: createFakeApi({ status: () => statusReport(), backups: () => [] }), kind: 'http' });
    expect(await screen.findByText('Schema')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Choose schema or migrations folder…' })).toBeNull();
  });
});
