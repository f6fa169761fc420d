import type { AppliedVersion } from '../../../../shared/types/history';
import type { PlanBlocker } from '../../../../shared/types/migrations';
import type { ChecksumMismatch, LegacyVersion, Problem } from '../../../../shared/types/schema';
import { currentVersionOf, readAppliedVersions, readEvents, tableExists } from '../history/bookkeeping';
import { readAppVersion, readUnfinished } from '../history/service-history';
import type { UnfinishedMigration } from '../migrations/tool-formats/tool-format';
import { WardenError } from '../../errors';
import { userTableNames } from '../schema/introspect';
import type { Connection } from '../sqlite/open-database';
import type { Migration, SchemaDefinition } from '../schema/schema-folder';
import { listDifferences } from '../drift/compare-schemas';
import { versionOrder } from '../schema/version-order';

// What a database is, as far as versioning goes: read once, then every action decides from it.

export interface DatabaseState {
  applicationId: number;
  applied: AppliedVersion[];
  current: string | null;
  /** No rows in the versions table and no tables of its own: a fresh database. */
  fresh: boolean;
  legacy: LegacyVersion | null;
  checksumMismatches: ChecksumMismatch[];
  newerThanKnown: boolean;
  /** Migrations below the current version that were never applied: added out of order. */
  outOfOrder: Migration[];
  /**
   * Versioned, but the app's own table records a later version of the schema: the app's tool applied
   * it (and those before it) itself since. They are recorded, never run again (see adopt.ts appAheadOf).
   */
  appAhead: LegacyVersion | null;
  /** A migration the app's own tool left unfinished in its table (dirty, failed): nothing is written until it is resolved. */
  unfinished: (UnfinishedMigration & { table: string }) | null;
}

/** The service's newest recorded version, as its own health code reads it (the last row written). */
function readLegacy(db: Connection, schema: SchemaDefinition): LegacyVersion | null {
  const app = schema.appVersionTable;
  if (!app || !tableExists(db, app.table)) return null;
  const legacyVersion = readAppVersion(db, app);
  if (legacyVersion === null) return null;
  // A name the app's table shares with one of the schema's versions (dbmate's timestamps) is that version.
  const same = schema.migrations.some((m) => m.version === legacyVersion) ? legacyVersion : null;
  return { table: app.table, legacyVersion, version: app.versions[legacyVersion] ?? same };
}

/** The checksum each applied version is held to: the last one accepted for it, else the one recorded. */
function acceptedChecksums(db: Connection, schema: SchemaDefinition): Map<string, string> {
  const accepted = new Map<string, string>();
  for (const event of readEvents(db, schema).reverse()) {
    // An acceptance carried across a restore was a decision about the database it replaced.
    if (event.detail.carriedFrom !== undefined) continue;
    if (event.action === 'accept-checksum' && event.outcome === 'ok' && event.version && typeof event.detail.checksum === 'string') {
      accepted.set(event.version, event.detail.checksum);
    }
  }
  return accepted;
}

function findChecksumMismatches(db: Connection, schema: SchemaDefinition, applied: AppliedVersion[]): ChecksumMismatch[] {
  const accepted = acceptedChecksums(db, schema);
  const mismatches: ChecksumMismatch[] = [];
  for (const row of applied) {
    const migration = schema.migrations.find((m) => m.version === row.version);
    const recorded = accepted.get(row.version) ?? row.checksum;
    if (migration && recorded && recorded !== migration.checksum) {
      mismatches.push({ version: row.version, file: migration.file, recorded, current: migration.checksum });
    }
  }
  return mismatches;
}

/**
 * Migrations below the current version that no row accounts for. A baseline row (or one written
 * by another tool, without a kind) stands for every version up to it; init and migrate rows
 * stand only for themselves.
 */
function findOutOfOrder(schema: SchemaDefinition, applied: AppliedVersion[], current: string | null): Migration[] {
  if (current === null) return [];
  const recorded = new Set(applied.map((row) => row.version));
  const covering = applied.filter((row) => row.kind !== 'init' && row.kind !== 'migrate').map((row) => row.version);
  const order = versionOrder(schema);
  const floor = covering.length ? covering.sort(order.compare)[covering.length - 1] : null;
  return schema.migrations.filter((m) => order.lt(m.version, current) && !recorded.has(m.version) && (floor === null || order.gt(m.version, floor)));
}

