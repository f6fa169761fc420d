import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FleetActionEntry, FleetActionReport } from '../../shared/types/fleet';
import { ENGINE_WORKER_ENTRY } from '../api/engine-worker-entry';
import { EngineWorkers } from '../api/engine-workers';
import { initialize } from '../engine/actions/initialize';
import { finished, resultOf, spawnCli } from '../engine/test-support/cli';
import { contextFor, seedFiles, sha256File, SHIPPED_SCHEMA_DIR, sqlite3, tempDir } from '../engine/test-support/fixtures';
import { fleetBackup, fleetVerify } from './fleet-actions';
import { parseFleet, type Fleet } from './fleet-file';

// fleet verify / fleet backup on local files, followed step by step (onChange) and stopped by a
// signal, as the console's job runs them: on this thread (the CLI) and in a host's engine workers.

const backupFiles = (db: string) => (existsSync(`${db}.backups`) ? readdirSync(`${db}.backups`).filter((f) => f.endsWith('.sqlite')) : []);

async function localFleet(names: string[]): Promise<{ fleet: Fleet; db: (n: string) => string }> {
  const dir = tempDir();
  const db = (n: string) => join(dir, `${n}.db`);
  for (const n of names) {
    await initialize(contextFor(db(n)), { to: '1.2.0' });
    seedFiles(db(n), 20);
  }
  return { fleet: parseFleet({ deployments: names.map((n) => ({ name: n, file: `${n}.db` })) }, join(dir, 'fleet.json')), db };
}

describe('fleet verify and backup, followed and stopped', () => {
  const workers = new EngineWorkers({ entry: ENGINE_WORKER_ENTRY, size: 1 });
  afterAll(() => workers.close());

  it('reports each deployment waiting, then running, then done, in the fleet order', async () => {
    const { fleet } = await localFleet(['a', 'b', 'c']);
    const changes: FleetActionEntry[][] = [];
    const report = await fleetVerify(fleet, fleet.deployments, 'quick', 1, { defaultSchemaDir: SHIPPED_SCHEMA_DIR }, () => undefined, {
      onChange: (e) => changes.push(e),
    });
    expect(report.deployments.map((d) => [d.name, d.status])).toEqual([
      ['a', 'healthy'],
      ['b', 'healthy'],
      ['c', 'healthy'],
    ]);
    expect(changes[0].map((e) => e.step)).toEqual(['waiting', 'waiting', 'waiting']);
    // One at a time: each step seen in order, never two running at once.
    expect(changes.map((e) => e.map((x) => x.step[0]).join(''))).toEqual(['www', 'rww', 'dww', 'drw', 'ddw', 'ddr', 'ddd']);
    expect(changes.at(-1)!.map((e) => e.status)).toEqual(['healthy', 'healthy', 'healthy']);
  });

  it('warden fleet backup: Ctrl-C while the second deployment backs up cancels it (no file) and starts no other; the report says so, exit 2', async () => {
    const { fleet, db } = await localFleet(['a', 'b', 'c']);
    // b is about 240 MB: its backup is still copying when Ctrl-C comes.
    sqlite3(
      db('b'),
      `WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < 25000)
      INSERT INTO conversation_files (file_id, session_id, original_filename, stored_filename, file_path, file_size, file_hash, mime_type)
      SELECT 'big-' || k, 'session-' || (k % 50), 'f' || k, 's' || k, '/files/' || k, k, hex(randomblob(2000)), 'text/plain' FROM n;`,
    );
    writeFileSync(fleet.path, JSON.stringify({ deployments: ['a', 'b', 'c'].map((n) => ({ name: n, file: `${n}.db` })) }));
    const child = spawnCli(['fleet', 'backup', '--fleet', fleet.path, '--parallel', '1', '--json']);
    const run = finished(child);
    // a's line says it is done, and b has started: Ctrl-C now.
    await new Promise<void>((resolve) => child.stderr!.on('data', (chunk: Buffer) => chunk.toString().includes('a: backup healthy') && resolve()));
    child.kill('SIGINT');
    const { code, stdout, stderr } = await run;
    expect(stderr).toContain('Stopping: no other deployment starts, the backups under way are cancelled and leave no file');
    const report = resultOf({ stdout }) as FleetActionReport;
    expect(code).toBe(2);
    expect(report.deployments.map((d) => [d.name, d.status])).toEqual([['a', 'healthy']]);
    expect(report.notDone.map((d) => [d.name, d.detail])).toEqual([
      ['b', expect.stringMatching(/^cancelled while backing up \(Ctrl-C\): /)],
      ['c', 'not started: it was stopped (Ctrl-C)'],
    ]);
    expect(backupFiles(db('a'))).toHaveLength(1);
    expect(backupFiles(db('b'))).toEqual([]);
    expect(backupFiles(db('c'))).toEqual([]);
    expect(sqlite3(join(`${db('a')}.backups`, backupFiles(db('a'))[0]), 'PRAGMA integrity_check')).toBe('ok');
  }, 60_000);

  it.each([
    ['on this thread', undefined],
    ['in engine workers', workers],
  ])('stopped as the first backup starts (%s): the first is cancelled with no file, the others never start', async (_where, engine) => {
    const { fleet, db } = await localFleet(['a', 'b', 'c']);
    const before = Object.fromEntries(['a', 'b', 'c'].map((n) => [n, sha256File(db(n))]));
    const stop = new AbortController();
    const report = await fleetBackup(fleet, fleet.deployments, 1, { defaultSchemaDir: SHIPPED_SCHEMA_DIR, engine }, () => undefined, {
      signal: stop.signal,
      stopWith: 'Cancel in the Jobs panel',
      // Cancel pressed the moment the first deployment starts: its backup is cancelled, no other starts.
      onChange: (entries) => entries[0].step === 'running' && stop.abort(),
    });
    expect(report.deployments).toEqual([]);
    expect(report.stoppedBecause).toBe('it was stopped (Cancel in the Jobs panel) with 3 of 3 deployment(s) not done');
    expect(report.notDone.map((d) => [d.name, d.detail])).toEqual([
      ['a', expect.stringMatching(/^cancelled while backing up \(Cancel in the Jobs panel\): /)],
      ['b', 'not started: it was stopped (Cancel in the Jobs panel)'],
      ['c', 'not started: it was stopped (Cancel in the Jobs panel)'],
    ]);
    for (const n of ['a', 'b', 'c']) {
      expect(backupFiles(db(n)), n).toEqual([]);
      expect(sha256File(db(n)), n).toBe(before[n]);
      expect(sqlite3(db(n), "SELECT count(*) FROM schema_events WHERE action = 'backup'"), n).toBe('0');
    }
  });
});
