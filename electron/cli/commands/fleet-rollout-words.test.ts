import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backup, initialize } from '../../engine';
import { runCli } from '../../engine/test-support/cli';
import { contextFor, sqlite3, tempDir } from '../../engine/test-support/fixtures';

// `warden fleet migrate` as an operator reads it: a rollout that completed is not a healthy fleet.
// A deployment already at the target but unhealthy (a table dropped behind its back) is named, and
// the exit code is 2, as `warden fleet status` would give (issue 26).

describe('warden fleet migrate, when a deployment is left unhealthy', () => {
  it('says COMPLETED, but names the unhealthy deployment and why, and exits 2', async () => {
    const dir = tempDir();
    await initialize(contextFor(join(dir, 'a.db')), { to: '1.0.0' });
    await initialize(contextFor(join(dir, 'b.db')), { to: '1.2.0' });
    await backup(contextFor(join(dir, 'b.db')));
    sqlite3(join(dir, 'b.db'), 'PRAGMA foreign_keys=off; DROP TABLE conversation_files;');
    const fleetFile = join(dir, 'fleet.json');
    writeFileSync(
      fleetFile,
      JSON.stringify({
        deployments: [
          { name: 'a', group: 'prod', file: 'a.db' },
          { name: 'b', group: 'prod', file: 'b.db' },
        ],
      }),
    );

    const result = runCli(['fleet', 'migrate', '--fleet', fleetFile, '--to', '1.2.0']);
    expect(result.stdout).toMatch(/Rollout of 1\.2\.0 COMPLETED on 2 deployment\(s\) in \d+ ms, but b is UNHEALTHY/);
    expect(result.stdout).toContain('conversation_files');
    expect(result.code).toBe(2);
    // What was done stands: a migrated, b left as it was (sqlite3).
    expect(sqlite3(join(dir, 'a.db'), 'SELECT max(version) FROM schema_version')).toBe('1.2.0');
    expect(sqlite3(join(dir, 'b.db'), "SELECT count(*) FROM sqlite_master WHERE name = 'conversation_files'")).toBe('0');
  });
});
