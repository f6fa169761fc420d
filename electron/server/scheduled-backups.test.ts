import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupInfo, BackupScheduleInfo } from '../../shared/types/backups';
import { backup } from '../engine/actions/backup';
import { manifestPathOf } from '../engine/core/backups/backup-manifest';
import { initialize } from '../engine/actions/initialize';
import { listBackups } from '../engine/core/backups/list-backups';
import { DEFAULT_KEEP_PER_REASON } from '../engine/core/backups/retention';
import { verifyBackup } from '../engine/actions/verify-backup';
import { contextFor, SHIPPED_SCHEMA_DIR, sqlite3 } from '../engine/test-support/fixtures';
import { startHttpHost, type HttpHost } from './http-host';
import { callApi } from './test-support/http-client';
import { suiteDir } from './test-support/suite-dir';

// warden serve --backup-every 1s: the host's timer takes verified backups of each served
// database once its newest verified one is older than the interval, as host jobs, under the
// retention rules; the Backups view reads the last and the next from backupSchedule.

async function until<T>(read: () => Promise<T> | T, done: (value: T) => boolean, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > end) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('warden serve --backup-every', () => {
  const folder = suiteDir();
  const dbPath = join(folder.path, 'store.db');
  let server: HttpHost;
  const seeded: BackupInfo[] = [];

  beforeAll(async () => {
    await initialize(contextFor(dbPath));
    // A full retention count of scheduled backups already, taken "an hour ago": the next one is due at once and pushes the oldest out.
    for (let i = 0; i < DEFAULT_KEEP_PER_REASON; i++) seeded.push(await backup(contextFor(dbPath), { reason: 'scheduled' }));
    for (const b of seeded) {
      const manifest = JSON.parse(readFileSync(manifestPathOf(b.path), 'utf8'));
      writeFileSync(manifestPathOf(b.path), JSON.stringify({ ...manifest, createdAt: new Date(Date.now() - 3_600_000).toISOString() }));
    }
    server = await startHttpHost({
      databases: [dbPath],
      schemaDir: SHIPPED_SCHEMA_DIR,
      port: 0,
      rendererDir: join(folder.path, 'none'),
      healthIntervalMs: 10 * 60_000,
      workers: 1,
      backupEveryMs: 1000,
    });
  });
  let stopped = false;
  afterAll(async () => {
    if (!stopped) await server.close();
    folder.remove();
  });

  it('is set on the command line in the web host: the console cannot change it', async () => {
    const reply = (await callApi(server.origin, server.token, 'setBackupSchedule', { every: '1d' })).json;
    expect(reply.error.code).toBe('NOT_SUPPORTED');
  });
  it('takes verified backups every interval, as host jobs, keeping the newest per reason', async () => {
    const scheduled = () => listBackups(contextFor(dbPath)).filter((b) => b.reason === 'scheduled');
    const isFresh = (b: BackupInfo) => !seeded.some((s) => s.name === b.name);
    expect(
      await until(
        () => scheduled().filter(isFresh).length,
        (n) => n >= 2,
      ),
    ).toBeGreaterThanOrEqual(2);

    const info = (await callApi(server.origin, server.token, 'backupSchedule', { db: 'store' })).json.result as BackupScheduleInfo;
    expect(info).toMatchObject({ everyMs: 1000, settable: false, last: { ok: true, error: null } });
    expect(Date.parse(info.nextAt!) - Date.parse(info.last!.at)).toBeGreaterThanOrEqual(900);
    expect(Date.parse(info.nextAt!) - Date.now()).toBeLessThanOrEqual(1500);
    const jobs = (await callApi(server.origin, server.token, 'jobs', {})).json.result as { kind: string; db: string; startedBy: string; state: string }[];
    expect(jobs.find((j) => j.kind === 'backup' && j.state === 'done')).toMatchObject({
      db: 'store',
      startedBy: expect.stringMatching(/^backup schedule via warden serve/),
    });
    // The status sees it backed up.
    expect((await callApi(server.origin, server.token, 'status', { db: 'store' })).json.result.status).toBe('healthy');

    // Stopped (it waits for a backup under way, retention included), the folder holds what the schedule left.
    await server.close();
    stopped = true;
    const kept = scheduled();
    const fresh = kept.filter(isFresh);
    expect(fresh.map((b) => b.name)).toContain(info.last!.name);
    // Retention: never more than the count per reason; the oldest seeded ones went first.
    expect(kept).toHaveLength(DEFAULT_KEEP_PER_REASON);
    expect(kept.some((b) => b.name === seeded[0].name)).toBe(false);
    expect(kept.some((b) => b.name === seeded[1].name)).toBe(false);
    for (const b of fresh) {
      expect(b.verified).toMatchObject({ ok: true, level: 'quick' });
      expect((await verifyBackup(contextFor(dbPath), { backup: b.name })).ok).toBe(true);
      expect(sqlite3(b.path, 'PRAGMA integrity_check')).toBe('ok');
    }
    // Fresh backups at least an interval apart: the interval, not a burst.
    for (let i = 1; i < fresh.length; i++) expect(Date.parse(fresh[i - 1].createdAt) - Date.parse(fresh[i].createdAt)).toBeGreaterThanOrEqual(900);
    expect(sqlite3(dbPath, "SELECT count(*) > 1 FROM schema_events WHERE action = 'backup' AND actor LIKE 'backup schedule via warden serve%'")).toBe('1');
  });
});
