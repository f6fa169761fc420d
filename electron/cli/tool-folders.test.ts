import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resultOf, runCli } from '../engine/test-support/cli';
import { sqlite3, tempDir } from '../engine/test-support/fixtures';

// `--schema` given an app's migrations folder as it is: the CLI detects the tool from its files,
// says so, and initializes and migrates with that tool's history table kept as the tool keeps it.

describe("warden --schema <a tool's migrations folder>", () => {
  it("detects a golang-migrate folder, names the format, and keeps golang-migrate's one row through init and a later migrate", () => {
    const root = tempDir();
    const dir = join(root, 'db/migrations');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, '000001_notes.up.sql'), 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);\n');
    writeFileSync(join(dir, '000001_notes.down.sql'), 'DROP TABLE notes;\n');
    const db = join(root, 'notes.db');

    const init = runCli(['init', '--db', db, '--schema', dir]);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stderr).toContain(`Read ${dir} as a golang-migrate migrations folder (no schema.json: the format was detected from its files).`);
    expect(sqlite3(db, 'SELECT version, dirty FROM schema_migrations')).toBe('1|0');

    writeFileSync(join(dir, '000002_tags.up.sql'), 'ALTER TABLE notes ADD COLUMN tags TEXT;\n');
    const migrated = runCli(['migrate', '--db', db, '--schema', dir, '--backup-dir', join(root, 'backups'), '--json']);
    expect(migrated.code, migrated.stderr).not.toBe(2);
    expect(resultOf(migrated)).toMatchObject({ applied: [expect.objectContaining({ version: '2' })], backup: { verified: { ok: true } } });
    expect(sqlite3(db, 'SELECT rowid, version, dirty FROM schema_migrations')).toBe('1|2|0');

    sqlite3(db, 'UPDATE schema_migrations SET dirty = 1');
    const status = runCli(['status', '--db', db, '--schema', dir]);
    expect(status.code).toBe(2);
    expect(status.stdout).toContain('golang-migrate left schema_migrations dirty at version 2');
  });
});

describe('warden plan, rehearse and migrate on a Flyway folder with a repeatable migration', () => {
  it('show the repeatable after the versions: planned with why, rehearsed as a step, applied and listed', () => {
    const root = tempDir();
    const dir = join(root, 'sql');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'V1__notes.sql'), 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);\n');
    const db = join(root, 'notes.db');
    expect(runCli(['init', '--db', db, '--schema', dir]).code).toBe(0);
    writeFileSync(join(dir, 'V2__tags.sql'), 'ALTER TABLE notes ADD COLUMN tags TEXT;\n');
    writeFileSync(join(dir, 'R__tagged.sql'), 'DROP VIEW IF EXISTS tagged;\nCREATE VIEW tagged AS SELECT id, tags FROM notes WHERE tags IS NOT NULL;\n');

    const planned = runCli(['plan', '--db', db, '--schema', dir]);
    expect(planned.stdout).toContain('Then 1 repeatable migration, after the versions, each in a transaction of its own:\n  R__tagged.sql  never applied');
    const rehearsed = runCli(['rehearse', '--db', db, '--schema', dir]);
    expect(rehearsed.stdout).toMatch(/R__tagged\.sql \(repeatable\)\s+ok/);
    const migrated = runCli(['migrate', '--db', db, '--schema', dir, '--backup-dir', join(root, 'backups')]);
    expect(migrated.code, migrated.stderr).not.toBe(2);
    expect(migrated.stdout).toMatch(/REPEATABLE\s+TOOK\s+DESCRIPTION\n\s*R__tagged\.sql\s+.*\s+tagged/);
    expect(sqlite3(db, 'SELECT installed_rank, quote(version), script FROM flyway_schema_history ORDER BY installed_rank')).toBe(
      "1|'1'|V1__notes.sql\n2|'2'|V2__tags.sql\n3|NULL|R__tagged.sql",
    );
  });
});
