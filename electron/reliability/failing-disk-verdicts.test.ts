import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, sha256File, SHIPPED_SCHEMA_DIR, sqlite3, tempDir } from '../engine/test-support/fixtures';
import { damageLeafOf } from '../engine/test-support/damage';
import { errorOf, runCli, SOURCE_CLI } from '../engine/test-support/cli';
import { fillWithFiles } from '../server/test-support/big-database';
import { buildFailingReads, canBuildFailingReads, failingReadsEnv } from './test-support/failing-reads';

// A disk that fails reads (EIO) under the verdicts: status, verify and the start gate (init). SQLite
// words a read the disk failed as damage ("database disk image is malformed", quick_check's
// "unable to get the page. error code=8458"), and they said CORRUPT / UNHEALTHY with the damage
// advice (restore, salvage). A failing disk is IO_ERROR naming the file, saying to check the disk
// and run it again, and never advising salvage; the file is left as it was. The referees: sqlite3
// reads the same file whole (integrity_check ok) without the fault, and its sha256 is unchanged.

const SCRIPT = join(REPO_ROOT, 'electron/reliability/test-support/verdicts-on-failing-disk.ts');

function cliWith(env: Record<string, string>, args: string[]) {
  const run = spawnSync(process.execPath, [...SOURCE_CLI, ...args], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, INIT_CWD: '', ...env } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** A 1.2.0 database of 5,000 files, intact (sqlite3 says ok), and where its second half begins. */
function intactDatabase(): { db: string; half: number } {
  const db = join(tempDir(), 'live.db');
  expect(runCli(['init', '--db', db]).code).toBe(0);
  fillWithFiles(db, 5_000);
  expect(sqlite3(db, 'PRAGMA integrity_check')).toBe('ok');
  return { db, half: Math.floor(statSync(db).size / 2) };
}

const COMMANDS = [['status'], ['verify'], ['verify', '--full'], ['init']];

/** The advice a damaged file gets, which a failing disk must never get. */
const DAMAGE_ADVICE = /salvage what can be read|warden salvage|Restore the newest verified backup|\[CORRUPT\]|UNHEALTHY/;

describe.skipIf(!canBuildFailingReads)('verdicts on a disk that fails reads (a preloaded library; skipped without a C compiler)', () => {
  it('status, verify, verify --full and init when the pages past the middle cannot be read: IO_ERROR naming the file, check the disk and retry, no salvage; the file as it was', () => {
    const library = buildFailingReads()!;
    const { db, half } = intactDatabase();
    const before = sha256File(db);
    for (const command of COMMANDS) {
      const run = cliWith(failingReadsEnv(library, db, half), [...command, '--db', db]);
      expect(run.code, `${command.join(' ')}: ${run.stderr}${run.stdout}`).toBe(2);
      expect(run.stderr, command.join(' ')).toMatch(
        /^error \[IO_ERROR\]: Reading \S*live\.db failed at the disk \(EIO: an I\/O error\) while running (quick|integrity)_check\. SQLite reported it as "Tree \d+ page \d+: unable to get the page\. error code=8458".*The file is not known to be damaged: the disk failed to read it\. Nothing was changed\./,
      );
      expect(run.stderr, command.join(' ')).toMatch(
        /what to do: Check the disk or the volume the file is on \(dmesg .*\), then run it again\. Do not salvage, restore or repair it on the strength of this/,
      );
      expect(`${run.stdout}${run.stderr}`, command.join(' ')).not.toMatch(DAMAGE_ADVICE);
    }
    // --json: the one document on stdout carries the code.
    const json = cliWith(failingReadsEnv(library, db, half), ['status', '--db', db, '--json']);
    expect(errorOf(json)).toMatchObject({ code: 'IO_ERROR' });
    expect(sha256File(db)).toBe(before);
    expect(sqlite3(db, 'PRAGMA integrity_check')).toBe('ok');
    expect(existsSync(`${db}.backups`)).toBe(false);
  });

  it('when the schema itself cannot be read (every page after the first), and when not even the header can: IO_ERROR, never CORRUPT', () => {
    const library = buildFailingReads()!;
    const { db } = intactDatabase();
    const pageSize = Number(sqlite3(db, 'PRAGMA page_size'));
    const before = sha256File(db);
    for (const command of COMMANDS) {
      const schema = cliWith(failingReadsEnv(library, db, pageSize), [...command, '--db', db]);
      expect(schema.code, `${command.join(' ')}: ${schema.stderr}`).toBe(2);
      expect(schema.stderr, command.join(' ')).toMatch(
        /^error \[IO_ERROR\]: Reading \S*live\.db failed at the disk \(EIO: an I\/O error\) while (reading its schema|opening it for verification|the start gate read it|running quick_check)\..* The file is not known to be damaged/,
      );
      expect(schema.stderr, command.join(' ')).not.toMatch(DAMAGE_ADVICE);
      const header = cliWith(failingReadsEnv(library, db, 0), [...command, '--db', db]);
      expect(header.code, `${command.join(' ')}: ${header.stderr}`).toBe(2);
      expect(header.stderr, command.join(' ')).toMatch(
        /^error \[IO_ERROR\]: Reading \S*live\.db failed: the disk failed the read or write \(an I\/O error\) \(EIO\)\./,
      );
    }
    expect(sha256File(db)).toBe(before);
    expect(sqlite3(db, 'PRAGMA integrity_check')).toBe('ok');
  });

  it('query and rows meeting the failing pages: IO_ERROR naming the file, never a damaged table or the damage advice', () => {
    const library = buildFailingReads()!;
    const { db, half } = intactDatabase();
    const env = failingReadsEnv(library, db, half);
    const runs = [
      cliWith(env, ['query', '--db', db, '--sql', 'SELECT sum(length(file_path)) FROM conversation_files']),
      cliWith(env, ['rows', '--db', db, '--table', 'conversation_files', '--sort', 'file_path:desc']),
    ];
    for (const run of runs) {
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toMatch(
        /^error \[IO_ERROR\]: Reading \S*live\.db failed at the disk \(EIO: an I\/O error\) while (running the query|reading the rows of conversation_files)\./,
      );
      expect(`${run.stdout}${run.stderr}`).not.toMatch(DAMAGE_ADVICE);
      expect(`${run.stdout}${run.stderr}`).not.toMatch(/ is damaged|Fix the SQL/);
    }
  });

  it('a disk that failed for a moment (the reads fail in the checking process only; read again, the file reads whole): IO_ERROR saying so, and to run it again', () => {
    const library = buildFailingReads()!;
    const { db, half } = intactDatabase();
    for (const command of COMMANDS) {
      const run = cliWith(failingReadsEnv(library, db, half, { thisProcessOnly: true }), [...command, '--db', db]);
      expect(run.code, `${command.join(' ')}: ${run.stderr}`).toBe(2);
      expect(run.stderr, command.join(' ')).toMatch(
        /^error \[IO_ERROR\]: Reading \S*live\.db failed at the disk while running (quick|integrity)_check \(SQLite: ".*error code=8458"\), then read whole when tried again: the disk failed for a moment\. The file is not known to be damaged\./,
      );
      expect(run.stderr, command.join(' ')).toMatch(/what to do: Run it again\. Check the disk/);
    }
  });

  it('the engine called as a library (status, verify, initialize) and the health entry: IO_ERROR, and health says the disk failed without advising salvage', () => {
    const library = buildFailingReads()!;
    const { db, half } = intactDatabase();
    const before = sha256File(db);
    const run = spawnSync(process.execPath, ['--import', 'tsx', SCRIPT, db, SHIPPED_SCHEMA_DIR], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: { ...process.env, ...failingReadsEnv(library, db, half) },
    });
    expect(run.status, run.stderr).toBe(0);
    const outcomes = JSON.parse(run.stdout) as Record<string, { error?: { code: string; message: string; hint: string } }> & {
      health: { status: string; reason: string; problems: string[] };
    };
    for (const verb of ['status', 'verifyQuick', 'verifyFull', 'initialize']) {
      expect(outcomes[verb].error?.code, `${verb}: ${JSON.stringify(outcomes[verb])}`).toBe('IO_ERROR');
      expect(outcomes[verb].error?.message, verb).toContain(`Reading ${db} failed at the disk (EIO`);
      expect(outcomes[verb].error?.hint, verb).toMatch(/^Check the disk or the volume the file is on/);
    }
    expect(outcomes.health.status).toBe('unhealthy');
    expect(outcomes.health.reason).toMatch(/failed at the disk \(EIO: an I\/O error\).*The file is not known to be damaged/);
    expect(`${outcomes.health.reason} ${outcomes.health.problems.join(' ')}`).not.toMatch(/[Ss]alvage|[Rr]estore|is corrupt|is damaged/);
    expect(sha256File(db)).toBe(before);
  });

  it('the control: a file whose pages are really damaged (the disk reads every byte) is still CORRUPT / UNHEALTHY with the damage advice', () => {
    const { db } = intactDatabase();
    damageLeafOf(db, 'conversation_files', 3);
    const status = runCli(['status', '--db', db]);
    expect(status.code).toBe(2);
    expect(status.stdout).toMatch(/Status\s+UNHEALTHY: SQLite quick_check failed: Page \d+ of table conversation_files/);
    const init = runCli(['init', '--db', db]);
    expect(init.code).toBe(2);
    expect(init.stderr).toMatch(/^error \[CORRUPT\]: .*live\.db is damaged/);
    expect(`${status.stdout}${status.stderr}${init.stderr}`).not.toMatch(/IO_ERROR|failed at the disk/);
  });
});
