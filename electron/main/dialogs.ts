import { dialog, type BrowserWindow } from 'electron';
import { join } from 'node:path';
import type { DatabaseEntry, SchemaSummary } from '../../shared/types/databases';

// The one module that shows native dialogs, and so the only way a file path enters the desktop
// host: the renderer never sends one.

const DATABASE_FILTERS = [
  { name: 'SQLite databases', extensions: ['db', 'sqlite', 'sqlite3', 'db3'] },
  { name: 'All files', extensions: ['*'] },
];

export async function chooseDatabaseToOpen(window: BrowserWindow): Promise<string | null> {
  const result = await dialog.showOpenDialog(window, { title: 'Open a database', properties: ['openFile'], filters: DATABASE_FILTERS });
  return result.canceled ? null : (result.filePaths[0] ?? null);
}

export async function choosePathForNewDatabase(window: BrowserWindow, fileName: string, folder: string): Promise<string | null> {
  const result = await dialog.showSaveDialog(window, {
    title: 'Create a database',
    defaultPath: join(folder, fileName),
    filters: DATABASE_FILTERS,
    properties: ['createDirectory', 'showOverwriteConfirmation'],
  });
  return result.canceled || !result.filePath ? null : result.filePath;
}

/** Where an export goes: the Downloads folder by default, as a browser would put it. */
export async function chooseExportFile(window: BrowserWindow, fileName: string, folder: string): Promise<string | null> {
  const csv = fileName.endsWith('.csv');
  const result = await dialog.showSaveDialog(window, {
    title: 'Export rows',
    defaultPath: join(folder, fileName),
    filters: [csv ? { name: 'CSV', extensions: ['csv'] } : { name: 'JSON lines', extensions: ['jsonl'] }, { name: 'All files', extensions: ['*'] }],
    properties: ['createDirectory', 'showOverwriteConfirmation'],
  });
  return result.canceled || !result.filePath ? null : result.filePath;
}

export async function chooseFleetFile(window: BrowserWindow): Promise<string | null> {
  const result = await dialog.showOpenDialog(window, {
    title: 'Open a fleet file',
    properties: ['openFile'],
    filters: [
      { name: 'Fleet files', extensions: ['json'] },
      { name: 'All files', extensions: ['*'] },
    ],
  });
  return result.canceled ? null : (result.filePaths[0] ?? null);
}

async function pickOne(window: BrowserWindow, message: string, detail: string, labels: string[]): Promise<number | null> {
  const { response } = await dialog.showMessageBox(window, {
    type: 'question',
    message,
    detail,
    buttons: [...labels, 'Cancel'],
    cancelId: labels.length,
    defaultId: 0,
    noLink: true,
  });
  return response < labels.length ? response : null;
}

/** File → New: which schema (when there are several), then which version (QA creates old ones to test upgrades). */
export async function chooseSchemaAndVersion(window: BrowserWindow, schemas: SchemaSummary[]): Promise<{ schema: string; version: string } | null> {
  const schemaIndex =
    schemas.length === 1
      ? 0
      : await pickOne(
          window,
          'Which schema?',
          'The new database gets this schema.',
          schemas.map((s) => s.title),
        );
  if (schemaIndex === null) return null;
  const schema = schemas[schemaIndex];
  const versions = [...schema.versions].reverse();
  const versionIndex = await pickOne(
    window,
    `${schema.title}: at which version?`,
    'The latest is first; an older one lets you try an upgrade.',
    versions.map((v) => (v === schema.latest ? `${v} (latest)` : v)),
  );
  return versionIndex === null ? null : { schema: schema.name, version: versions[versionIndex] };
}

/** A schema folder, or an app's migrations folder as its tool wrote it, for an open database. */
export async function chooseSchemaFolder(window: BrowserWindow): Promise<string | null> {
  const result = await dialog.showOpenDialog(window, {
    title: 'Choose a schema or migrations folder',
    message: "A schema folder (schema.json), or the app's migrations folder as dbmate, golang-migrate, Flyway, Prisma Migrate or Drizzle Kit wrote it",
    properties: ['openDirectory'],
  });
  return result.canceled ? null : (result.filePaths[0] ?? null);
}

/** Open on a file no known schema stamped: choose its folder now (true), or keep the default schema. */
export async function offerSchemaFolder(window: BrowserWindow, database: DatabaseEntry): Promise<boolean> {
  const choice = await pickOne(
    window,
    `Which schema describes ${database.name}?`,
    `Its application_id is none Schema Warden knows, so it is shown under the ${database.schema} schema for now. Choose its schema folder, or the app's migrations folder as its tool wrote it (the format is detected from its files).`,
    ['Choose a Folder…', `Keep ${database.schema}`],
  );
  return choice === 0;
}

/** What was recognised in a chosen folder, said once it is in use. */
export function showRecognised(window: BrowserWindow, database: DatabaseEntry, recognised: string): void {
  void dialog.showMessageBox(window, { type: 'info', message: `${database.name} now uses the schema ${database.schema}`, detail: recognised });
}

export function showFailure(title: string, message: string): void {
  dialog.showErrorBox(title, message);
}
