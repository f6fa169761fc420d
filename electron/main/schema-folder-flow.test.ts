import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CallEnvelope } from '../../shared/transport';
import type { DatabaseEntry } from '../../shared/types/databases';
import type { StatusReport } from '../../shared/types/status';
import { DatabaseRegistry } from '../api/database-registry';
import { dispatch } from '../api/dispatch';
import { EngineWorkers } from '../api/engine-workers';
import type { HostCapabilities, HostContext } from '../api/host-context';
import { IntegrityMemory } from '../api/integrity-memory';
import { QueryHistory } from '../api/query-history';
import { Jobs } from '../api/jobs';
import { Operations } from '../api/operations';
import { SchemaCatalog } from '../api/schema-catalog';
import { initialize } from '../engine/actions/initialize';
import { contextFor, REPO_ROOT, SHIPPED_SCHEMA_DIR, tempDir } from '../engine/test-support/fixtures';
import { appMenuTemplate } from './app-menu';
import { chooseFolderFor, openWithSchemaFolder, recentOf, reopenRecent, type SchemaFolderFlow } from './schema-folder-flow';

// File → Open and File → Choose Schema or Migrations Folder… in the desktop app, without the Electron
// binary: the desktop host's handler table, its schema catalogue and engine worker, with stand-ins
// for the native dialogs (what the user picks in them). The real dbmate made the app's database.

const DBMATE = join(REPO_ROOT, 'node_modules/.bin/dbmate');

