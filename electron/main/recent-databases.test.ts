import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../engine/test-support/fixtures';
import { appMenuTemplate } from './app-menu';
import { RecentDatabases } from './recent-databases';

describe('recent databases', () => {
  it('remembers newest first, once each, only files that still exist, at most ten', () => {
    const dir = tempDir();
    const recents = new RecentDatabases(join(dir, 'userData', 'recent-databases.json'));
    const files = Array.from({ length: 12 }, (_, k) => join(dir, `db${k}.db`));
    for (const file of files) {
      writeFileSync(file, '');
      recents.remember({ path: file, schema: 'conversation_files' });
    }
    recents.remember({ path: files[5], schema: 'conversation_files' });
    expect(recents.list().map((r) => r.path)).toEqual([files[5], files[11], files[10], files[9], files[8], files[7], files[6], files[4], files[3], files[2]]);
    rmSync(files[11]);
    expect(new RecentDatabases(join(dir, 'userData', 'recent-databases.json')).list().map((r) => r.path)).not.toContain(files[11]);
  });

  it('keeps the folder of a schema chosen for a file, and reads lists written before it had one', () => {
    const dir = tempDir();
    const file = join(dir, 'notes.db');
    writeFileSync(file, '');
    const recents = new RecentDatabases(join(dir, 'recent.json'));
    recents.remember({ path: file, schema: 'db', schemaDir: '/srv/notes/db/migrations?x-migrations-table=app_versions' });
    expect(new RecentDatabases(join(dir, 'recent.json')).list()).toEqual([
      { path: file, schema: 'db', schemaDir: '/srv/notes/db/migrations?x-migrations-table=app_versions' },
    ]);
    writeFileSync(join(dir, 'old.json'), JSON.stringify([{ path: file, schema: 'conversation_files' }]));
    expect(new RecentDatabases(join(dir, 'old.json')).list()).toEqual([{ path: file, schema: 'conversation_files' }]);
  });

  it('starts empty when its file is missing or unreadable', () => {
    const dir = tempDir();
    expect(new RecentDatabases(join(dir, 'none.json')).list()).toEqual([]);
    writeFileSync(join(dir, 'broken.json'), '{not json');
    expect(new RecentDatabases(join(dir, 'broken.json')).list()).toEqual([]);
  });
});

describe('the File menu', () => {
  it('offers Open, New, the recent databases and Open Fleet', () => {
    const opened: string[] = [];
    const actions = {
      open: () => opened.push('open'),
      create: () => opened.push('new'),
      openRecent: (r: { path: string }) => opened.push(r.path),
      openFleet: () => opened.push('fleet'),
    };
    const template = appMenuTemplate([{ path: '/srv/a.db', schema: 'conversation_files' }], actions, 'linux');
    const file = template.find((m) => m.label === 'File')!;
    const items = file.submenu as { label?: string; click?: () => void; submenu?: { label: string; click: () => void }[] }[];
    expect(items.map((i) => i.label).filter(Boolean)).toEqual([
      'Open Database…',
      'New Database…',
      'Open Recent',
      'Choose Schema or Migrations Folder…',
      'Open Fleet…',
    ]);
    items[0].click!();
    items[1].click!();
    items[2].submenu![0].click();
    items.find((i) => i.label === 'Open Fleet…')!.click!();
    expect(opened).toEqual(['open', 'new', '/srv/a.db', 'fleet']);
    const empty = appMenuTemplate([], actions, 'linux').find((m) => m.label === 'File')!.submenu as {
      label?: string;
      submenu?: { label: string; enabled?: boolean }[];
    }[];
    expect(empty[2].submenu).toEqual([{ label: 'No recent databases', enabled: false }]);
  });
});

describe('the View menu', () => {
  const actions = { open: () => {}, create: () => {}, openRecent: () => {}, openFleet: () => {} };
  const roles = (devTools: boolean) =>
    (appMenuTemplate([], actions, 'linux', { devTools }).find((m) => m.label === 'View')!.submenu as { role?: string }[]).map((i) => i.role).filter(Boolean);

  it('offers the developer tools only where they may open: never in a packaged app', () => {
    expect(roles(false)).not.toContain('toggleDevTools');
    expect(roles(true)).toContain('toggleDevTools');
    expect(roles(false)).toEqual(['reload', 'resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']);
  });
});
