import { spawn } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finished, runCli, SOURCE_CLI, spawnCli } from '../engine/test-support/cli';
import { REPO_ROOT, sqlite3, tempDir } from '../engine/test-support/fixtures';
import { schemaVariant } from '../engine/test-support/schema-variants';

// Ctrl-C as an operator presses it, on a database large enough that each step takes a while:
// migrate and init stop after the step under way, say what was done and end by SIGINT (a shell
// reports 130); verify stops in the middle of its integrity_check. The sqlite3 shell is the referee.

const ROWS = 1_000_000;
let templateDir: string;
let template: string;
let schemaDir: string;

/** 1.3.0 adds a table the test fills; 1.4.0 to 1.6.0 each take about a second on its rows, and each leaves a mark sqlite3 can see. */
beforeAll(() => {
  templateDir = mkdtempSync(join(tmpdir(), 'warden-interrupt-'));
  // Copied out of the variant's temp folder, which goes after each test.
  schemaDir = join(templateDir, 'schema');
  cpSync(
    schemaVariant({
      '1.3.0__bulk_table.sql': 'CREATE TABLE bulk (n INTEGER PRIMARY KEY, v TEXT NOT NULL);',
      '1.4.0__bulk_touch.sql': "UPDATE bulk SET v = v || 'a';",
      '1.5.0__bulk_index.sql': 'CREATE INDEX bulk_by_v ON bulk (v);',
      '1.6.0__bulk_touch_again.sql': "UPDATE bulk SET v = v || 'b';",
    }).dir,
    schemaDir,
    { recursive: true },
  );
  template = join(templateDir, 'big.db');
  const init = runCli(['init', '--db', template, '--schema', schemaDir, '--to', '1.3.0']);
  expect(init.code, init.stderr).toBe(0);
  sqlite3(template, `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ${ROWS}) INSERT INTO bulk SELECT x, hex(randomblob(24)) FROM c`);
}, 60_000);

afterAll(() => rmSync(templateDir, { recursive: true, force: true }));

function bigDatabase(): string {
  const db = join(tempDir(), 'big.db');
  copyFileSync(template, db);
  return db;
}

/** Starts the command and presses Ctrl-C (SIGINT) once its stderr shows `when`. */
async function interruptedWhen(args: string[], when: string) {
  const child = spawnCli(args);
  let stderr = '';
  let pressed = false;
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (!pressed && stderr.includes(when)) pressed = child.kill('SIGINT');
  });
  return finished(child);
}

/** What sqlite3 reads from the file: the recorded version, integrity, and the marks each version leaves. */
function refereeOf(db: string) {
  return {
    version: sqlite3(db, 'SELECT max(version) FROM schema_version'),
    integrity: sqlite3(db, 'PRAGMA integrity_check'),
    touchedOnce: Number(sqlite3(db, "SELECT count(*) FROM bulk WHERE v LIKE '%a'")),
    index: sqlite3(db, "SELECT count(*) FROM sqlite_master WHERE name = 'bulk_by_v'"),
    touchedTwice: Number(sqlite3(db, "SELECT count(*) FROM bulk WHERE v LIKE '%b'")),
  };
}

describe.each(['migrate', 'init'])('Ctrl-C during %s', (command) => {
  it('stops after the step under way, says what was done, ends by SIGINT and leaves a whole version', async () => {
    const db = bigDatabase();
    const run = await interruptedWhen([command, '--no-backup', '--db', db, '--schema', schemaDir], 'Applied 1.4.0');
    expect(run.signal, run.stderr).toBe('SIGINT');
    expect(run.stderr).toContain('Stopping after the current step');
    const said =
      /Migration was cancelled after applying (1\.4\.0(?:, 1\.5\.0)?): .* is at (1\.[45]\.0), every applied version committed whole; not applied: (.*)\./.exec(
        run.stderr,
      );
    expect(said, run.stderr).not.toBeNull();
    const at = said![2];
    expect(said![3]).toBe(at === '1.4.0' ? '1.5.0, 1.6.0' : '1.6.0');
    expect(refereeOf(db)).toEqual({ version: at, integrity: 'ok', touchedOnce: ROWS, index: at === '1.5.0' ? '1' : '0', touchedTwice: 0 });
  });
});

describe('Ctrl-C during verify --full, on a terminal', () => {
  it('interrupts the running integrity_check at once, says nothing was changed, exits 130', async () => {
    const db = bigDatabase();
    const before = sqlite3(db, 'SELECT max(version) FROM schema_version');
    // A real terminal (util-linux script gives the command a pty): Ctrl-C is the byte 0x03 typed into it.
    const command = [process.execPath, ...SOURCE_CLI, 'verify', '--full', '--db', db, '--schema', schemaDir].map((a) => `'${a}'`).join(' ');
    const child = spawn('script', ['-qefc', command, '/dev/null'], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let screen = '';
    let pressedAt = 0;
    child.stdout.on('data', (d: Buffer) => {
      screen += d.toString();
      if (!pressedAt && screen.includes('verify: integrity_check')) {
        pressedAt = performance.now();
        child.stdin.write('\x03');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const tookAfterCtrlC = performance.now() - pressedAt;
    expect(pressedAt, screen).toBeGreaterThan(0);
    // The phase as the engine names it ("integrity_check", or "integrity_check on 2 threads" where it checks in parallel).
    expect(screen).toMatch(/Interrupted during integrity_check[^:\n]*: verify only reads, so nothing was changed\./);
    expect(screen).not.toContain('No problems found');
    expect(code).toBe(130);
    // sqlite3's own integrity_check of this file takes seconds: the check was stopped, not waited for.
    expect(tookAfterCtrlC).toBeLessThan(1500);
    expect([sqlite3(db, 'PRAGMA integrity_check'), sqlite3(db, 'SELECT max(version) FROM schema_version')]).toEqual(['ok', before]);
  });
});

describe('Ctrl-C during the opening check of migrate and init, on a terminal', () => {
  it.each(['migrate', 'init'])('%s: stops the quick_check at once, before anything is written, exits 130', async (command) => {
    const db = bigDatabase();
    const before = sqlite3(db, 'SELECT max(version) FROM schema_version');
    const line = [process.execPath, ...SOURCE_CLI, command, '--db', db, '--schema', schemaDir].map((a) => `'${a}'`).join(' ');
    const child = spawn('script', ['-qefc', line, '/dev/null'], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let screen = '';
    let pressedAt = 0;
    child.stdout.on('data', (d: Buffer) => {
      screen += d.toString();
      if (!pressedAt && screen.includes('checking the file first')) {
        pressedAt = performance.now();
        child.stdin.write('\x03');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(pressedAt, screen).toBeGreaterThan(0);
    expect(screen).toContain("Interrupted during checking the file first (SQLite's quick_check), before anything was written: nothing was changed.");
    expect(code).toBe(130);
    expect(performance.now() - pressedAt).toBeLessThan(1500);
    // Nothing written: the same version, no backup taken (the backup comes after the check).
    expect([sqlite3(db, 'PRAGMA integrity_check'), sqlite3(db, 'SELECT max(version) FROM schema_version')]).toEqual(['ok', before]);
    expect(existsSync(`${db}.backups`) ? readdirSync(`${db}.backups`).filter((f) => f.endsWith('.sqlite')) : []).toEqual([]);
  });
});