/** The app's table's version where it is a known version past `current` (null: not versioned, or not ahead). */
function readAppAhead(db: Connection, schema: SchemaDefinition, current: string | null): LegacyVersion | null {
  if (current === null) return null;
  const recorded = readLegacy(db, schema);
  return recorded?.version && versionOrder(schema).gt(recorded.version, current) ? recorded : null;
}

export function readDatabaseState(db: Connection, schema: SchemaDefinition): DatabaseState {
  const applied = readAppliedVersions(db, schema);
  const current = currentVersionOf(applied);
  return {
    applicationId: db.pragma('application_id', { simple: true }) as number,
    applied,
    current,
    fresh: applied.length === 0 && userTableNames(db, schema).length === 0,
    legacy: applied.length === 0 ? readLegacy(db, schema) : null,
    checksumMismatches: findChecksumMismatches(db, schema, applied),
    newerThanKnown: current !== null && versionOrder(schema).gt(current, schema.latest),
    outOfOrder: findOutOfOrder(schema, applied, current),
    appAhead: readAppAhead(db, schema, current),
    unfinished: readUnfinished(db, schema),
  };
}

/** "schema_migrations records 001, which is 1.0.0"; a name that is the version itself (dbmate's timestamps) is said once. */
export function appRecords(legacy: LegacyVersion): string {
  const which = legacy.version !== null && legacy.version !== legacy.legacyVersion ? `, which is ${legacy.version}` : '';
  return `${legacy.table} records ${legacy.legacyVersion}${which}`;
}

/** Refuses a database that belongs to another application (its application_id is another schema's). */
export function assertSameApplication(state: DatabaseState, schema: SchemaDefinition, path: string): void {
  assertApplicationId(state.applicationId, schema, path);
}

/**
 * The same check from the header's application_id alone, for a file whose tables may not be readable.
 * A schema with no application_id of its own (0: a tool's folder read as it is) takes the app's, whatever it is.
 */
export function assertApplicationId(applicationId: number, schema: SchemaDefinition, path: string): void {
  if (applicationId !== 0 && schema.applicationId !== 0 && applicationId !== schema.applicationId) {
    throw new WardenError(
      'FOREIGN_APPLICATION',
      `${path} belongs to another application (application_id ${applicationId}, while ${schema.name} uses ${schema.applicationId}).`,
      'Check the path of the database and the schema folder: this file is not a database of this schema, and Schema Warden will not change it.',
    );
  }
}

/** An unversioned database this action will not adopt by itself: why, and what to do. */
function notVersioned(state: DatabaseState, schema: SchemaDefinition, service: ServiceDatabase | null, path: string): PlanBlocker {
  const legacy = state.legacy;
  const unknown = `no ${schema.footprint.versionsTable} history, so Schema Warden does not know its version`;
  if (legacy?.version && service?.differences.length) {
    const n = service.differences.length;
    return {
      code: 'NOT_VERSIONED',
      message: `${path} was made by the service (${appRecords(legacy)}), but its schema differs from ${legacy.version} in ${n} way${n === 1 ? '' : 's'}, so it is not adopted:${listDifferences(service.differences)}`,
      hint: `Nothing was changed. Bring the schema back to ${legacy.version} by hand (its status lists each difference), or adopt it at the version it really matches; then initialize it again.`,
      next: [{ action: 'status' }, { action: 'baseline' }],
    };
  }
  if (legacy?.version) {
    return {
      code: 'NOT_VERSIONED',
      message: `${path} has ${unknown} yet (the service's ${appRecords(legacy)}).`,
      hint: `Initializing it adopts it as ${legacy.version} (its schema is checked to be exactly that first) and migrates it.`,
      next: [{ action: 'initialize' }],
    };
  }
  const recorded = legacy ? ` ${legacy.table} records ${legacy.legacyVersion}, a version this tool does not know.` : '';
  return {
    code: 'NOT_VERSIONED',
    message: `${path} already has tables but ${unknown}.${recorded}`,
    hint: 'Adopt it at the version its schema matches (it is verified against that version first).',
    next: [{ action: 'baseline' }],
  };
}

