import type { InitializeResult } from '../../shared/types';
import type { EngineContext } from './context';
import { upgrade, type InitializeOptions } from './initialize';

/** Applies the pending migrations of an existing database, one transaction per version. */
export function migrate(ctx: EngineContext, options: InitializeOptions = {}): InitializeResult {
  return upgrade(ctx, options, false);
}
