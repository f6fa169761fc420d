import type { MethodName, ValidInput } from '../../shared/contract';
import type { ErrorInfo } from '../../shared/errors';
import type { CheckedIntegrity } from '../../shared/types/integrity';
import type { LogEvent, Progress } from '../../shared/types/jobs';

// What a host asks of the engine, as plain data: the jobs, their reporting and the runner's face.
// Types only, read by the handler table, the host context and the runners alike, so that none of
// them imports another for its types (engine-job.ts runs a job; engine-workers.ts and
// engine-lanes.ts run them in worker threads).

/** A contract method that acts on one database (its input names it), which the engine can run. */
export type DatabaseMethod = { [M in MethodName]: ValidInput<M> extends { db: string } ? M : never }[MethodName];

/**
 * health: the health worker's check; scheduledBackup: a backup the host's timer takes (reason 'scheduled');
 * initCommand, migrateCommand: the CLI's init and migrate with every option the command line has
 * (the contract's initialize and migrate take fewer). None is a contract method.
 */
export type EngineJobName = DatabaseMethod | 'health' | 'scheduledBackup' | 'initCommand' | 'migrateCommand';

export interface EngineJob {
  name: EngineJobName;
  /** The method's own options (for 'health': the database's name in the document). */
  options: Record<string, unknown>;
  dbPath: string;
  schemaDir: string;
  busyTimeoutMs?: number;
  /** The database's backup folder, when it is not the default beside it (the CLI's --backup-dir). */
  backupDir?: string;
  /** Whom the host runs it for ("alice via warden serve"): the history rows it writes name them. */
  operator?: string;
  /** The latest quick_check the host kept for this file (status and health reuse it while the file is unchanged). */
  knownIntegrity?: CheckedIntegrity;
}

export interface JobReporting {
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
  onLog?: (log: LogEvent) => void;
}

/** Runs engine jobs somewhere that keeps the host responsive (see engine-workers.ts). */
export interface EngineRunner {
  run(job: EngineJob, reporting?: JobReporting): Promise<unknown>;
  close(): Promise<void>;
}

export type WorkerRequest = EngineJob & { cancelFlag: SharedArrayBuffer };
export type WorkerReply =
  | { kind: 'progress'; progress: Progress }
  | { kind: 'log'; log: LogEvent }
  | { kind: 'done'; result: unknown }
  | { kind: 'failed'; error: ErrorInfo };
