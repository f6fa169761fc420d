import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { backup } from '../engine/actions/backup';
import { userVersionOf } from '../engine/core/sqlite/header-marks';
import { initialize } from '../engine/actions/initialize';
import { listBackups } from '../engine/core/backups/list-backups';
import { status } from '../engine/actions/status';
import { verifyBackup } from '../engine/actions/verify-backup';
import { finished, resultOf, spawnCli, type CliRun } from '../engine/test-support/cli';
import { contextFor, sha256File, sqlite3, tempDir } from '../engine/test-support/fixtures';
import { seededRandom } from '../../shared/seeded-random';
import { scaled, seedFor } from './test-support/soak';

// Crashes: the tool's own processes killed with SIGKILL at random moments (a seeded PRNG; the seed
// is printed) while they initialize, migrate, repair, back up and restore: once a run shows its
// first sign of work, at a time drawn uniformly over how long that work took in a calibration run
// (and a little past it: some runs finish first). After each kill the
// database opens, passes integrity_check and foreign_key_check, is at a version its history agrees
// with (schema_version, the init/migrate events and user_version all name it, and the schema is
// that version's, object for object), and is all or nothing (never half migrated, half repaired or
// half restored); every backup `warden backups` lists verifies (a killed backup leaves at most a
// hidden partial file); then the next run of the same command completes, and the next backup
// removes the partial files.

const ROUNDS = scaled(3, 30);
/** Files in the databases: large enough that the work, not the process start, takes most of a run. */
const FILES = scaled(10_000, 40_000);
const RESTORED_FILES = 5_000;

const random = seededRandom(seedFor('crashes'));

/**
 * A database of the shipped schema at `version` holding `files` files, with metadata, associations
 * and access logs (before 1.2.0 a third of them without a MIME type, which 1.2.0 backfills).
 */
async function template(version: string, files: number): Promise<string> {
  const path = join(tempDir(), `template-${version}-${files}.db`);
  await initialize(contextFor(path), { to: version });
  const db = new Database(path);
  try {
    db.exec(`BEGIN;
      WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < ${files})
      INSERT INTO conversation_files (file_id, session_id, original_filename, stored_filename, file_path, file_size, file_hash, mime_type)
      SELECT 'file-' || k, 'session-' || (k % 50), 'report-' || k || '.pdf', 'stored-' || k, '/srv/files/' || k, k, 'hash-' || (k % 97),
             CASE WHEN k % 3 = 0 AND ${version === '1.2.0' ? 0 : 1} THEN NULL ELSE 'application/pdf' END FROM n;
      INSERT INTO file_metadata (file_id, metadata_key, metadata_value) SELECT file_id, 'pages', '12' FROM conversation_files;
      INSERT INTO session_file_associations (session_id, file_id, message_id) SELECT session_id, file_id, 'msg' FROM conversation_files;
      COMMIT;`);
  } finally {
    db.close();
  }
  return path;
}

function copyOf(path: string, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const copy = join(dir, 'conversation_files.db');
  copyFileSync(path, copy);
  return copy;
}

async function timed(args: string[]): Promise<{ run: CliRun; ms: number }> {
  const started = performance.now();
  const run = await finished(spawnCli(args));
  return { run, ms: performance.now() - started };
}

/**
 * The first sign a run has begun its work, rather than still starting Node: the database file
 * appears (a fresh initialize) or the backup folder does (every command here that changes an
 * existing database backs it up first).
 */
function workBegun(dbPath: string, existed: boolean): boolean {
  return existsSync(`${dbPath}.backups`) || (!existed && existsSync(dbPath));
}

interface Run {
  run: CliRun;
  /** From the first sign of work to the end (or the kill). */
  workMs: number;
}

/**
 * Runs the command; once it has begun its work, SIGKILLs it after `delayMs(…)` unless it finished
 * first (null: never).
 */
async function runWork(args: string[], dbPath: string, delayMs: (() => number) | null): Promise<Run & { delay: number | null }> {
  const existed = existsSync(dbPath);
  const child = spawnCli(args);
  const done = finished(child);
  let begunAt: number | null = null;
  let delay: number | null = null;
  let timer: NodeJS.Timeout | undefined;
  const watch = setInterval(() => {
    if (begunAt !== null || !workBegun(dbPath, existed)) return;
    begunAt = performance.now();
    clearInterval(watch);
    if (delayMs) {
      delay = Math.round(delayMs());
      timer = setTimeout(() => child.kill('SIGKILL'), delay);
    }
  }, 2);
  const run = await done;
  clearInterval(watch);
  clearTimeout(timer);
  return { run, workMs: begunAt === null ? 0 : performance.now() - begunAt, delay };
}

const isPartial = (entry: string) => /^\..*\.partial(-journal|-wal|-shm)?$/.test(entry);

function partialsIn(dbPath: string): string[] {
  const folder = `${dbPath}.backups`;
  return existsSync(folder) ? readdirSync(folder).filter(isPartial) : [];
}

interface Observed {
  version: string | null;
  files: number;
  problems: string[];
}

