import type { CheckedIntegrity } from '../../shared/types/integrity';
import type { LogEvent, Progress } from '../../shared/types/jobs';
import { nowIso } from './core/history/actor';
import { WardenError } from './errors';
import type { SchemaDefinition } from './core/schema/schema-folder';

/** What every engine function is called with: which database, which schema, and how to report. */
export interface EngineContext {
  dbPath: string;
  schema: SchemaDefinition;
  /** Where this database's backups live; `<dbPath>.backups` beside it by default. */
  backupDir?: string;
  busyTimeoutMs?: number;
  onProgress?: (progress: Progress) => void;
  onLog?: (event: LogEvent) => void;
  signal?: AbortSignal;
  /** A recent quick_check of this file that the caller kept: status reuses it while the file is unchanged, rather than reading every page again. */
  knownIntegrity?: CheckedIntegrity;
  /** A database whose newest verified backup is older than this needs attention (not backed up); by default the schema's backupMaxAge, else 7 days. */
  backupMaxAgeMs?: number;
}

export function log(ctx: EngineContext, level: LogEvent['level'], message: string): void {
  ctx.onLog?.({ level, message, at: nowIso() });
}

export function throwIfCancelled(ctx: EngineContext, what: string): void {
  if (ctx.signal?.aborted) {
    throw new WardenError('CANCELLED', `${what} was cancelled; nothing was changed by the unfinished step.`, 'Run it again when you are ready.');
  }
}
