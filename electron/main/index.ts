import { app, BrowserWindow, ipcMain, Menu, protocol, safeStorage, session } from 'electron';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { consoleHintFor } from '../../shared/console-hints';
import { isMethodName } from '../../shared/contract';
import { IPC_EVENT_CHANNEL } from '../../shared/transport';
import { DatabaseRegistry } from '../api/database-registry';
import { dispatch } from '../api/dispatch';
import engineWorkerPath from '../api/engine-worker?modulePath';
import { EngineLanes } from '../api/engine-lanes';
import type { HostContext } from '../api/host-context';
import { composeHost } from '../api/compose-host';
import { BackupSchedule } from '../api/backup-schedule';
import { SchemaCatalog } from '../api/schema-catalog';
import { watchStatuses } from '../api/status-watch';
import { appMenuTemplate } from './app-menu';
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, APP_URL, serveAppFile } from './app-protocol';
import { deploymentWindowHandle } from './deployment-window';
import { DesktopFleet } from './desktop-fleet';
import {
  chooseDatabaseToOpen,
  chooseExportFile,
  chooseFleetFile,
  choosePathForNewDatabase,
  chooseSchemaAndVersion,
  chooseSchemaFolder,
  offerSchemaFolder,
  showFailure,
  showRecognised,
} from './dialogs';
import { FleetTokens } from './fleet-tokens';
import { registerApiHandlers } from './ipc';
import { BackupScheduleSetting } from './backup-schedule-setting';
import { RecentDatabases } from './recent-databases';
import { chooseFolderFor, openWithSchemaFolder, recentOf, reopenRecent, type SchemaFolderFlow } from './schema-folder-flow';
import { runAsOnlyInstance } from './single-instance';
import { electronSqliteAddon } from './sqlite-addon-path';
import { applySessionPolicy, guardNavigation, mainWindowOptions } from './window';
import { routeWindowCalls } from './window-calls';

// The desktop host: one window on the console, the handler table over IPC, native dialogs for
// every path, and the default database created and initialized on first run.

const HERE = dirname(fileURLToPath(import.meta.url));
const DEFAULT_SCHEMA = 'conversation_files';
/** How often open databases are read again for the window (WARDEN_STATUS_INTERVAL_MS overrides it: tests). */
const STATUS_INTERVAL_MS = Number(devOverride('WARDEN_STATUS_INTERVAL_MS')) || 30_000;

/**
 * The development overrides (electron-vite's dev server, the test folders) are honoured only when
 * the app runs from a checkout: a packaged app never loads its page from a URL in the environment
 * or keeps its files where the environment says.
 */
function devOverride(name: string): string | undefined {
  return app.isPackaged ? undefined : process.env[name];
}

/** Where the page comes from: electron-vite's dev server, or the built page over the app's own scheme (app-protocol.ts). */
const devServerUrl = devOverride('ELECTRON_RENDERER_URL');
const appUrl = devServerUrl ?? APP_URL;
const RENDERER_DIR = join(HERE, '../renderer');

// Registered before the app is ready, as Electron requires of a privileged scheme.
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

/** data/ beside the app in a checkout (like the CLI's default); the user's data folder once packaged. WARDEN_DATA_DIR overrides it in a checkout (tests). */
function dataFolder(): string {
  return devOverride('WARDEN_DATA_DIR') ?? (app.isPackaged ? join(app.getPath('userData'), 'data') : join(app.getAppPath(), 'data'));
}

async function openDefaultDatabase(host: HostContext, path: string): Promise<void> {
  if (!existsSync(path)) {
    await host.engine.run({ name: 'initialize', options: {}, dbPath: path, schemaDir: host.schemas.dirOf(DEFAULT_SCHEMA) });
  }
  host.registry.add(path, DEFAULT_SCHEMA);
}

/** Loads the console into a window; `deployment`: the page shows that fleet deployment (see DesktopFleet). */
function loadConsole(window: BrowserWindow, deployment?: string): Promise<void> {
  return window.loadURL(deployment === undefined ? appUrl : `${appUrl}?${new URLSearchParams({ deployment })}`);
}

/** A fleet deployment's own window: the same secure options and guards as the main one (closed by destroy: deployment-window.ts). */
function deploymentWindow(preload: string, deployment: string, closed: () => void) {
  const window = new BrowserWindow({ ...mainWindowOptions(preload, { devTools: !app.isPackaged }), title: `${deployment} — Schema Warden` });
  guardNavigation(window.webContents);
  const handle = deploymentWindowHandle(window, closed);
  void loadConsole(window, deployment);
  return handle;
}

