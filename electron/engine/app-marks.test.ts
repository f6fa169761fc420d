import { describe, expect, it } from 'vitest';
import { backup } from './actions/backup';
import { baseline } from './actions/baseline';
import { initialize } from './actions/initialize';
import { migrate } from './actions/migrate';
import { repair } from './actions/repair';
import { restore } from './actions/restore';
import { notesAppDatabase, notesSchema, NOTES_APPLICATION_ID } from './test-support/app-schema';
import { contextFor, sqlite3 } from './test-support/fixtures';

// An app that versions itself with PRAGMA user_version keeps it through everything the tool does,
// unless its schema gives the mark to the tool; the sqlite3 shell reads the header as referee.

const userVersion = (path: string) => sqlite3(path, 'PRAGMA user_version');
const applicationId = (path: string) => sqlite3(path, 'PRAGMA application_id');

/** The notes app's database at its own user_version 3, adopted by the tool as 1.0.0 under the default footprint. */
function adoptedNotesApp() {
  const dbPath = notesAppDatabase('PRAGMA user_version = 3;');
  const ctx = contextFor(dbPath, notesSchema());
  baseline(ctx, { version: '1.0.0' });
  return ctx;
}

describe('an app that owns PRAGMA user_version (the default footprint)', () => {
  it('keeps user_version 3 and application_id 0 through baseline', () => {
    const ctx = adoptedNotesApp();
    expect(userVersion(ctx.dbPath)).toBe('3');
    expect(applicationId(ctx.dbPath)).toBe('0');
  });

  it('keeps user_version 3 through migrate', async () => {
    const ctx = adoptedNotesApp();
    expect((await migrate(ctx)).applied.map((s) => s.version)).toEqual(['1.1.0']);
    expect(userVersion(ctx.dbPath)).toBe('3');
    expect(applicationId(ctx.dbPath)).toBe('0');
  });

  it('keeps user_version 3 through repair', async () => {
    const ctx = adoptedNotesApp();
    sqlite3(ctx.dbPath, 'DROP INDEX notes_body');
    const result = await repair(ctx);
    expect(result.recreated.map((p) => p.name)).toEqual(['notes_body']);
    expect(sqlite3(ctx.dbPath, "SELECT count(*) FROM sqlite_master WHERE name = 'notes_body'")).toBe('1');
    expect(userVersion(ctx.dbPath)).toBe('3');
  });

  it('keeps user_version 3 in the backup and in the database', async () => {
    const ctx = adoptedNotesApp();
    const taken = await backup(ctx);
    expect(userVersion(taken.path)).toBe('3');
    expect(userVersion(ctx.dbPath)).toBe('3');
  });

  it("gets user_version 3 back from the backup it restores (an application_id of 0 is the app's, not a foreign one)", async () => {
    const ctx = adoptedNotesApp();
    const taken = await backup(ctx);
    sqlite3(ctx.dbPath, "PRAGMA user_version = 4; INSERT INTO notes (body) VALUES ('after the backup');");
    await restore(ctx, { backup: taken.name });
    expect(userVersion(ctx.dbPath)).toBe('3');
    expect(sqlite3(ctx.dbPath, 'SELECT count(*) FROM notes')).toBe('2');
  });

  it("keeps user_version 0 through baseline: a value nobody wrote is not the tool's either", () => {
    const dbPath = notesAppDatabase('');
    baseline(contextFor(dbPath, notesSchema()), { version: '1.0.0' });
    expect(userVersion(dbPath)).toBe('0');
  });
});

describe('who writes the header marks, as the footprint says', () => {
  it('unclaimed (the default): a database the tool creates gets both, and user_version follows the versions it applies', async () => {
    const ctx = contextFor(notesAppDatabase('').replace(/notes\.db$/, 'fresh.db'), notesSchema());
    await initialize(ctx, { to: '1.0.0' });
    expect([userVersion(ctx.dbPath), applicationId(ctx.dbPath)]).toEqual(['1000000', String(NOTES_APPLICATION_ID)]);
    await migrate(ctx);
    expect(userVersion(ctx.dbPath)).toBe('1001000');
  });

  it("unclaimed: a user_version the app set after the tool wrote its own is the app's from then on", async () => {
    const ctx = contextFor(notesAppDatabase('').replace(/notes\.db$/, 'fresh.db'), notesSchema());
    await initialize(ctx, { to: '1.0.0' });
    sqlite3(ctx.dbPath, 'PRAGMA user_version = 7');
    await migrate(ctx);
    expect(userVersion(ctx.dbPath)).toBe('7');
  });

  it('app: not even a database the tool creates gets them', async () => {
    const ctx = contextFor(notesAppDatabase('').replace(/notes\.db$/, 'fresh.db'), notesSchema({ footprint: { userVersion: 'app', applicationId: 'app' } }));
    await initialize(ctx);
    expect([userVersion(ctx.dbPath), applicationId(ctx.dbPath)]).toEqual(['0', '0']);
  });

  it("tool: baseline stamps both over the app's values, as the chat service's schema declares", () => {
    const dbPath = notesAppDatabase('PRAGMA user_version = 3;');
    baseline(contextFor(dbPath, notesSchema({ footprint: { userVersion: 'tool', applicationId: 'tool' } })), { version: '1.0.0' });
    expect([userVersion(dbPath), applicationId(dbPath)]).toEqual(['1000000', String(NOTES_APPLICATION_ID)]);
  });
});
