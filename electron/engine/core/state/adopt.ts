import type { LegacyVersion } from '../../../../shared/types/schema';
import { ensureBookkeeping, recordEvent, recordVersion } from '../history/bookkeeping';
import { stampVersion } from '../sqlite/header-marks';
import type { EngineContext } from '../../context';
import { isAdoptable, type DatabaseState, type ServiceDatabase } from './database-state';
import type { Connection } from '../sqlite/open-database';
import { migrationFor } from '../schema/schema-folder';
import { recordServiceVersion } from '../history/service-history';
import { driftOf } from '../drift/drift';

// Adoption: an unversioned database whose schema is exactly version V gets V as its first
// recorded version. `baseline` does it for any V a person names; init, migrate and rehearse do it
// by themselves for a database the service made (its own history names V, and the schema is
// exactly V), before the migrations that follow.

/** The service's record of an unversioned, non-empty database (null: none, or the tool already versions it). */
export function serviceDatabaseOf(db: Connection, ctx: EngineContext, state: DatabaseState): ServiceDatabase | null {
  if (state.applied.length || state.fresh || !state.legacy) return null;
  const differences = state.legacy.version ? driftOf(db, ctx, state.legacy.version) : [];
  return { legacy: state.legacy, differences, adoptAs: isAdoptable(state, differences) ? state.legacy.version : null };
}

/**
 * A versioned database whose app tool applied later versions itself (its table records one past the
 * tool's current version): adopted at that version when the schema is exactly it, so the versions it
 * covers are recorded and never run again; null when the app's table is not ahead.
 */
export function appAheadOf(db: Connection, ctx: EngineContext, state: DatabaseState): ServiceDatabase | null {
  const ahead = state.appAhead;
  if (!ahead?.version) return null;
  const differences = driftOf(db, ctx, ahead.version);
  return { legacy: ahead, differences, adoptAs: differences.length === 0 && !state.unfinished ? ahead.version : null };
}

/**
 * Records `version` as the database's first (kind 'baseline'), its 'baseline' event, the version in
 * the app's own version table, and stamps application_id and user_version where the footprint lets it. The caller holds the write
 * transaction and has checked the schema is exactly `version`.
 */
export function recordAdoption(db: Connection, ctx: EngineContext, version: string, legacy: LegacyVersion | null, automatic: boolean): void {
  const migration = migrationFor(ctx.schema, version);
  ensureBookkeeping(db, ctx.schema);
  recordVersion(db, ctx.schema, { version, description: migration.description, checksum: migration.checksum, executionMs: null, kind: 'baseline' });
  recordServiceVersion(db, ctx.schema, { migration, executionMs: null });
  recordEvent(db, ctx.schema, {
    action: 'baseline',
    version,
    outcome: 'ok',
    detail: { adoptedFrom: legacy, legacyVersion: legacy?.legacyVersion ?? null, automatic },
  });
  // Never a database the tool creates: an app's own user_version and application_id are kept unless the footprint gives them to the tool.
  stampVersion(db, ctx.schema, version, { creating: false, previous: null });
}
