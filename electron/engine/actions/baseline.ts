import type { BaselineResult } from '../../../shared/types/migrations';
import type { Problem } from '../../../shared/types/schema';
import { recordAdoption } from '../core/state/adopt';
import { listDifferences } from '../core/drift/compare-schemas';
import type { EngineContext } from '../context';
import { assertSameApplication, blockerError, readDatabaseState, unfinishedBlocker, type DatabaseState } from '../core/state/database-state';
import { WardenError } from '../errors';
import { withDatabase, type Connection } from '../core/sqlite/open-database';
import { migrationFor } from '../core/schema/schema-folder';
import { driftOf } from '../core/drift/drift';
import { versionOrder } from '../core/schema/version-order';

// Adoption of a database created by another tool (by hand, or by the chat service that
// recorded '001' in schema_migrations): when its schema is exactly version V, object by object,
// Schema Warden starts its history there. Formatting never counts; any real difference refuses.

export interface BaselineOptions {
  version: string;
}

function assertAdoptable(state: DatabaseState, ctx: EngineContext): void {
  assertSameApplication(state, ctx.schema, ctx.dbPath);
  // The app's tool stopped a migration half-way: the schema matches no version until that is resolved.
  if (state.unfinished) throw blockerError(unfinishedBlocker(state.unfinished));
  if (state.applied.length) {
    throw new WardenError(
      'ALREADY_VERSIONED',
      `${ctx.dbPath} is already versioned (at ${state.current}); baseline only adopts a database without history.`,
      'Its status says where it is; migrate takes it further.',
      undefined,
      [{ action: 'status' }, { action: 'migrate' }],
    );
  }
  if (state.fresh) {
    throw new WardenError('NOT_INITIALIZED', `${ctx.dbPath} has no tables: there is nothing to adopt.`, 'Create the schema by initializing it.', undefined, [
      { action: 'initialize' },
    ]);
  }
}

/** The newest known version the live schema matches exactly, if any: the hint a refused baseline gives. */
function matchingVersion(db: Connection, ctx: EngineContext): string | null {
  const order = versionOrder(ctx.schema);
  const versions = ctx.schema.migrations.map((m) => m.version).sort((a, b) => order.compare(b, a));
  return versions.find((version) => driftOf(db, ctx, version).length === 0) ?? null;
}

function mismatchError(db: Connection, ctx: EngineContext, version: string, differences: Problem[]): WardenError {
  const match = matchingVersion(db, ctx);
  return new WardenError(
    'SCHEMA_DRIFT',
    `${ctx.dbPath} does not match version ${version}, so it was not adopted (${differences.length} difference${differences.length === 1 ? '' : 's'}):${listDifferences(differences)}`,
    match
      ? `Its schema matches version ${match} exactly: adopt it at ${match}.`
      : `Bring the schema in line with ${version} (or name the version it was built from), then run baseline again.`,
    { problems: differences },
    match ? [{ action: 'baseline', version: match }] : undefined,
  );
}

/**
 * Adopts an unversioned database whose live schema matches `version` exactly: records that
 * version (kind 'baseline') and a 'baseline' event, and stamps application_id and user_version.
 * The service's own versions table (schema_migrations) gains the version if it lacks it.
 */
export function baseline(ctx: EngineContext, options: BaselineOptions): BaselineResult {
  const migration = migrationFor(ctx.schema, options.version);
  return withDatabase(ctx.dbPath, { mode: 'write', busyTimeoutMs: ctx.busyTimeoutMs }, (db) =>
    // Compared and recorded under one write lock: no other process can adopt or change it in between.
    db
      .transaction(() => {
        const state = readDatabaseState(db, ctx.schema);
        assertAdoptable(state, ctx);
        const differences = driftOf(db, ctx, migration.version);
        if (differences.length) throw mismatchError(db, ctx, migration.version, differences);
        recordAdoption(db, ctx, migration.version, state.legacy, false);
        return { path: ctx.dbPath, version: migration.version, adoptedFrom: state.legacy };
      })
      .immediate(),
  );
}