/**
 * Why the tool cannot write to this database as it is, each with what to do instead (empty: it can).
 * `service` is what the service's own history says of an unversioned database: one that is exactly
 * the version it names is adopted by init and migrate themselves, so it blocks nothing.
 */
export function writeBlockers(state: DatabaseState, schema: SchemaDefinition, path: string, service: ServiceDatabase | null = null): PlanBlocker[] {
  const blockers: PlanBlocker[] = [];
  if (state.unfinished) blockers.push(unfinishedBlocker(state.unfinished));
  if (state.newerThanKnown) {
    blockers.push({
      code: 'NEWER_THAN_KNOWN',
      message: `${path} is at version ${state.current}, newer than the latest version this tool knows (${schema.latest}).`,
      hint: 'Use the Schema Warden (and schema folder) that shipped with the newer service; this one will not touch it.',
    });
  }
  if (state.checksumMismatches.length) {
    const names = state.checksumMismatches.map((m) => `${m.file} (recorded ${m.recorded.slice(0, 12)}…, now ${m.current.slice(0, 12)}…)`).join('; ');
    blockers.push({
      code: 'CHECKSUM_MISMATCH',
      message: `Applied migrations have been edited since they ran on ${path}: ${names}.`,
      hint: 'Restore the original files, or accept the edit on purpose, with a reason kept in the history.',
      next: [{ action: 'acceptChecksum', version: state.checksumMismatches[0].version }],
    });
  }
  if (!state.fresh && state.applied.length === 0 && !service?.adoptAs) blockers.push(notVersioned(state, schema, service, path));
  if (state.appAhead && !service?.adoptAs) blockers.push(appAheadBlocker(state, state.appAhead, service, path));
  return blockers;
}

/** The app's tool applied later versions itself, but the schema is not exactly the version it records: nothing is recorded or run. */
function appAheadBlocker(state: DatabaseState, ahead: LegacyVersion, service: ServiceDatabase | null, path: string): PlanBlocker {
  const differences = service?.differences ?? [];
  const how = differences.length
    ? `, but its schema differs from ${ahead.version} in ${differences.length} way${differences.length === 1 ? '' : 's'}:${listDifferences(differences)}`
    : '.';
  return {
    code: 'SCHEMA_DRIFT',
    message: `${path} is at ${state.current} for Schema Warden, while the app's own ${appRecords(ahead)}: its tool applied later migrations itself${how}`,
    hint: `Nothing was changed. Schema Warden never runs again a migration the app's tool ran; bring the schema to exactly ${ahead.version} by hand (its status lists each difference), then migrate again: it records ${ahead.version} and goes on from there.`,
    next: [{ action: 'status' }],
  };
}

/** The app's tool left a migration unfinished: Schema Warden writes nothing until the tool's own fix has been applied. */
export function unfinishedBlocker(unfinished: UnfinishedMigration & { table: string }): PlanBlocker {
  return { code: 'UNFINISHED_MIGRATION', message: `${unfinished.message}.`, hint: unfinished.hint };
}

/** Turns a blocker into the error an action that cannot proceed throws; the others travel in its details. */
export function blockerError(blocker: PlanBlocker, all: PlanBlocker[] = [blocker]): WardenError {
  return new WardenError(blocker.code, blocker.message, blocker.hint, { blockers: all }, blocker.next);
}

/** Refuses to write to a database the tool cannot reason about safely; says what to do instead. */
export function assertWritable(state: DatabaseState, schema: SchemaDefinition, path: string): void {
  assertSameApplication(state, schema, path);
  const blockers = writeBlockers(state, schema, path);
  if (blockers.length) throw blockerError(blockers[0], blockers);
}

/** What the service's own history says about an unversioned database, and how its schema differs from that version. */
export interface ServiceDatabase {
  legacy: LegacyVersion;
  /** Differences from the version the service's history names. */
  differences: Problem[];
  /** The version init and migrate adopt it as by themselves (null: they refuse it). */
  adoptAs: string | null;
}

/**
 * Whether init and migrate adopt this database by themselves (see adopt.ts): unversioned, and its
 * schema is exactly the version the service's own table records.
 */
export function isAdoptable(state: DatabaseState, problems: Problem[]): boolean {
  return state.applied.length === 0 && !state.fresh && !state.unfinished && Boolean(state.legacy?.version) && problems.length === 0;
}
