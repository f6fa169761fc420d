import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BackupInfo } from '../../shared/types/backups';
import type { VerifyReport } from '../../shared/types/integrity';
import type { MigrateResult } from '../../shared/types/migrations';
import { listBackups } from '../engine/core/backups/list-backups';
import { verifyBackup } from '../engine/actions/verify-backup';
import { finished, resultOf, spawnCli, type CliRun } from '../engine/test-support/cli';
import { contextFor, sqlite3, tempDir } from '../engine/test-support/fixtures';
import { acknowledgedIds, committedSoFar, DEPLOYMENT_WORKER, fileIdsIn, JOURNAL_MODES, workersKilledAfterEach } from './test-support/commit-log';
import { scaled, spawnTsx, until } from './test-support/soak';

// Many deployments at once: six service VMs insert files, metadata, associations and access logs
// through their own connections, while the tool, from its own processes, runs in turn: init,
// verify, backup, migrate 1.0.0 → 1.2.0, verify, backup. Every write a worker saw committed must be
// there at the end, every backup must pass the sqlite3 shell's integrity_check, and no worker may
// see an error other than a busy it retried.
//
// Journal modes: both. In WAL, as a service with six concurrent writers should run, readers
// (verify, the backup's copy) never block writers nor wait for them, and the workers insert
// without pausing. Under a rollback journal a reader needs a moment when no writer holds the lock,
// and SQLite's locks are not fair: six writers that never pause can starve the tool's reader (its
// busy handler sleeps and polls, a worker takes the lock again in between). So in rollback-journal
// mode each worker pauses 1 ms between transactions, as a real service does between requests; the
// workload is otherwise the same, and it is the mode where a worker's COMMIT waits for the tool's
// readers.

const WORKERS = 6;
/** Files each worker must commit between two of the tool's steps, so every step overlaps live writes. */
const FILES_BETWEEN_STEPS = scaled(15, 400);
const ROUNDS = scaled(1, 3);

const running = workersKilledAfterEach();

interface WorkerSummary {
  name: string;
  committed: number;
  retriedBusy: number;
  errors: string[];
  journalMode: string;
  longestWaitMs: number;
}

interface Deployment {
  name: string;
  log: string;
  process: ChildProcess;
  done: Promise<CliRun>;
}

function missingFrom(expected: Set<string>, actual: Set<string>): string[] {
  return [...expected].filter((id) => !actual.has(id));
}

async function cli(args: string[]): Promise<{ run: CliRun; ms: number }> {
  const started = performance.now();
  const run = await finished(spawnCli([...args, '--json', '--busy-timeout', '60000']));
  return { run, ms: Math.round(performance.now() - started) };
}