/**
 * The checks after every kill. Returns what the database holds, for the command's all-or-nothing
 * check. status() reads through the engine first (rolling back a hot journal the kill left), then
 * the sqlite3 shell referees.
 */
async function assertConsistent(dbPath: string): Promise<Observed> {
  const ctx = contextFor(dbPath);
  const report = status(ctx);
  if (!existsSync(dbPath)) return { version: null, files: 0, problems: [] };
  expect(sqlite3(dbPath, 'PRAGMA integrity_check')).toBe('ok');
  expect(sqlite3(dbPath, 'PRAGMA foreign_key_check')).toBe('');
  const db = new Database(dbPath, { readonly: true });
  let observed: Observed;
  try {
    const hasTable = (name: string) => db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
    const versions = hasTable('schema_version') ? (db.prepare('SELECT version FROM schema_version').pluck().all() as string[]) : [];
    const recorded = versions.length ? semver.rsort([...versions])[0] : null;
    const events = hasTable('schema_events')
      ? (db
          .prepare("SELECT version FROM schema_events WHERE action IN ('init', 'migrate') AND outcome = 'ok' AND json_extract(detail, '$.carriedFrom') IS NULL")
          .pluck()
          .all() as string[])
      : [];
    const announced = events.length ? semver.rsort([...events])[0] : null;
    // The history agrees with itself and with what status reports (events a restore carried across
    // from the database it replaced are that database's history, not this one's).
    expect(report.version).toBe(recorded);
    expect(announced).toBe(recorded);
    expect(db.pragma('user_version', { simple: true })).toBe(recorded ? userVersionOf(recorded) : 0);
    const files = hasTable('conversation_files') ? (db.prepare('SELECT count(*) FROM conversation_files').pluck().get() as number) : 0;
    // Whether it is backed up (a warning) depends on which command ran, not on the kill: left out here; the schema's problems stay.
    observed = {
      version: recorded,
      files,
      problems: report.problems
        .filter((p) => p.kind !== 'backup')
        .map((p) => `${p.kind} ${p.name}`)
        .sort(),
    };
  } finally {
    db.close();
  }
  // No partial backup is listed: every backup listed verifies (hash and quick_check). A pre-repair
  // backup holds the drift the repair fixes, so it cannot be restored: its content, not its bytes.
  for (const listed of listBackups(ctx)) {
    const verification = await verifyBackup(ctx, { backup: listed.path });
    const bytes = verification.problems.filter(
      (p) => !(listed.reason === 'pre-repair' && p.startsWith('It cannot be restored: it does not hold the schema of version')),
    );
    expect(bytes, listed.name).toEqual([]);
  }
  return observed;
}

interface Scenario {
  /** The database of a round, ready for the command. */
  prepare: (dir: string, round: number) => string;
  args: (dbPath: string) => string[];
  /** What the database may hold after a kill: the state before the command, the state after, or (migrate) a completed step. */
  allowed: (observed: Observed, round: number) => boolean;
  /** What the database holds once the command has completed. */
  completed: (observed: Observed, round: number) => boolean;
}

const describeState = (o: Observed) => `${o.version ?? 'none'}${o.problems.length ? ` with ${o.problems.length} problems` : ''}`;

async function crashRounds(name: string, scenario: Scenario): Promise<string> {
  // How long the work takes once it has begun: kills are spread over it, and a little past its end.
  const calibrationDb = scenario.prepare(join(tempDir(), 'calibration'), 0);
  const whole = await runWork(scenario.args(calibrationDb), calibrationDb, null);
  expect(whole.run.code, whole.run.stderr).toBe(0);
  expect(whole.workMs, 'no sign of work seen').toBeGreaterThan(0);
  const span = whole.workMs * 1.1;

  const states = new Map<string, number>();
  let killed = 0;
  let hotJournals = 0;
  let partialsLeft = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const dbPath = scenario.prepare(join(tempDir(), `round-${round}`), round);
    const { run, delay } = await runWork(scenario.args(dbPath), dbPath, () => random() * span);
    if (run.code === null) killed++;
    else expect(run.code, `${name} finished before the kill at ${delay} ms but failed: ${run.stderr}`).toBe(0);
    if (existsSync(`${dbPath}-journal`)) hotJournals++;
    partialsLeft += partialsIn(dbPath).length;

    const observed = await assertConsistent(dbPath);
    if (round === 0) {
      // `warden backups` lists what listBackups does: never a killed backup's partial file.
      const listed = await timed(['backups', '--db', dbPath, '--json']);
      expect(listed.run.code, listed.run.stderr).toBe(0);
      const names = (resultOf(listed.run) as { name: string }[]).map((b) => b.name);
      expect(names).toEqual(listBackups(contextFor(dbPath)).map((b) => b.name));
      expect(names.filter(isPartial)).toEqual([]);
    }
    expect(scenario.allowed(observed, round), `${name} killed at ${delay} ms left ${JSON.stringify(observed)}`).toBe(true);
    const state = describeState(observed);
    states.set(state, (states.get(state) ?? 0) + 1);

    // The next run of the same command completes.
    const next = await timed(scenario.args(dbPath));
    expect(next.run.code, `${name} after a kill at ${delay} ms: ${next.run.stderr}`).toBe(0);
    const after = await assertConsistent(dbPath);
    expect(scenario.completed(after, round), `${name} after the next run: ${JSON.stringify(after)}`).toBe(true);
    // A partial file a killed backup left is removed by the next backup.
    if (partialsIn(dbPath).length) await backup(contextFor(dbPath));
    expect(partialsIn(dbPath)).toEqual([]);
  }
  const shown = [...states].map(([state, n]) => `${state} ×${n}`).join(', ');
  return (
    `crashes [${name}]: ${ROUNDS} runs, ${killed} killed at random in the ${Math.round(whole.workMs)} ms its work takes, ` +
    `${hotJournals} hot journals rolled back, ${partialsLeft} partial backup files left hidden and removed; states after the kill: ${shown}; next run completed ${ROUNDS}/${ROUNDS}`
  );
}

