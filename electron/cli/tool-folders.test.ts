import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../engine/test-support/cli';
import { sqlite3, tempDir } from '../engine/test-support/fixtures';

// `--schema` given an app's migrations folder as it is: the CLI detects the tool from its files,
// says so, and initializes and migrates with that tool's history table kept as the tool keeps it.

describe('warden --schema <a tool\'s migrations folder>', () => {
  it('detects a golang-migrate folder, names the format, and keeps golang-migrate\'s one row through init and a later migrate', () => {
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
    expect(JSON.parse(migrated.stdout)).toMatchObject({ applied: [expect.objectContaining({ version: '2' })], backup: { verified: { ok: true } } });
    expect(sqlite3(db, 'SELECT rowid, version, dirty FROM schema_migrations')).toBe('1|2|0');

    sqlite3(db, 'UPDATE schema_migrations SET dirty = 1');
    const status = runCli(['status', '--db', db, '--schema', dir]);
    expect(status.code).toBe(2);
    expect(status.stdout).toContain('golang-migrate left schema_migrations dirty at version 2');
  });
});