describe('the desktop app: a schema or migrations folder for an opened database', () => {
  const engine = new EngineWorkers({ entry: new URL('../api/engine-worker-tsx.mjs', import.meta.url), size: 1 });
  afterAll(() => engine.close());

  function desktopHost(capabilities: Partial<HostCapabilities>): HostContext {
    const host: HostContext = {
      registry: new DatabaseRegistry(),
      schemas: new SchemaCatalog(dirname(SHIPPED_SCHEMA_DIR), 'conversation_files'),
      operations: new Operations(),
      integrity: new IntegrityMemory(),
      queryHistory: new QueryHistory(),
      jobs: new Jobs(() => undefined),
      identity: { via: 'the desktop app', operator: null, asksForOperator: false },
      engine,
      emit: () => undefined,
      capabilities: { placeNewDatabase: async () => null, ...capabilities },
    };
    return host;
  }

  /** The flow as index.ts wires it, recording what the user was asked and told. */
  function flowOn(host: HostContext, offer: boolean) {
    const said = { offered: [] as string[], recognised: [] as string[], failures: [] as string[] };
    const flow: SchemaFolderFlow = {
      call: (method, input) => dispatch(host, method, input),
      recognisesFile: (path) => host.schemas.recognisesFile(path),
      offerFolder: async (database) => (said.offered.push(database.name), offer),
      showRecognised: (_database, recognised) => said.recognised.push(recognised),
      showFailure: (_method, envelope) => said.failures.push(`${envelope.error.code}: ${envelope.error.message}`),
    };
    return { flow, said };
  }

  /** A dbmate app whose database dbmate itself migrated: db/migrations with two files, notes.db. */
  function dbmateApp() {
    const root = tempDir();
    const migrations = join(root, 'db/migrations');
    mkdirSync(migrations, { recursive: true });
    writeFileSync(
      join(migrations, '20240101120000_create_notes.sql'),
      '-- migrate:up\nCREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);\n-- migrate:down\nDROP TABLE notes;\n',
    );
    writeFileSync(
      join(migrations, '20240215093000_note_tags.sql'),
      '-- migrate:up\nALTER TABLE notes ADD COLUMN tags TEXT;\n-- migrate:down\nALTER TABLE notes DROP COLUMN tags;\n',
    );
    const dbPath = join(root, 'notes.db');
    const up = spawnSync(DBMATE, ['--url', `sqlite:${dbPath}`, '--migrations-dir', migrations, '--no-dump-schema', 'up'], { encoding: 'utf8' });
    expect(up.status, up.stderr).toBe(0);
    return { root, migrations, dbPath };
  }

  it('Open on a file no known schema stamped offers the folder, detects the dbmate format as the CLI does, says so, and serves the file under it', async () => {
    const app = dbmateApp();
    const host = desktopHost({ chooseDatabaseToOpen: async () => app.dbPath, chooseSchemaFolder: async () => app.migrations });
    const { flow, said } = flowOn(host, true);

    const opened = await openWithSchemaFolder(flow);
    expect(said.offered).toEqual(['notes.db']);
    expect(said.recognised).toEqual([
      `Read ${app.migrations} as a dbmate migrations folder (no schema.json: the format was detected from its files): 2 versions (20240101120000 to 20240215093000); the app's history is read from schema_migrations.`,
    ]);
    expect(said.failures).toEqual([]);
    expect(opened).toMatchObject({ name: 'notes.db', schema: 'db' });
    expect(host.registry.list()).toEqual([expect.objectContaining({ path: app.dbPath, schema: 'db' })]);
    // The engine worker reads it under that schema: dbmate's table is the app's history, the file adoptable where dbmate left it.
    const status = (await dispatch(host, 'status', { db: opened!.id })) as CallEnvelope<StatusReport>;
    expect(status).toMatchObject({
      ok: true,
      result: { schema: 'db', latest: '20240215093000', legacy: { table: 'schema_migrations', legacyVersion: '20240215093000' }, adoptable: true },
    });
  });

  it('Open Recent after a restart reads the chosen folder again and serves the file under it', async () => {
    const app = dbmateApp();
    const before = desktopHost({ chooseDatabaseToOpen: async () => app.dbPath, chooseSchemaFolder: async () => app.migrations });
    const opened = (await openWithSchemaFolder(flowOn(before, true).flow))!;
    const remembered = recentOf(before, opened);
    expect(remembered).toEqual({ path: app.dbPath, schema: 'db', schemaDir: app.migrations });

    const afterRestart = desktopHost({});
    const reopened = reopenRecent(afterRestart, remembered);
    expect(reopened.schema).toBe('db');
    expect(await dispatch(afterRestart, 'status', { db: reopened.id })).toMatchObject({
      ok: true,
      result: { schema: 'db', legacy: { table: 'schema_migrations' } },
    });
  });

  it('Open on a file a known schema stamped asks nothing; a cancelled folder dialog changes nothing', async () => {
    const dbPath = join(tempDir(), 'chat.db');
    await initialize(contextFor(dbPath));
    let asked = 0;
    const host = desktopHost({ chooseDatabaseToOpen: async () => dbPath, chooseSchemaFolder: async () => (asked++, null) });
    const { flow, said } = flowOn(host, true);
    const opened = (await openWithSchemaFolder(flow)) as DatabaseEntry;
    expect(opened.schema).toBe('conversation_files');
    expect(said.offered).toEqual([]);

    expect(await chooseFolderFor(flow, opened.id)).toBeNull();
    expect(asked).toBe(1);
    expect(said.recognised).toEqual([]);
    expect(host.registry.get(opened.id).schema).toBe('conversation_files');
  });

  it('a folder of no format it knows is refused with what to pick, and the database keeps its schema', async () => {
    const app = dbmateApp();
    const notMigrations = join(app.root, 'docs');
    mkdirSync(notMigrations);
    writeFileSync(join(notMigrations, 'README.md'), '# notes\n');
    const host = desktopHost({ chooseDatabaseToOpen: async () => app.dbPath, chooseSchemaFolder: async () => notMigrations });
    const { flow, said } = flowOn(host, true);
    const opened = await openWithSchemaFolder(flow);
    expect(said.failures).toEqual([expect.stringMatching(new RegExp(`^SCHEMA_NOT_FOUND: No schema at ${notMigrations}: schema.json is missing\\.`))]);
    expect(opened).toMatchObject({ schema: 'conversation_files' });
  });

  it('warden serve has no folder dialog: the method answers NOT_SUPPORTED with how to name the folder when starting it', async () => {
    const host = desktopHost({});
    const entry = host.registry.add(join(tempDir(), 'x.db'), 'conversation_files');
    expect(await dispatch(host, 'chooseSchemaFolder', { db: entry.id })).toMatchObject({
      ok: false,
      error: { code: 'NOT_SUPPORTED', hint: expect.stringContaining('--db PATH:FOLDER') },
    });
  });

  it('the File menu offers the folder for the database last opened, and nothing to choose for when none is', () => {
    let chosen = 0;
    const actions = { open: () => undefined, create: () => undefined, openRecent: () => undefined, openFleet: () => undefined };
    const file = (template: ReturnType<typeof appMenuTemplate>) =>
      template.find((m) => m.label === 'File')!.submenu as { label?: string; enabled?: boolean; click?: () => void }[];
    const item = file(appMenuTemplate([], { ...actions, chooseSchemaFolder: { database: 'notes.db', choose: () => chosen++ } }, 'linux')).find((i) =>
      i.label?.startsWith('Choose Schema'),
    )!;
    expect(item.label).toBe('Choose Schema or Migrations Folder for notes.db…');
    item.click!();
    expect(chosen).toBe(1);
    expect(file(appMenuTemplate([], actions, 'linux')).find((i) => i.label?.startsWith('Choose Schema'))).toMatchObject({ enabled: false });
  });
});
