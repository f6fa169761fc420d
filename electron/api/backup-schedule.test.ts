import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BackupScheduleInfo } from '../../shared/types/backups';
import type { HostEvent } from '../../shared/types/jobs';
import { initialize } from '../engine/actions/initialize';
import { listBackups } from '../engine/core/backups/list-backups';
import { contextFor, SHIPPED_SCHEMA_DIR } from '../engine/test-support/fixtures';
import { suiteDir } from '../server/test-support/suite-dir';
import { BackupSchedule } from './backup-schedule';
import { DatabaseRegistry } from './database-registry';
import { dispatch } from './dispatch';
import { EngineWorkers } from './engine-workers';
import type { HostContext } from './host-context';
import { IntegrityMemory } from './integrity-memory';
import { QueryHistory } from './query-history';
import { Jobs } from './jobs';
import { Operations } from './operations';
import { SchemaCatalog } from './schema-catalog';

// The desktop app's schedule: set from the Backups view (setBackupSchedule), it backs up every
// open database, and waits while a write on a database is running.

const engine = new EngineWorkers({ entry: new URL('./engine-worker-tsx.mjs', import.meta.url), size: 1 });
const folder = suiteDir();
afterAll(async () => {
  await engine.close();
  folder.remove();
});

function desktopHost(): { host: HostContext; schedule: BackupSchedule; kept: (number | null)[] } {
  const events: HostEvent[] = [];
  const host: HostContext = {
    registry: new DatabaseRegistry(),
    schemas: new SchemaCatalog(dirname(SHIPPED_SCHEMA_DIR), 'conversation_files'),
    operations: new Operations(),
    integrity: new IntegrityMemory(),
    queryHistory: new QueryHistory(),
    jobs: new Jobs((job) => events.push({ type: 'job', job })),
    identity: { via: 'the desktop app', operator: null, asksForOperator: false },
    engine,
    emit: (event) => events.push(event),
    capabilities: { placeNewDatabase: async (name) => join(folder.path, name) },
  };
  const kept: (number | null)[] = [];
  const schedule = new BackupSchedule(host, null);
  host.capabilities.backupSchedule = schedule;
  host.capabilities.setBackupEvery = (ms) => {
    kept.push(ms);
    schedule.setEvery(ms);
  };
  return { host, schedule, kept };
}

describe('the backup schedule in the desktop app', () => {
  it('is off until set, then backs up each open database; a running write makes it wait', async () => {
    const { host, schedule, kept } = desktopHost();
    const paths = ['a.db', 'b.db'].map((n) => join(folder.path, n));
    for (const p of paths) await initialize(contextFor(p));
    const [a, b] = paths.map((p) => host.registry.add(p, 'conversation_files'));
    const info = async (db: string) => (await dispatch(host, 'backupSchedule', { db })) as { ok: true; result: BackupScheduleInfo };
    expect((await info(a.id)).result).toEqual({ everyMs: null, last: null, nextAt: null, settable: true });

    // A write running on b: the schedule backs up a and looks at b again later.
    const write = host.jobs.start({ id: 'job-running-migrate', kind: 'migrate', db: b.id, options: {}, startedBy: 'test' });
    expect(await dispatch(host, 'setBackupSchedule', { every: '1d' })).toMatchObject({ ok: true, result: { everyMs: 86_400_000 } });
    expect(kept).toEqual([86_400_000]);
    await schedule.runDue();
    expect(listBackups(contextFor(paths[0])).map((x) => x.reason)).toEqual(['scheduled']);
    expect(listBackups(contextFor(paths[1]))).toEqual([]);
    const ofA = (await info(a.id)).result;
    expect(ofA.last).toMatchObject({ ok: true, name: listBackups(contextFor(paths[0]))[0].name });
    expect(Date.parse(ofA.nextAt!) - Date.parse(ofA.last!.at)).toBeGreaterThan(86_000_000);
    const ofB = (await info(b.id)).result;
    expect(ofB.last).toBeNull();
    expect(Date.parse(ofB.nextAt!) - Date.now()).toBeLessThanOrEqual(60_000);

    write.done(null);
    await schedule.runDue();
    expect(listBackups(contextFor(paths[1])).map((x) => x.reason)).toEqual(['scheduled']);
    // a was backed up a moment ago: not due again for a day.
    expect(listBackups(contextFor(paths[0]))).toHaveLength(1);

    expect(await dispatch(host, 'setBackupSchedule', { every: null })).toMatchObject({ ok: true, result: { everyMs: null } });
    expect((await info(a.id)).result).toMatchObject({ everyMs: null, nextAt: null });
    await schedule.stop();
  });
});