async function start(): Promise<void> {
  const appRoot = app.getAppPath();
  const preload = join(HERE, '../preload/index.cjs');
  // The built page, each response with the full policy; nothing outside the renderer folder is served.
  protocol.handle(APP_SCHEME, (request) => serveAppFile(request.url, RENDERER_DIR));
  const window = new BrowserWindow(mainWindowOptions(preload, { devTools: !app.isPackaged }));
  guardNavigation(window.webContents);
  applySessionPolicy(session.defaultSession);

  const registry = new DatabaseRegistry();
  const recents = new RecentDatabases(join(app.getPath('userData'), 'recent-databases.json'));
  const engine = new EngineLanes({ entry: engineWorkerPath, size: 2, sqliteAddon: electronSqliteAddon(appRoot) });
  app.on('before-quit', () => void engine.close());
  let fleet: DesktopFleet | null = null;
  const emit: HostContext['emit'] = (event) => {
    if (!window.isDestroyed()) window.webContents.send(IPC_EVENT_CHANNEL, event);
    fleet?.forward(event);
  };
  const host = composeHost({
    registry,
    schemas: new SchemaCatalog(join(appRoot, 'schemas'), DEFAULT_SCHEMA),
    // The desktop app acts for the user logged in: the history names them as user@host.
    identity: { via: 'the desktop app', operator: null, asksForOperator: false },
    engine,
    emit,
    capabilities: {
      chooseDatabaseToOpen: () => chooseDatabaseToOpen(window),
      chooseSchemaFolder: () => chooseSchemaFolder(window),
      placeNewDatabase: (fileName) => choosePathForNewDatabase(window, fileName, dataFolder()),
      chooseExportFile: (fileName) => chooseExportFile(window, fileName, app.getPath('downloads')),
    },
  });

  // Scheduled backups of every open database, at the interval the user chose in the Backups view (kept across starts).
  const scheduleSetting = new BackupScheduleSetting(join(app.getPath('userData'), 'backup-schedule.json'));
  const schedule = new BackupSchedule(host, scheduleSetting.read());
  host.capabilities.backupSchedule = schedule;
  host.capabilities.setBackupEvery = (everyMs) => {
    scheduleSetting.save(everyMs);
    schedule.setEvery(everyMs);
  };
  schedule.start();
  app.on('before-quit', () => void schedule.stop());

  fleet = new DesktopFleet({
    host,
    tokens: new FleetTokens(join(app.getPath('userData'), 'fleet-tokens.json'), safeStorage),
    rememberedFile: join(app.getPath('userData'), 'fleet.json'),
    defaultSchemaDir: host.schemas.dirOf(DEFAULT_SCHEMA),
    chooseFleetFile: () => chooseFleetFile(window),
    openWindow: (deployment, closed) => deploymentWindow(preload, deployment, closed),
  });
  Object.assign(host.capabilities, fleet.capabilities());
  app.on('before-quit', () => void fleet?.close());
  fleet.reopen();

  // A deployment's window is answered by its deployment, the main window by this host, and any other window by nobody (window-calls.ts).
  const call = routeWindowCalls({
    mainWindowId: window.webContents.id,
    main: (method, input) => dispatch(host, method, input),
    deployment: (windowId, method, input) => fleet?.callFrom(windowId, method, input) ?? null,
  });
  const callFromMenu = async (method: string, input: unknown) => {
    const envelope = await call(method, input, window.webContents.id);
    // A window's dialog speaks as the console does (its buttons and views), not as the CLI's hint.
    if (!envelope.ok && envelope.error.code !== 'CANCELLED')
      showFailure('Schema Warden', `${envelope.error.message}\n\n${consoleHintFor(envelope.error, isMethodName(method) ? method : null)}`);
  };
  const folderFlow: SchemaFolderFlow = {
    call: (method, input) => call(method, input, window.webContents.id),
    recognisesFile: (path) => host.schemas.recognisesFile(path),
    offerFolder: (database) => offerSchemaFolder(window, database),
    showRecognised: (database, recognised) => showRecognised(window, database, recognised),
    showFailure: (method, envelope) => showFailure('Schema Warden', `${envelope.error.message}\n\n${consoleHintFor(envelope.error, method)}`),
  };
  // The database File → Choose Schema or Migrations Folder… applies to: the one last opened or chosen.
  let lastOpened: { id: string; name: string } | null = null;
  const refreshMenu = () =>
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        appMenuTemplate(
          recents.list(),
          {
            open: () => void openWithSchemaFolder(folderFlow),
            chooseSchemaFolder:
              lastOpened && registry.list().some((d) => d.id === lastOpened!.id)
                ? { database: lastOpened.name, choose: () => void chooseFolderFor(folderFlow, lastOpened!.id) }
                : undefined,
            create: () =>
              void chooseSchemaAndVersion(window, host.schemas.summaries()).then((choice) => (choice ? callFromMenu('createDatabase', choice) : undefined)),
            openRecent: (database) => {
              try {
                reopenRecent(host, database);
              } catch (err) {
                const { message, hint } = err as { message: string; hint?: string };
                showFailure('The recent database could not be opened', hint ? `${message}\n\n${hint}` : message);
              }
            },
            openFleet: () => void callFromMenu('openFleet', {}),
          },
          process.platform,
          { devTools: !app.isPackaged },
        ),
      ),
    );
  registry.onChange((selected) => {
    if (selected && selected.backupOf === undefined) lastOpened = { id: selected.id, name: selected.name };
    if (selected) recents.remember(recentOf(host, selected));
    host.emit({ type: 'databases', databases: registry.list(), selected: selected?.id ?? null });
    refreshMenu();
  });
  registerApiHandlers(ipcMain, appUrl, call);
  refreshMenu();
  app.on('before-quit', watchStatuses(host, STATUS_INTERVAL_MS));

  try {
    await openDefaultDatabase(host, join(dataFolder(), `${DEFAULT_SCHEMA}.db`));
  } catch (err) {
    showFailure('The default database could not be opened', `${(err as Error).message}\n\nOther databases can still be opened with File → Open.`);
  }
  window.once('ready-to-show', () => window.show());
  await loadConsole(window);
}

// Tests keep the app's own files (recent databases, the fleet open, kept tokens) out of the user's.
const userDataOverride = devOverride('WARDEN_USER_DATA_DIR');
if (userDataOverride) app.setPath('userData', userDataOverride);

// One app per user (single-instance.ts), after userData is settled: Electron's lock is per userData folder.
runAsOnlyInstance(
  app,
  () => BrowserWindow.getAllWindows()[0],
  () => {
    app
      .whenReady()
      .then(start)
      .catch((err: unknown) => {
        showFailure('Schema Warden could not start', (err as Error).message);
        app.quit();
      });
  },
);

app.on('window-all-closed', () => app.quit());