describe('SIGKILL at random moments', () => {
  const timeout = scaled(90_000, 900_000);

  it(
    'during initialize (a fresh file, or a 1.0.0 database it migrates)',
    async () => {
      const old = await template('1.0.0', FILES);
      // Even rounds: a fresh file (all versions in one transaction); odd rounds: an existing 1.0.0 database.
      const fresh = (round: number) => round % 2 === 0;
      const line = await crashRounds('initialize', {
        prepare: (dir, round) => (fresh(round) ? (mkdirSync(dir, { recursive: true }), join(dir, 'conversation_files.db')) : copyOf(old, dir)),
        args: (db) => ['init', '--db', db, '--json'],
        allowed: (o, round) =>
          o.problems.length === 0 &&
          (fresh(round) ? o.version === null || o.version === '1.2.0' : ['1.0.0', '1.1.0', '1.2.0'].includes(o.version!) && o.files === FILES),
        completed: (o, round) => o.version === '1.2.0' && o.problems.length === 0 && o.files === (fresh(round) ? 0 : FILES),
      });
      console.log(line);
    },
    timeout,
  );

  it(
    'during migrate 1.0.0 → 1.2.0 (each step its own transaction)',
    async () => {
      const old = await template('1.0.0', FILES);
      const line = await crashRounds('migrate', {
        prepare: (dir) => copyOf(old, dir),
        args: (db) => ['migrate', '--db', db, '--json'],
        allowed: (o) => ['1.0.0', '1.1.0', '1.2.0'].includes(o.version!) && o.problems.length === 0 && o.files === FILES,
        completed: (o) => o.version === '1.2.0' && o.problems.length === 0 && o.files === FILES,
      });
      console.log(line);
    },
    timeout,
  );

  it(
    'during repair (three indexes, a view and a trigger to recreate)',
    async () => {
      const damaged = await template('1.2.0', FILES);
      sqlite3(
        damaged,
        'DROP INDEX idx_file_access_log_file; DROP INDEX idx_conversation_files_session; DROP INDEX idx_session_associations_file; DROP VIEW v_active_files; DROP TRIGGER trg_conversation_files_upload_log;',
      );
      const line = await crashRounds('repair', {
        prepare: (dir) => copyOf(damaged, dir),
        args: (db) => ['repair', '--db', db, '--json'],
        // Either nothing was recreated yet or everything was: one transaction.
        allowed: (o) => o.version === '1.2.0' && o.files === FILES && (o.problems.length === 0 || o.problems.length === 5),
        completed: (o) => o.version === '1.2.0' && o.files === FILES && o.problems.length === 0,
      });
      console.log(line);
    },
    timeout,
  );

  it(
    'during backup',
    async () => {
      const live = await template('1.2.0', FILES);
      const line = await crashRounds('backup', {
        prepare: (dir) => copyOf(live, dir),
        args: (db) => ['backup', '--db', db, '--json'],
        allowed: (o) => o.version === '1.2.0' && o.files === FILES && o.problems.length === 0,
        completed: (o) => o.version === '1.2.0' && o.files === FILES && o.problems.length === 0,
      });
      console.log(line);
    },
    timeout,
  );

  it(
    'during restore (a 1.2.0 database replaced by a 1.1.0 backup)',
    async () => {
      const live = await template('1.2.0', FILES);
      const older = await template('1.1.0', RESTORED_FILES);
      const source = await backup(contextFor(older));
      const sourceSha = sha256File(source.path);
      const line = await crashRounds('restore', {
        prepare: (dir) => copyOf(live, dir),
        args: (db) => ['restore', '--db', db, '--backup', source.path, '--yes', '--json'],
        // The live database as it was, or the backup's, never a mix.
        allowed: (o) => o.problems.length === 0 && ((o.version === '1.2.0' && o.files === FILES) || (o.version === '1.1.0' && o.files === RESTORED_FILES)),
        completed: (o) => o.problems.length === 0 && o.version === '1.1.0' && o.files === RESTORED_FILES,
      });
      // A restore only reads its backup.
      expect(sha256File(source.path)).toBe(sourceSha);
      console.log(line);
    },
    timeout,
  );
});
