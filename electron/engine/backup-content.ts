import type { BackupInfo } from '../../shared/types';
import { serviceDatabaseOf } from './adopt';
import { currentVersionOf, readAppliedVersions } from './bookkeeping';
import { readDatabaseState } from './database-state';
import type { EngineContext } from './context';
import { WardenError } from './errors';
import type { Connection } from './open-database';
import { driftOf } from './status';
import { historyTablesOf } from './unaccounted-objects';
import { versionOrder } from './version-order';

// A backup's hash proves the file is the one that was taken, not that it is safe to put in front
// of the service: a file crafted with a matching manifest, or a backup of a database someone had
// tampered with, passes the hash. So a restore also checks what the backup holds.

const PICK_ANOTHER = 'Pick another backup (warden backups --db DB lists them) and check it with warden verify-backup.';

function refuse(path: string, why: string, details?: Record<string, unknown>): never {
  throw new WardenError('BACKUP_INVALID', `Refusing to restore ${path}: ${why} Nothing was changed.`, PICK_ANOTHER, details);
}

function assertApplication(ctx: EngineContext, path: string, where: string, applicationId: number): void {
  if (applicationId === ctx.schema.applicationId) return;
  // Only a schema that gives application_id to the tool has every database stamped; an app that keeps its own may leave it 0.
  if (applicationId === 0 && ctx.schema.footprint.applicationId !== 'tool') return;
  const whose = applicationId === 0 ? '0: no application stamped it, so it is not a database of this schema' : `${applicationId}: another application's`;
  throw new WardenError(
    'FOREIGN_APPLICATION',
    `Refusing to restore ${path}: ${where} says application_id ${whose} (${ctx.schema.name} uses ${ctx.schema.applicationId}). Nothing was changed.`,
    `Check --backup, --db and --schema: restore a backup of this database. ${PICK_ANOTHER}`,
  );
}

function assertKnownVersion(ctx: EngineContext, path: string, version: string | null): string {
  if (version === null) refuse(path, `it records no version in ${ctx.schema.footprint.versionsTable}, so there is no schema to check it against.`);
  if (ctx.schema.migrations.some((m) => m.version === version)) return version;
  if (versionOrder(ctx.schema).valid(version) && versionOrder(ctx.schema).gt(version, ctx.schema.latest)) {
    throw new WardenError(
      'NEWER_THAN_KNOWN',
      `Refusing to restore ${path}: it is at version ${version}, newer than the latest this tool knows (${ctx.schema.latest}). Nothing was changed.`,
      'Restore it with the Schema Warden (and schema folder) that shipped with the service that wrote it.',
    );
  }
  throw new WardenError('UNKNOWN_VERSION', `Refusing to restore ${path}: it is at version ${version}, which schema ${ctx.schema.name} has no migration for. Nothing was changed.`, PICK_ANOTHER);
}

/**
 * Triggers on the tables the schema comparison leaves out (Schema Warden's own, the app's
 * version table): none is expected there, and one would fire on the restore's own writes.
 */
function triggersOnUncheckedTables(ctx: EngineContext, db: Connection): { name: string; tableName: string; sql: string }[] {
  const unchecked = historyTablesOf(ctx.schema);
  const triggers = db.prepare("SELECT name, tbl_name AS tableName, sql FROM sqlite_master WHERE type = 'trigger'").all() as { name: string; tableName: string; sql: string }[];
  return triggers.filter((t) => unchecked.has(t.tableName.toLowerCase()));
}

/** The object's SQL as the backup holds it, so the refusal shows what it would have installed. */
function sqlOf(db: Connection, name: string): string | null {
  const row = db.prepare('SELECT sql FROM sqlite_master WHERE lower(name) = lower(?)').get(name) as { sql: string | null } | undefined;
  return row?.sql ? row.sql.replace(/\s+/g, ' ') : null;
}

/**
 * The version of a backup of the service's own database taken before Schema Warden adopted it
 * (the pre-migrate backup of an adoption: no application_id, no schema_version), when its schema
 * is exactly the version the service's table records and nothing sits on its version tables.
 * Restoring it is how an adoption is undone; init adopts it again.
 */
function unadoptedServiceDatabase(ctx: EngineContext, db: Connection, manifest: BackupInfo): string | null {
  if (manifest.applicationId !== 0 || manifest.version !== null || db.pragma('application_id', { simple: true }) !== 0) return null;
  const version = serviceDatabaseOf(db, ctx, readDatabaseState(db, ctx.schema))?.adoptAs ?? null;
  return version && triggersOnUncheckedTables(ctx, db).length === 0 ? version : null;
}

/**
 * Refuses a backup whose content cannot be trusted: it must be of this schema's application (the
 * file and its manifest; 0 is refused like any other application's), at a version this schema
 * knows, and hold exactly the expected schema of that version — no unknown trigger, view, index
 * or table. Returns the backup's version.
 */
export function assertTrustedContent(ctx: EngineContext, db: Connection, manifest: BackupInfo, path: string): string {
  const serviceVersion = unadoptedServiceDatabase(ctx, db, manifest);
  if (serviceVersion) return serviceVersion;
  assertApplication(ctx, path, 'the file', db.pragma('application_id', { simple: true }) as number);
  assertApplication(ctx, path, 'its manifest', manifest.applicationId);
  const version = assertKnownVersion(ctx, path, currentVersionOf(readAppliedVersions(db, ctx.schema)));
  if (manifest.version !== version) refuse(path, `its manifest says version ${manifest.version ?? 'none'}, but the file is at ${version}.`);
  const findings = driftOf(db, ctx, version).map((p) => {
    const sql = p.change === 'missing' ? null : sqlOf(db, p.name);
    return sql ? `${p.message.replace(/\.$/, '')}: ${sql}` : p.message.replace(/\.$/, '');
  });
  for (const t of triggersOnUncheckedTables(ctx, db)) findings.push(`Trigger ${t.name} on ${t.tableName}, a version-keeping table where no trigger belongs: ${t.sql.replace(/\s+/g, ' ')}`);
  if (findings.length) {
    refuse(path, `it does not hold the schema of version ${version}: ${findings.slice(0, 5).join('; ')}${findings.length > 5 ? `; and ${findings.length - 5} more` : ''}.`, { findings });
  }
  return version;
}
