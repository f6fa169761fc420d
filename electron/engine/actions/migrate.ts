import type { MigrateResult } from '../../../shared/types/migrations';
import type { EngineContext } from '../context';
import { upgrade, type InitializeOptions } from './initialize';

/**
 * Applies the pending migrations of an existing database, one transaction per version, after
 * taking a verified pre-migrate backup (unless `backup: false`). A failure names that backup.
 */
export function migrate(ctx: EngineContext, options: InitializeOptions = {}): Promise<MigrateResult> {
  return upgrade(ctx, options);
}
