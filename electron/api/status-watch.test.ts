import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { HostEvent } from '../../shared/types/jobs';
import { initialize } from '../engine/actions/initialize';
import { backup } from '../engine/actions/backup';
import { contextFor, SHIPPED_SCHEMA_DIR } from '../engine/test-support/fixtures';
import { suiteDir } from '../server/test-support/suite-dir';
import { DatabaseRegistry } from './database-registry';
import { EngineWorkers } from './engine-workers';
import type { HostContext } from './host-context';
import { IntegrityMemory } from './integrity-memory';
import { QueryHistory } from './query-history';
import { Jobs } from './jobs';
import { Operations } from './operations';
import { SchemaCatalog } from './schema-catalog';
import { watchStatuses } from './status-watch';

// The desktop host's live status with real engine workers and a real file (Electron itself cannot run here).

const engine = new EngineWorkers({ entry: new URL('./engine-worker-tsx.mjs', import.meta.url), size: 1 });
const folder = suiteDir();
afterAll(async () => {
  await engine.close();
  folder.remove();
});

describe('watchStatuses', () => {
  it('re-reads each open database every interval and sends its status; a table dropped behind its back arrives as unhealthy', async () => {
    const path = join(folder.path, 'watched.db');
    await initialize(contextFor(path));
    await backup(contextFor(path)); // backed up: healthy, not 'not backed up'
    const events: HostEvent[] = [];
    const registry = new DatabaseRegistry();
    const { id } = registry.add(path, 'conversation_files');
    const host: HostContext = {
      registry,
      schemas: new SchemaCatalog(dirname(SHIPPED_SCHEMA_DIR), 'conversation_files'),
      operations: new Operations(),
      engine,
      integrity: new IntegrityMemory(),
      queryHistory: new QueryHistory(),
      jobs: new Jobs(() => {}),
      identity: { via: 'a test', operator: null, asksForOperator: false },
      emit: (event) => events.push(event),
      capabilities: { placeNewDatabase: async () => null },
    };
    const stop = watchStatuses(host, 300);
    try {
      const statusOf = () => events.flatMap((e) => (e.type === 'status' && e.db === id && e.status ? [e.status.status] : []));
      await expect.poll(statusOf, { timeout: 10_000 }).toContain('healthy');
      // The referee waits for the watcher's read to finish, as any client with a busy timeout would.
      execFileSync('sqlite3', ['-cmd', '.timeout 5000', path, 'DROP TABLE file_cleanup_queue;']);
      await expect.poll(statusOf, { timeout: 10_000 }).toContain('unhealthy');
    } finally {
      stop();
    }
  });
});
