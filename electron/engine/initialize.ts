import type { InitializeResult } from '../../shared/types';
import { bringToVersion } from './apply-migrations';
import { log, type EngineContext } from './context';
import { assertRunnable, planOn } from './migration-plan';
import { withDatabase } from './open-database';
import { expectedSchemaAt } from './expected-schema';

export interface InitializeOptions {
  /** Version to create or bring the database to; the latest known by default. */
  to?: string;
}

/**
 * Makes sure the database exists at the target version: creates a fresh one, migrates an older
 * one, does nothing to one that is up to date. Safe to call from many processes at once.
 */
export function initialize(ctx: EngineContext, options: InitializeOptions = {}): InitializeResult {
  return upgrade(ctx, options, true);
}

/** The work of initialize and migrate; only initialize may create the file. */
export function upgrade(ctx: EngineContext, options: InitializeOptions, create: boolean): InitializeResult {
  const target = options.to ?? ctx.schema.latest;
  // Replaying the migrations in memory first refuses a broken schema folder before the file is touched.
  expectedSchemaAt(ctx.schema, target);
  return withDatabase(ctx.dbPath, { mode: 'write', create, busyTimeoutMs: ctx.busyTimeoutMs }, (db) => {
    const migrationPlan = planOn(db, ctx, target);
    assertRunnable(migrationPlan);
    const outcome = bringToVersion(ctx, db, target);
    const to = outcome.applied.length ? outcome.applied[outcome.applied.length - 1].version : (migrationPlan.from ?? target);
    log(ctx, 'info', outcome.applied.length ? `${ctx.dbPath} is now at ${to}` : `${ctx.dbPath} is already at ${to}; nothing to do`);
    return { path: ctx.dbPath, from: outcome.from, to, applied: outcome.applied, upToDate: outcome.applied.length === 0 };
  });
}
