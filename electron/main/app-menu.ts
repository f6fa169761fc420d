import type { MenuItemConstructorOptions } from 'electron';
import { basename } from 'node:path';
import type { RecentDatabase } from './recent-databases';

// The application menu as a plain template, so it can be built (and checked) without Electron.

export interface MenuActions {
  open(): void;
  /** A schema or migrations folder for the database last opened (absent: none is open). */
  chooseSchemaFolder?: { database: string; choose(): void };
  create(): void;
  openRecent(database: RecentDatabase): void;
  openFleet(): void;
}

/** View: reload and zoom; the developer tools only where they may open (never in a packaged app). */
function viewMenu(devTools: boolean): MenuItemConstructorOptions {
  return {
    label: 'View',
    submenu: [
      { role: 'reload' },
      ...(devTools ? [{ role: 'toggleDevTools' } as const] : []),
      { type: 'separator' },
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };
}

export function appMenuTemplate(
  recent: RecentDatabase[],
  actions: MenuActions,
  platform: NodeJS.Platform,
  { devTools }: { devTools: boolean } = { devTools: false },
): MenuItemConstructorOptions[] {
  const recentItems: MenuItemConstructorOptions[] = recent.length
    ? recent.map((database) => ({ label: `${basename(database.path)} — ${database.path}`, click: () => actions.openRecent(database) }))
    : [{ label: 'No recent databases', enabled: false }];
  const file: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      { label: 'Open Database…', accelerator: 'CmdOrCtrl+O', click: () => actions.open() },
      { label: 'New Database…', accelerator: 'CmdOrCtrl+N', click: () => actions.create() },
      { label: 'Open Recent', submenu: recentItems },
      actions.chooseSchemaFolder
        ? { label: `Choose Schema or Migrations Folder for ${actions.chooseSchemaFolder.database}…`, click: () => actions.chooseSchemaFolder!.choose() }
        : { label: 'Choose Schema or Migrations Folder…', enabled: false },
      { type: 'separator' },
      { label: 'Open Fleet…', accelerator: 'CmdOrCtrl+Shift+O', click: () => actions.openFleet() },
      { type: 'separator' },
      platform === 'darwin' ? { role: 'close' } : { role: 'quit' },
    ],
  };
  return [...(platform === 'darwin' ? [{ role: 'appMenu' } as const] : []), file, { role: 'editMenu' }, viewMenu(devTools), { role: 'windowMenu' }];
}
