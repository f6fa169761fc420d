import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { history } from './actions/history';
import { loadSchema } from './core/schema/schema-folder';
import { initialize } from './actions/initialize';
import { finished, resultOf, spawnCli } from './test-support/cli';
import { contextFor, sqlite3, tempDir } from './test-support/fixtures';

// Real OS processes, as on deployment day: one per VM, all starting at once on one shared file.

describe('many processes at once', () => {
  it('16 processes racing init on one fresh file (and its folder, --create-folders) all succeed and each version is recorded once', async () => {
    const dbPath = join(tempDir(), 'shared', 'conversation_files.db');
    const runs = await Promise.all(
      Array.from({ length: 16 }, () => finished(spawnCli(['init', '--db', dbPath, '--create-folders', '--json', '--busy-timeout', '60000']))),
    );
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    const results = runs.map((r) => resultOf(r) as { upToDate: boolean; to: string });
    expect(results.every((r) => r.to === '1.2.0')).toBe(true);
    expect(results.filter((r) => !r.upToDate)).toHaveLength(1);
    expect(sqlite3(dbPath, 'SELECT version, count(*) FROM schema_version GROUP BY version ORDER BY version')).toBe('1.0.0|1\n1.1.0|1\n1.2.0|1');
    expect(sqlite3(dbPath, "SELECT count(*) FROM schema_events WHERE action = 'init'")).toBe('1');
    expect(sqlite3(dbPath, 'PRAGMA integrity_check')).toBe('ok');
  }, 120_000);
});

describe('a process killed mid-migration', () => {
  it('leaves the old version and an intact file, and the next run completes', async () => {
    const dir = tempDir();
    const schemaDir = join(dir, 'schema');
    mkdirSync(join(schemaDir, 'migrations'), { recursive: true });
    writeFileSync(join(schemaDir, 'schema.json'), JSON.stringify({ name: 'slow', title: 'Slow', applicationId: 7 }));
    writeFileSync(join(schemaDir, 'migrations/1.0.0__start.sql'), 'CREATE TABLE numbers (n INTEGER PRIMARY KEY, label TEXT);');
    // Long enough to be killed in the middle: millions of rows in one step.
    writeFileSync(
      join(schemaDir, 'migrations/1.1.0__fill.sql'),
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000) INSERT INTO numbers SELECT x, printf('row %d', x) FROM c;",
    );
    const dbPath = join(dir, 'slow.db');
    const ctx = contextFor(dbPath, loadSchema(schemaDir));
    await initialize(ctx, { to: '1.0.0' });

    const child = spawnCli(['migrate', '--db', dbPath, '--schema', schemaDir]);
    const done = finished(child);
    // The rollback journal appears once the step has begun writing: kill it then.
    const deadline = Date.now() + 30_000;
    while (!existsSync(`${dbPath}-journal`) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(existsSync(`${dbPath}-journal`)).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    child.kill('SIGKILL');
    const run = await done;
    expect(run.code).toBeNull();

    expect(sqlite3(dbPath, 'PRAGMA integrity_check')).toBe('ok');
    expect(sqlite3(dbPath, 'SELECT count(*) FROM numbers')).toBe('0');
    expect(history(ctx).version).toBe('1.0.0');
    expect(sqlite3(dbPath, 'SELECT group_concat(version) FROM schema_version')).toBe('1.0.0');

    const next = await finished(spawnCli(['migrate', '--db', dbPath, '--schema', schemaDir, '--json']));
    expect(next.code, next.stderr).toBe(0);
    expect(sqlite3(dbPath, 'SELECT count(*) FROM numbers')).toBe('3000000');
    expect(history(ctx).version).toBe('1.1.0');
  }, 120_000);
});
