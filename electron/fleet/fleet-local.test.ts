import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initialize } from '../engine/actions/initialize';
import { backup } from '../engine/actions/backup';
import { contextFor, seedFiles, SHIPPED_SCHEMA_DIR, sqlite3, tempDir } from '../engine/test-support/fixtures';
import { parseFleet } from './fleet-file';
import { fleetStatus } from './fleet-status';
import { rollingMigrate } from './rolling-migrate';

// A fleet of local files: the engine called directly, with each deployment's own rules (the
// verified pre-migrate backup, one transaction per step). sqlite3 is the referee.

describe('a fleet of local files', () => {
  it('rolls out 1.2.0 two at a time after the canary, each with its verified backup, and reports status worst first', async () => {
    const dir = tempDir();
    const names = ['a', 'b', 'c', 'd'];
    for (const n of names) {
      await initialize(contextFor(join(dir, `${n}.db`)), { to: n === 'd' ? '1.2.0' : '1.0.0' });
      seedFiles(join(dir, `${n}.db`), 5);
    }
    await backup(contextFor(join(dir, 'd.db'))); // d stays at 1.2.0: backed up, it is healthy (never backed up is degraded)
    const fleet = parseFleet(
      { deployments: names.map((n) => ({ name: n, group: n === 'a' ? 'staging' : 'production', file: `${n}.db` })) },
      join(dir, 'fleet.json'),
    );
    const options = { defaultSchemaDir: SHIPPED_SCHEMA_DIR };

    const before = await fleetStatus(fleet, fleet.deployments, options, { waitMs: 30_000 });
    expect(before.deployments.map((d) => [d.name, d.status])).toEqual([
      ['b', 'degraded'],
      ['c', 'degraded'],
      ['a', 'degraded'],
      ['d', 'healthy'],
    ]);
    expect(before.worst).toBe('degraded');

    const lines: string[] = [];
    const report = await rollingMigrate(fleet, fleet.deployments, { to: '1.2.0', canary: 'c', parallel: 2, onProgress: (l) => lines.push(l) }, options);
    expect(report.outcome).toBe('completed');
    expect(report.deployments.map((d) => [d.name, d.from, d.version, d.outcome, d.canary])).toEqual([
      ['a', '1.0.0', '1.2.0', 'migrated', false],
      ['b', '1.0.0', '1.2.0', 'migrated', false],
      ['c', '1.0.0', '1.2.0', 'migrated', true],
      ['d', '1.2.0', '1.2.0', 'already at target', false],
    ]);
    expect(lines.findIndex((l) => l.startsWith('canary c: verified'))).toBeLessThan(lines.findIndex((l) => /^[ab]: migrating/.test(l)));
    for (const n of ['a', 'b', 'c']) {
      const db = join(dir, `${n}.db`);
      expect(sqlite3(db, 'SELECT group_concat(version) FROM schema_version')).toBe('1.0.0,1.1.0,1.2.0');
      expect(sqlite3(db, 'PRAGMA integrity_check')).toBe('ok');
      expect(readdirSync(`${db}.backups`).filter((f) => f.endsWith('-pre-migrate.sqlite'))).toHaveLength(1);
    }
    expect(readdirSync(join(dir, 'd.db.backups')).filter((f) => f.endsWith('-pre-migrate.sqlite'))).toEqual([]); // already at the target: not migrated

    const after = await fleetStatus(fleet, fleet.deployments, options, { waitMs: 30_000 });
    expect(after.worst).toBe('healthy');
    expect(after.deployments.find((d) => d.name === 'a')!.lastVerifiedBackup!.name).toMatch(/^a-.*-pre-migrate\.sqlite$/);
  });

  it('stopped (Ctrl-C) after the canary, starts no other deployment', async () => {
    const dir = tempDir();
    for (const n of ['a', 'b', 'c']) await initialize(contextFor(join(dir, `${n}.db`)), { to: '1.0.0' });
    const fleet = parseFleet({ deployments: ['a', 'b', 'c'].map((n) => ({ name: n, file: `${n}.db` })) }, join(dir, 'fleet.json'));
    const stop = new AbortController();
    const onProgress = (line: string) => line.startsWith('canary a: verified') && stop.abort();
    const report = await rollingMigrate(
      fleet,
      fleet.deployments,
      { to: '1.1.0', parallel: 1, onProgress, signal: stop.signal },
      { defaultSchemaDir: SHIPPED_SCHEMA_DIR },
    );
    expect(report.outcome).toBe('halted');
    expect(report.haltedBecause).toMatch(/stopped \(Ctrl-C\)/);
    expect(report.deployments.map((d) => [d.name, d.version, d.outcome])).toEqual([
      ['a', '1.1.0', 'migrated'],
      ['b', '1.0.0', 'not started'],
      ['c', '1.0.0', 'not started'],
    ]);
    expect(sqlite3(join(dir, 'b.db'), 'SELECT max(version) FROM schema_version')).toBe('1.0.0');
  });
});
