import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RestoreResult } from '../../shared/types/backups';
import { backup } from '../engine/actions/backup';
import { initialize } from '../engine/actions/initialize';
import { finished, resultOf, spawnCli, type CliRun } from '../engine/test-support/cli';
import { contextFor, sqlite3, tempDir } from '../engine/test-support/fixtures';
import { acknowledgedIds, committedSoFar, DEPLOYMENT_WORKER, fileIdsIn, JOURNAL_MODES, workersKilledAfterEach } from './test-support/commit-log';
import { scaled, spawnTsx, until } from './test-support/soak';

// A restore while the service writes: service processes (deployment-worker.ts) commit one file per
// transaction and log the id of every commit they saw acknowledged, while `warden restore` runs
// from its own process, several times. Every acknowledged commit must be in the pre-restore backup
// of the restore it preceded or in the final database (the restored content plus what came
// after): a commit in neither was silently lost. Both journal modes; in rollback-journal mode the
// workers pause 1 ms between transactions, as in deployments.test.ts (SQLite's locks are not fair).

const WORKERS = 3;
const RESTORES = scaled(2, 10);
const FILES_BETWEEN_STEPS = scaled(30, 300);

const running = workersKilledAfterEach();

interface Worker {
  name: string;
  log: string;
  done: Promise<CliRun>;
}

async function race(mode: 'wal' | 'delete', pauseMs: number): Promise<string> {
  const dir = tempDir();
  const dbPath = join(dir, 'conversation_files.db');
  const stop = join(dir, 'stop');
  const ctx = contextFor(dbPath, undefined, { busyTimeoutMs: 60_000 });
  await initialize(ctx);
  const workers: Worker[] = Array.from({ length: WORKERS }, (_, k) => {
    const name = `vm${k + 1}`;
    const log = join(dir, `${name}.log`);
    const child = spawnTsx(DEPLOYMENT_WORKER, [dbPath, name, log, stop, mode, String(pauseMs)]);
    running.add(child);
    return { name, log, done: finished(child) };
  });
  const letWorkersWrite = async () => {
    const targets = workers.map((w) => committedSoFar(w) + FILES_BETWEEN_STEPS);
    await until('the workers to commit more files', () => workers.every((w, k) => committedSoFar(w) >= targets[k]), 60_000);
  };
  const preRestoreBackups: string[] = [];
  try {
    await letWorkersWrite();
    const taken = await backup(ctx);
    for (let r = 0; r < RESTORES; r++) {
      await letWorkersWrite();
      const run = await finished(spawnCli(['restore', '--db', dbPath, '--backup', taken.path, '--yes', '--json', '--busy-timeout', '60000']));
      expect(run.code, run.stderr + run.stdout).toBe(0);
      const result = resultOf(run) as RestoreResult;
      expect(result.preRestoreBackup).not.toBeNull();
      preRestoreBackups.push(result.preRestoreBackup!.path);
    }
    await letWorkersWrite();
  } finally {
    writeFileSync(stop, '');
  }
  let committed = 0;
  let busy = 0;
  for (const w of workers) {
    const run = await w.done;
    expect(run.code, `${w.name}: ${run.stderr}`).toBe(0);
    const summary = JSON.parse(run.stdout) as { committed: number; retriedBusy: number; errors: string[]; journalMode: string };
    expect(summary.errors, `${w.name} saw errors other than a retried busy`).toEqual([]);
    expect(summary.journalMode).toBe(mode);
    committed += summary.committed;
    busy += summary.retriedBusy;
  }

  const acknowledged = acknowledgedIds(workers);
  expect(acknowledged.size).toBe(committed);
  const kept = fileIdsIn(dbPath);
  for (const path of preRestoreBackups) {
    expect(sqlite3(path, 'PRAGMA integrity_check'), path).toBe('ok');
    for (const id of fileIdsIn(path)) kept.add(id);
  }
  const lost = [...acknowledged].filter((id) => !kept.has(id));
  expect(sqlite3(dbPath, 'PRAGMA integrity_check')).toBe('ok');
  // The history went across every cut-over: each restore is recorded in the final database.
  expect(sqlite3(dbPath, "SELECT count(*) FROM schema_events WHERE action = 'restore'")).toBe(String(RESTORES));
  const summary = `restore race [${mode}]: ${WORKERS} workers committed ${committed} files (${busy} busy retried) while ${RESTORES} restores ran; lost (in no pre-restore backup nor the final database): ${lost.length}`;
  console.log(summary);
  expect(lost.length, `${summary}; first lost: ${lost.slice(0, 5).join(', ')}`).toBe(0);
  return summary;
}

describe('restore while the service writes', () => {
  for (const { mode, pauseMs } of JOURNAL_MODES) {
    it(
      `loses no acknowledged commit (${mode})`,
      async () => {
        await race(mode, pauseMs);
      },
      scaled(120_000, 900_000),
    );
  }
});
