import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorOf, resultOf, runCli } from '../engine/test-support/cli';
import { sqlite3, tempDir } from '../engine/test-support/fixtures';

// The CLI as scripts use it: exit codes, one JSON document on stdout, errors as sentences.

describe('warden CLI', () => {
  it('init → status → verify → history on a real file, with the documented exit codes', () => {
    const db = join(tempDir(), 'cf.db');
    const fresh = runCli(['status', '--db', db, '--json']);
    expect(fresh.code).toBe(1);
    expect(resultOf(fresh)).toMatchObject({ status: 'not_initialized', version: null, latest: '1.2.0', pending: ['1.0.0', '1.1.0', '1.2.0'] });

    const init = runCli(['init', '--db', db]);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain('fresh → 1.2.0');
    expect(init.stderr).toContain('Applied 1.0.0');

    const notBackedUp = runCli(['status', '--db', db]);
    expect(notBackedUp.code).toBe(1);
    expect(notBackedUp.stdout).toMatch(/Status\s+DEGRADED: Not backed up: there is no verified backup of this database\./);
    expect(runCli(['backup', '--db', db]).code).toBe(0);
    const status = runCli(['status', '--db', db]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/Status\s+HEALTHY/);

    sqlite3(db, 'DROP TABLE file_metadata');
    const verify = runCli(['verify', '--db', db, '--json', '--full']);
    expect(verify.code).toBe(2);
    const report = resultOf(verify);
    expect(report.status).toBe('unhealthy');
    expect(report.problems[0]).toMatchObject({ kind: 'table', name: 'file_metadata', change: 'missing' });
    const human = runCli(['verify', '--db', db]);
    expect(human.stdout).toMatch(/error\s+table\s+file_metadata\s+missing/);

    const history = runCli(['history', '--db', db, '--json']);
    expect(history.code).toBe(0);
    expect(resultOf(history).versions).toHaveLength(3);
  });

  it('exits 1 while migrations are pending and migrates with migrate', () => {
    const db = join(tempDir(), 'cf.db');
    expect(runCli(['init', '--db', db, '--to', '1.0.0']).code).toBe(0);
    const status = runCli(['status', '--db', db, '--json']);
    expect(status.code).toBe(1);
    expect(resultOf(status)).toMatchObject({ status: 'degraded', version: '1.0.0', pending: ['1.1.0', '1.2.0'] });
    const migrate = runCli(['migrate', '--db', db, '--json']);
    expect(migrate.code, migrate.stderr).toBe(0);
    expect(resultOf(migrate)).toMatchObject({ from: '1.0.0', to: '1.2.0' });
  });

  it('prints errors as a sentence with a code and what to do, and as JSON with --json', () => {
    const png = join(tempDir(), 'photo.db');
    writeFileSync(png, Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(200)]));
    const human = runCli(['init', '--db', png]);
    expect(human.code).toBe(2);
    expect(human.stderr).toMatch(/^error \[NOT_A_DATABASE\]: .*photo\.db is not a SQLite database/m);
    expect(human.stderr).toContain('what to do:');
    expect(human.stderr).not.toMatch(/\n\s+at /);
    const json = runCli(['init', '--db', png, '--json']);
    expect(errorOf(json)).toMatchObject({ code: 'NOT_A_DATABASE' });
  });

  it('answers a usage error with exit code 64', () => {
    expect(runCli(['frobnicate']).code).toBe(64);
    expect(runCli(['status', '--db']).code).toBe(64);
    // A bad --busy-timeout is the command line's fault, said as such (it was an INTERNAL "bug", exit 2).
    for (const wait of ['abc', '-5', '1.5', '1e12']) {
      const bad = runCli(['status', '--db', join(tempDir(), 'x.db'), '--busy-timeout', wait]);
      expect([bad.code, bad.stderr], wait).toEqual([64, expect.stringContaining("option '--busy-timeout <ms>' argument")]);
      expect(bad.stderr).toContain('It must be a whole number from 0 to 86,400,000.');
    }
    // A --schema that names no folder: a usage error too, saying what to pass.
    const noSchema = runCli(['status', '--db', join(tempDir(), 'x.db'), '--schema', join(tempDir(), 'schemas/typo')]);
    expect([noSchema.code, noSchema.stderr]).toEqual([64, expect.stringContaining('error [SCHEMA_NOT_FOUND]')]);
    expect(runCli(['--help']).code).toBe(0);
    const version = runCli(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
  it('query --csv into a pipe is the data exactly (no escaping), formulas kept as text; out-of-range numbers are usage errors', () => {
    const db = join(tempDir(), 'csv.db');
    expect(runCli(['init', '--db', db]).code).toBe(0);
    const csv = runCli(['query', '--db', db, '--csv', '--sql', `SELECT 'a' || char(10) || 'b' AS multi, char(27) || '[2K' AS esc, '=HYPERLINK("x")' AS f`]);
    expect(csv.code, csv.stderr).toBe(0);
    expect(csv.stdout).toBe('multi,esc,f\n"a\nb","\u001b[2K","\'=HYPERLINK(""x"")"\n');
    // Cut at --limit: the rows asked for, then stderr and the exit code say the file is partial; never silently.
    const cut = runCli(['query', '--db', db, '--csv', '--limit', '2', '--sql', 'WITH t(value) AS (VALUES (1), (2), (3)) SELECT value FROM t']);
    expect([cut.code, cut.stdout]).toEqual([1, 'value\n1\n2\n']);
    expect(cut.stderr).toContain('warning: the CSV stops at the row limit, 2 rows: the query has more. Raise --limit (up to 100,000)');
    const whole = runCli(['query', '--db', db, '--csv', '--limit', '3', '--sql', 'WITH t(value) AS (VALUES (1), (2), (3)) SELECT value FROM t']);
    expect([whole.code, whole.stdout, whole.stderr]).toEqual([0, 'value\n1\n2\n3\n', '']);
    // A BLOB whole, every byte as sqlite3's hex() reads it (a table on screen shows its first 16).
    const blobSql = 'SELECT randomblob(3000) AS b FROM (SELECT 1) UNION ALL SELECT zeroblob(17)';
    sqlite3(db, `CREATE TABLE blobs AS ${blobSql}`);
    const blobs = runCli(['query', '--db', db, '--csv', '--sql', 'SELECT b FROM blobs ORDER BY rowid']);
    expect(blobs.code, blobs.stderr).toBe(0);
    const referee = sqlite3(db, 'SELECT lower(hex(b)) FROM blobs ORDER BY rowid').split('\n');
    expect(blobs.stdout).toBe(`b\n${referee.map((hex) => `"x'${hex}'"`).join('\n')}\n`);
    for (const args of [
      ['query', '--sql', 'SELECT 1', '--timeout', '1e12'],
      ['query', '--sql', 'SELECT 1', '--timeout', '1e-9'],
      ['query', '--sql', 'SELECT 1', '--limit', '1e9'],
      // A fractional limit never equals a row count: --limit 0.5 returned every row.
      ['query', '--sql', 'SELECT 1', '--limit', '0.5'],
      ['rows', '--table', 'conversation_files', '--limit', '2.5'],
      ['rows', '--table', 'conversation_files', '--offset', '1e300'],
    ]) {
      const run = runCli([...args, '--db', db]);
      expect(run.code, args.join(' ')).toBe(64);
      expect(run.stderr).toMatch(/It must be a (number of seconds from 0\.1 to 600|whole number from [01] to)/);
    }
  });
});
