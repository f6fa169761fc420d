import semver from 'semver';
import type { Connection } from './open-database';
import type { MarkOwner } from '../schema/footprint';
import type { SchemaDefinition } from '../schema/schema-folder';
import type { VersionNames } from '../schema/version-order';

// PRAGMA user_version and application_id live in the file's header, where many apps keep their own
// version and identity. The tool writes them only as the schema's footprint allows (schema.json
// "footprint"): an app that versions itself with user_version would otherwise re-run its upgrades.

/**
 * PRAGMA user_version mirrors a semantic version as major·1,000,000 + minor·1,000 + patch (1.2.0 →
 * 1002000), an ordered number (or a one-part dotted version) as itself; 0 where it does not fit
 * (user_version is a signed 32-bit integer) and for a dotted version of more parts.
 */
export function userVersionOf(version: string, versionNames: VersionNames = 'semver'): number {
  if (versionNames !== 'semver') return /^\d+$/.test(version) && Number(version) <= 0x7fffffff ? Number(version) : 0;
  const v = semver.parse(version);
  if (!v || v.minor > 999 || v.patch > 999) return 0;
  return v.major * 1_000_000 + v.minor * 1_000 + v.patch;
}

/** Where a version is being stamped: on a database the tool is creating, or one that was at `previous` (null: unversioned until now). */
export interface StampMoment {
  creating: boolean;
  previous: string | null;
}

/** 'unclaimed' marks are the tool's to write only in a file it creates, or while they still hold what it wrote. */
function mayWrite(owner: MarkOwner, moment: StampMoment, holdsToolValue: boolean): boolean {
  return owner === 'tool' || (owner === 'unclaimed' && (moment.creating || holdsToolValue));
}

/** Writes application_id and user_version for a database now at `version`, each only where the footprint gives it to the tool. */
export function stampVersion(
  db: Connection,
  schema: Pick<SchemaDefinition, 'applicationId' | 'footprint' | 'versionNames'>,
  version: string,
  moment: StampMoment,
): void {
  const applicationId = db.pragma('application_id', { simple: true }) as number;
  if (mayWrite(schema.footprint.applicationId, moment, applicationId === schema.applicationId)) {
    db.pragma(`application_id = ${schema.applicationId | 0}`);
  }
  const userVersion = db.pragma('user_version', { simple: true }) as number;
  const toolWrote = moment.previous !== null && userVersion !== 0 && userVersion === userVersionOf(moment.previous, schema.versionNames);
  if (mayWrite(schema.footprint.userVersion, moment, toolWrote)) {
    db.pragma(`user_version = ${userVersionOf(version, schema.versionNames)}`);
  }
}