async function scenario(mode: 'wal' | 'delete', pauseMs: number, round: number): Promise<string> {
  const dir = tempDir();
  const dbPath = join(dir, 'conversation_files.db');
  const stop = join(dir, 'stop');
  const deployments: Deployment[] = Array.from({ length: WORKERS }, (_, k) => {
    const name = `vm${k + 1}`;
    const log = join(dir, `${name}.log`);
    const child = spawnTsx(DEPLOYMENT_WORKER, [dbPath, name, log, stop, mode, String(pauseMs)]);
    running.add(child);
    return { name, log, process: child, done: finished(child) };
  });
  const backups: { info: BackupInfo; idsBefore: Set<string>; version: string }[] = [];
  const timings: string[] = [];
  try {
    /** Waits until every worker has committed `FILES_BETWEEN_STEPS` more files. */
    const letWorkersWrite = async () => {
      const targets = deployments.map((d) => committedSoFar(d) + FILES_BETWEEN_STEPS);
      await until('the workers to commit more files', () => deployments.every((d, k) => committedSoFar(d) >= targets[k]), 60_000);
    };
    const step = async (label: string, args: string[], exitCode = 0) => {
      const { run, ms } = await cli(args);
      expect(run.code, `${label}: ${run.stderr}${run.stdout}`).toBe(exitCode);
      timings.push(`${label} ${ms} ms`);
      return resultOf(run) as unknown;
    };

    // init on the fresh file; the workers are already up, waiting for the schema.
    await step('init', ['init', '--db', dbPath, '--to', '1.0.0']);
    await letWorkersWrite();
    // At 1.0.0 with 1.1.0 and 1.2.0 pending, verify says degraded (exit 1): intact, not yet current.
    expect((await step('verify', ['verify', '--db', dbPath], 1)) as VerifyReport).toMatchObject({
      status: 'degraded',
      version: '1.0.0',
      problems: [],
      integrity: { ok: true },
    });
    await letWorkersWrite();
    let idsBefore = acknowledgedIds(deployments);
    backups.push({ info: (await step('backup', ['backup', '--db', dbPath])) as BackupInfo, idsBefore, version: '1.0.0' });
    await letWorkersWrite();
    idsBefore = acknowledgedIds(deployments);
    const migrated = (await step('migrate', ['migrate', '--db', dbPath])) as MigrateResult;
    expect(migrated).toMatchObject({ from: '1.0.0', to: '1.2.0', applied: [{ version: '1.1.0' }, { version: '1.2.0' }] });
    backups.push({ info: migrated.backup!, idsBefore, version: '1.0.0' });
    await letWorkersWrite();
    expect((await step('verify', ['verify', '--db', dbPath])) as VerifyReport).toMatchObject({
      status: 'healthy',
      version: '1.2.0',
      problems: [],
      integrity: { ok: true },
    });
    await letWorkersWrite();
    idsBefore = acknowledgedIds(deployments);
    backups.push({ info: (await step('backup', ['backup', '--db', dbPath])) as BackupInfo, idsBefore, version: '1.2.0' });
    await letWorkersWrite();
  } finally {
    writeFileSync(stop, '');
  }

  // The workers stop after their current transaction and report.
  const summaries: WorkerSummary[] = [];
  for (const d of deployments) {
    const run = await d.done;
    expect(run.code, `${d.name}: ${run.stderr}`).toBe(0);
    summaries.push(JSON.parse(run.stdout) as WorkerSummary);
  }
  for (const s of summaries) {
    expect(s.errors, `${s.name} saw errors other than a retried busy`).toEqual([]);
    expect(s.journalMode).toBe(mode);
  }

  // Every write a worker saw committed is there, and nothing it did not see committed.
  const logged = acknowledgedIds(deployments);
  const committed = summaries.reduce((sum, s) => sum + s.committed, 0);
  expect(logged.size).toBe(committed);
  const present = fileIdsIn(dbPath);
  expect(missingFrom(logged, present), 'committed files missing from the database').toEqual([]);
  expect(present.size).toBe(logged.size);
  // One metadata row, one association (and its cleanup row), a download and an upload log row per file.
  const counts = sqlite3(
    dbPath,
    "SELECT (SELECT count(*) FROM file_metadata) || ' ' || (SELECT count(*) FROM session_file_associations) || ' ' || (SELECT count(*) FROM file_cleanup_queue) || ' ' || (SELECT count(*) FROM file_access_log)",
  );
  expect(counts).toBe(`${committed} ${committed} ${committed} ${2 * committed}`);
  expect(sqlite3(dbPath, 'PRAGMA integrity_check')).toBe('ok');
  expect(sqlite3(dbPath, 'PRAGMA foreign_key_check')).toBe('');
  expect(sqlite3(dbPath, 'SELECT group_concat(version) FROM (SELECT version FROM schema_version ORDER BY version)')).toBe('1.0.0,1.1.0,1.2.0');
  // Rows written at 1.0.0 without a type got 1.2.0's default; every row has the default backend.
  expect(sqlite3(dbPath, "SELECT count(*) FROM conversation_files WHERE mime_type IS NULL OR storage_backend <> 'local'")).toBe('0');

  // Every backup passes integrity_check and holds every write committed before it started (and nothing else).
  const listed = listBackups(contextFor(dbPath));
  expect(listed.map((b) => b.name).sort()).toEqual(backups.map((b) => b.info.name).sort());
  let filesInBackups = 0;
  for (const { info, idsBefore, version } of backups) {
    expect(sqlite3(info.path, 'PRAGMA integrity_check'), info.path).toBe('ok');
    expect(sqlite3(info.path, 'PRAGMA foreign_key_check'), info.path).toBe('');
    expect(sqlite3(info.path, 'SELECT max(version) FROM schema_version')).toBe(version);
    expect((await verifyBackup(contextFor(dbPath), { backup: info.path })).ok).toBe(true);
    const inBackup = fileIdsIn(info.path);
    expect(missingFrom(idsBefore, inBackup), `${info.name} lacks files committed before it was taken`).toEqual([]);
    expect(missingFrom(inBackup, present), `${info.name} holds files never committed`).toEqual([]);
    filesInBackups += inBackup.size;
  }

  const busy = summaries.reduce((sum, s) => sum + s.retriedBusy, 0);
  const longestWait = Math.max(...summaries.map((s) => s.longestWaitMs));
  return (
    `deployments [${mode}${pauseMs ? `, ${pauseMs} ms pause` : ''}, round ${round + 1}]: ${WORKERS} workers committed ${committed} files ` +
    `(+${committed} metadata, ${committed} associations, ${2 * committed} access-log rows), all present; ` +
    `${busy} retried busy, 0 other errors, longest wait for a commit ${longestWait} ms; ` +
    `${backups.length} backups (${filesInBackups} files) pass integrity_check; tool: ${timings.join(', ')}`
  );
}

describe('many deployments at once', () => {
  for (const { mode, pauseMs } of JOURNAL_MODES) {
    for (let round = 0; round < ROUNDS; round++) {
      it(
        `${WORKERS} workers insert through ${mode} while the tool inits, verifies, backs up and migrates (round ${round + 1})`,
        async () => {
          console.log(await scenario(mode, pauseMs, round));
        },
        scaled(120_000, 600_000),
      );
    }
  }
});
