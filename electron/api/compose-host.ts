import type { Job } from '../../shared/types/jobs';
import { DatabaseRegistry } from './database-registry';
import type { EngineRunner } from './engine-runner';
import type { HostCapabilities, HostContext, HostIdentity } from './host-context';
import { IntegrityMemory } from './integrity-memory';
import { Jobs } from './jobs';
import { Operations } from './operations';
import { QueryHistory } from './query-history';
import type { SchemaCatalog } from './schema-catalog';

// The one composition root of a host's context, for the desktop app (electron/main/index.ts) and
// `warden serve` (electron/server/http-host.ts): what is the same in both is built here, and what
// differs (where the schemas are, how events leave, whom it acts for, what it can do) is passed in.

export interface HostParts {
  schemas: SchemaCatalog;
  engine: EngineRunner;
  identity: HostIdentity;
  /** Progress, log, job and status events to the console (IPC to the window, server-sent events over HTTP). */
  emit: HostContext['emit'];
  capabilities: HostCapabilities;
  /** The host's databases, when it registers some before its context exists (warden serve's --db); a new, empty list otherwise. */
  registry?: DatabaseRegistry;
  /** Told of each change of a job after the console is (warden serve: its job journal, and a fresh health check when one ends). */
  onJob?: (job: Job) => void;
}

export function composeHost(parts: HostParts): HostContext {
  const { emit, onJob } = parts;
  return {
    registry: parts.registry ?? new DatabaseRegistry(),
    schemas: parts.schemas,
    operations: new Operations(),
    jobs: new Jobs((job) => {
      emit({ type: 'job', job });
      onJob?.(job);
    }),
    integrity: new IntegrityMemory(),
    queryHistory: new QueryHistory(),
    identity: parts.identity,
    engine: parts.engine,
    emit,
    capabilities: parts.capabilities,
  };
}
