import type { MethodName } from '../../shared/contract';
import type { CallEnvelope } from '../../shared/transport';
import type { DatabaseEntry, SchemaFolderChoice } from '../../shared/types/databases';
import type { HostContext } from '../api/host-context';
import type { RecentDatabase } from './recent-databases';

// File → Open and File → Choose Schema or Migrations Folder… as the desktop runs them, apart from
// Electron so they can be tested: the calls go through the handler table like the window's own,
// and the native dialogs are given (dialogs.ts in the app, stand-ins in tests).

export interface SchemaFolderFlow {
  /** A call through the host's handler table, as from the main window. */
  call(method: MethodName, input: unknown): Promise<CallEnvelope<unknown>>;
  /** Whether a file carries the application_id of a schema the host knows. */
  recognisesFile(path: string): boolean;
  /** Asks whether to choose a folder for a file no known schema stamped. */
  offerFolder(database: DatabaseEntry): Promise<boolean>;
  /** Says what was recognised in the chosen folder. */
  showRecognised(database: DatabaseEntry, recognised: string): void;
  /** Shows a call's failure as the window's dialogs do. */
  showFailure(method: MethodName, envelope: Extract<CallEnvelope<unknown>, { ok: false }>): void;
}

/** Choose Schema or Migrations Folder… for `db`: the folder read, the database served under it, and what was recognised said. Null: cancelled or failed. */
export async function chooseFolderFor(flow: SchemaFolderFlow, db: string): Promise<SchemaFolderChoice | null> {
  const envelope = await flow.call('chooseSchemaFolder', { db });
  if (!envelope.ok) {
    flow.showFailure('chooseSchemaFolder', envelope);
    return null;
  }
  const choice = envelope.result as SchemaFolderChoice | null;
  if (choice) flow.showRecognised(choice.database, choice.recognised);
  return choice;
}

/** Open Recent: the file under the folder it was last served with (read again: a folder chosen for it is not under schemas/), else its schema by name. */
export function reopenRecent(host: Pick<HostContext, 'registry' | 'schemas'>, database: RecentDatabase): DatabaseEntry {
  const schema = database.schemaDir === undefined ? database.schema : host.schemas.addFolder(database.schemaDir).name;
  return host.registry.add(database.path, schema);
}

/** What Open Recent remembers of a database: its schema's folder too. */
export function recentOf(host: Pick<HostContext, 'schemas'>, database: DatabaseEntry): RecentDatabase {
  const dir = host.schemas.all().find((s) => s.name === database.schema)?.dir;
  return { path: database.path, schema: database.schema, ...(dir === undefined ? {} : { schemaDir: dir }) };
}

/** Open Database…: the file chosen; when no known schema stamped it, the offer to choose its schema or migrations folder. */
export async function openWithSchemaFolder(flow: SchemaFolderFlow): Promise<DatabaseEntry | null> {
  const opened = await flow.call('openDatabase', {});
  if (!opened.ok) {
    if (opened.error.code !== 'CANCELLED') flow.showFailure('openDatabase', opened);
    return null;
  }
  const database = opened.result as DatabaseEntry | null;
  if (database === null || flow.recognisesFile(database.path) || !(await flow.offerFolder(database))) return database;
  return (await chooseFolderFor(flow, database.id))?.database ?? database;
}
