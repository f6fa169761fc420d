import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../engine/test-support/cli';
import { REPO_ROOT, sqlite3, tempDir } from '../../engine/test-support/fixtures';

// A typo in --db must not make a fresh empty database (issue 26): init creates a missing database
// file, but a missing folder only for the default database or with --create-folders.

describe('warden init and the folder of --db', () => {
  it('refuses a --db whose folder does not exist, names it and the way out, and writes nothing', () => {
    const root = tempDir();
    const typo = join(root, 'chta', 'conversation_files.db');
    const result = runCli(['init', '--db', typo]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`The folder ${join(root, 'chta')} does not exist`);
    expect(result.stderr).toContain('--create-folders');
    expect(existsSync(join(root, 'chta'))).toBe(false);
  });

  it('creates the folders when told to, and the database at the latest version (sqlite3 reads it)', () => {
    const db = join(tempDir(), 'new', 'place', 'cf.db');
    expect(runCli(['init', '--db', db, '--create-folders']).code).toBe(0);
    expect(sqlite3(db, 'SELECT max(version) FROM schema_version;').trim()).toBe('1.2.0');
  });

  it('creates a database in a folder that exists, as before', () => {
    const folder = join(tempDir(), 'there');
    mkdirSync(folder);
    expect(runCli(['init', '--db', join(folder, 'cf.db')]).code).toBe(0);
  });

  it('creates data/ for the default database, where npm start and a first run expect it', () => {
    const cwd = tempDir();
    const result = spawnSync(join(REPO_ROOT, 'node_modules/.bin/tsx'), [join(REPO_ROOT, 'electron/cli/main.ts'), 'init'], {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, INIT_CWD: '' },
    });
    expect(result.status).toBe(0);
    expect(existsSync(join(cwd, 'data', 'conversation_files.db'))).toBe(true);
  });
});
