import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SchemaCatalog } from '../api/schema-catalog';
import { notesSchema } from '../engine/test-support/app-schema';
import { REPO_ROOT, SHIPPED_SCHEMA_DIR, sqlite3, tempDir } from '../engine/test-support/fixtures';
import { servedDatabase } from '../cli/commands/serve';
import { callApi } from './test-support/http-client';
import { CLI, serve } from './test-support/serve-process';
import { resultOf } from '../engine/test-support/cli';

// `warden serve --db PATH:SCHEMA_DIR`: databases of different schemas served side by side, each
// under its own folder, by the real CLI in its own process.

describe('--db PATH:SCHEMA_DIR', () => {
  it('is split at the last colon, except after a drive letter', () => {
    const asGiven = (path: string) => path;
    expect(servedDatabase('/srv/notes.db:/srv/schemas/notes', asGiven)).toEqual({ path: '/srv/notes.db', schemaDir: '/srv/schemas/notes' });
    expect(servedDatabase('/srv/a:b.db:/srv/notes', asGiven)).toEqual({ path: '/srv/a:b.db', schemaDir: '/srv/notes' });
    expect(servedDatabase('/srv/chat.db', asGiven)).toBe('/srv/chat.db');
    expect(servedDatabase('C:\\data\\chat.db', asGiven)).toBe('C:\\data\\chat.db');
  });

  it('refuses two schema folders under one name, naming both, before anything is served', () => {
    const [a, b] = [notesSchema(), notesSchema()];
    expect(() => new SchemaCatalog(dirname(SHIPPED_SCHEMA_DIR), 'conversation_files', [a.dir, b.dir])).toThrow(
      expect.objectContaining({ code: 'SCHEMA_INVALID', message: `Two schema folders are named "notes": ${a.dir} and ${b.dir}.` }),
    );
  });

  it('serves each database under its own schema: the notes database is initialized with the notes migrations, the other under --schema', async () => {
    const dir = tempDir();
    const notes = notesSchema();
    const chatDb = join(dir, 'chat.db');
    const notesDb = join(dir, 'notes.db');
    const server = serve(['--db', chatDb, '--db', `${notesDb}:${notes.dir}`, '--schema', SHIPPED_SCHEMA_DIR, '--port', '0', '--health-interval', '60']);
    try {
      const printed = await server.ready;
      const origin = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(printed)![1];
      const token = /Bearer ([A-Za-z0-9_-]{43})/.exec(printed)![1];
      const listed = await callApi(origin, token, 'listDatabases', {});
      expect(listed.json.result.map((d: { id: string; schema: string }) => [d.id, d.schema])).toEqual([
        ['chat', 'conversation_files'],
        ['notes', 'notes'],
      ]);
      expect((await callApi(origin, token, 'initialize', { db: 'notes' })).status).toBe(200);
      expect((await callApi(origin, token, 'status', { db: 'notes' })).json.result).toMatchObject({ version: '1.1.0', latest: '1.1.0' });
      expect(sqlite3(notesDb, "SELECT group_concat(name) FROM (SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name)")).toBe(
        'notes,schema_events,schema_version,sqlite_sequence',
      );
      expect((await callApi(origin, token, 'initialize', { db: 'chat' })).status).toBe(200);
      expect((await callApi(origin, token, 'status', { db: 'chat' })).json.result).toMatchObject({ version: '1.2.0', latest: '1.2.0' });
    } finally {
      server.child.kill('SIGTERM');
    }
  });
});

describe('the CLI without --db', () => {
  it("uses the database of the schema in use, data/<schema name>.db, not the chat service's", () => {
    const dir = tempDir();
    const run = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'init', '--schema', notesSchema().dir, '--json'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: { ...process.env, INIT_CWD: dir },
    });
    expect(run.status).toBe(0);
    expect(resultOf(run)).toMatchObject({ path: join(dir, 'data/notes.db'), applied: [{ version: '1.0.0' }, { version: '1.1.0' }] });
    expect(sqlite3(join(dir, 'data/notes.db'), 'PRAGMA integrity_check')).toBe('ok');
  });

  it('serve, too: warden serve --schema notes serves data/notes.db', async () => {
    const dir = tempDir();
    const server = serve(['--schema', notesSchema().dir, '--port', '0', '--health-interval', '60'], { INIT_CWD: dir });
    try {
      expect(await server.ready).toContain(`  notes  ${join(dir, 'data/notes.db')}\n`);
    } finally {
      server.child.kill('SIGTERM');
    }
  });
});

describe('--db PATH:MIGRATIONS_DIR?x-migrations-table=NAME', () => {
  it('serves a dbmate app whose history table has its own name, read and written there by the engine workers', async () => {
    const dir = tempDir();
    const migrations = join(dir, 'db/migrations');
    mkdirSync(migrations, { recursive: true });
    writeFileSync(
      join(migrations, '20240101120000_create_notes.sql'),
      '-- migrate:up\nCREATE TABLE notes (id INTEGER PRIMARY KEY);\n-- migrate:down\nDROP TABLE notes;\n',
    );
    const notesDb = join(dir, 'notes.db');
    const server = serve([
      '--db',
      `${notesDb}:${migrations}?x-migrations-table=app_versions`,
      '--schema',
      SHIPPED_SCHEMA_DIR,
      '--port',
      '0',
      '--health-interval',
      '60',
    ]);
    try {
      const printed = await server.ready;
      const origin = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(printed)![1];
      const token = /Bearer ([A-Za-z0-9_-]{43})/.exec(printed)![1];
      expect((await callApi(origin, token, 'initialize', { db: 'notes' })).status).toBe(200);
      expect(sqlite3(notesDb, 'SELECT version FROM app_versions')).toBe('20240101120000');
      expect(sqlite3(notesDb, "SELECT count(*) FROM sqlite_master WHERE name = 'schema_migrations'")).toBe('0');
      expect((await callApi(origin, token, 'status', { db: 'notes' })).json.result).toMatchObject({ version: '20240101120000', pending: [] });
    } finally {
      server.child.kill('SIGTERM');
    }
  });
});
