import type { BackupInfo } from '../../../../shared/types/backups';
import { serviceDatabaseOf } from '../state/adopt';
import { currentVersionOf, readAppliedVersions } from '../history/bookkeeping';
import { readDatabaseState } from '../state/database-state';
import type { EngineContext } from '../../context';
import type { ErrorCode } from '../../../../shared/errors';
import type { NextAction } from '../../../../shared/next-action';
import type { Connection } from '../sqlite/open-database';
import { driftOf } from '../drift/drift';
import { historyTablesOf } from '../schema/unaccounted-objects';
import { versionOrder } from '../schema/version-order';
import { expectedSchemaAt } from '../schema/expected-schema';

// A backup's hash proves the file is the one that was taken, not that it is safe to put in front
// of the service: a file crafted with a matching manifest, or a backup of a database someone had
// tampered with, passes the hash. So a restore also checks what the backup holds.

export const PICK_ANOTHER = 'Pick another backup from the list of backups, and verify it first.';
export const PICK_ANOTHER_NEXT: NextAction[] = [{ action: 'backups' }, { action: 'verifyBackup' }];

/** Why a backup cannot be restored or read from: `why` completes "Refusing to restore X: …". */
export interface Refusal {
  code: ErrorCode;
  why: string;
  hint: string;
  next?: NextAction[];
  details?: Record<string, unknown>;
}

/** Thrown inside the content check to stop at the first reason; caught by judgeContent, never outside it. */
class ContentRefused extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.why);
  }
}

function refuse(why: string, details?: Record<string, unknown>): never {
  throw new ContentRefused({ code: 'BACKUP_INVALID', why, hint: PICK_ANOTHER, next: PICK_ANOTHER_NEXT, details });
}

function assertApplication(ctx: EngineContext, where: string, applicationId: number): void {
  if (applicationId === ctx.schema.applicationId) return;
  // Only a schema that gives application_id to the tool has every database stamped; an app that keeps its own may leave it 0.
  if (applicationId === 0 && ctx.schema.footprint.applicationId !== 'tool') return;
  const whose = applicationId === 0 ? '0: no application stamped it, so it is not a database of this schema' : `${applicationId}: another application's`;
  throw new ContentRefused({
    code: 'FOREIGN_APPLICATION',
    why: `${where} says application_id ${whose} (${ctx.schema.name} uses ${ctx.schema.applicationId}).`,
    hint: `Check the backup, the database and the schema folder you named: restore a backup of this database. ${PICK_ANOTHER}`,
    next: PICK_ANOTHER_NEXT,
  });
}

function assertKnownVersion(ctx: EngineContext, version: string | null): string {
  if (version === null) refuse(`it records no version in ${ctx.schema.footprint.versionsTable}, so there is no schema to check it against.`);
  if (ctx.schema.migrations.some((m) => m.version === version)) return version;
  if (versionOrder(ctx.schema).valid(version) && versionOrder(ctx.schema).gt(version, ctx.schema.latest)) {
    throw new ContentRefused({
      code: 'NEWER_THAN_KNOWN',
      why: `it is at version ${version}, newer than the latest this tool knows (${ctx.schema.latest}).`,
      hint: 'Restore it with the Schema Warden (and schema folder) that shipped with the service that wrote it.',
    });
  }
  throw new ContentRefused({
    code: 'UNKNOWN_VERSION',
    why: `it is at version ${version}, which schema ${ctx.schema.name} has no migration for.`,
    hint: PICK_ANOTHER,
    next: PICK_ANOTHER_NEXT,
  });
}

/**
 * Triggers on the tables the schema comparison leaves out (Schema Warden's own, the app's
 * version table): none is expected there, and one would fire on the restore's own writes.
 */
function triggersOnUncheckedTables(ctx: EngineContext, db: Connection): { name: string; tableName: string; sql: string }[] {
  const unchecked = historyTablesOf(ctx.schema);
  const triggers = db.prepare("SELECT name, tbl_name AS tableName, sql FROM sqlite_master WHERE type = 'trigger'").all() as {
    name: string;
    tableName: string;
    sql: string;
  }[];
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
 * The version's tables that the backup holds as another kind of object: said first, whatever else
 * differs, since a view in a table's place can make up rows of any size for whoever reads it.
 */
function notTables(ctx: EngineContext, db: Connection, version: string): string[] {
  const expected = new Set([...expectedSchemaAt(ctx.schema, version).tables.keys()].map((name) => name.toLowerCase()));
  const others = db.prepare("SELECT type, name FROM sqlite_master WHERE type IN ('view', 'index', 'trigger')").all() as { type: string; name: string }[];
  return others.filter((o) => expected.has(o.name.toLowerCase())).map((o) => `${o.name} is a ${o.type} where version ${version} has a table`);
}

/**
 * Whether a backup's content can be trusted: it must be of this schema's application (the file and
 * its manifest; 0 is refused like any other application's), at a version this schema knows, and
 * hold exactly the expected schema of that version — no unknown trigger, view, index or table, and
 * every expected table a table (a view in its place could make up rows of any size). Only the
 * schema and the version-keeping tables are read. Returns the backup's version, or why not.
 */
export function judgeContent(ctx: EngineContext, db: Connection, manifest: BackupInfo): { version: string } | { refusal: Refusal } {
  try {
    return { version: trustedVersionOf(ctx, db, manifest) };
  } catch (err) {
    if (err instanceof ContentRefused) return { refusal: err.refusal };
    throw err;
  }
}

function trustedVersionOf(ctx: EngineContext, db: Connection, manifest: BackupInfo): string {
  const serviceVersion = unadoptedServiceDatabase(ctx, db, manifest);
  if (serviceVersion) return serviceVersion;
  assertApplication(ctx, 'the file', db.pragma('application_id', { simple: true }) as number);
  assertApplication(ctx, 'its manifest', manifest.applicationId);
  const version = assertKnownVersion(ctx, currentVersionOf(readAppliedVersions(db, ctx.schema)));
  if (manifest.version !== version) refuse(`its manifest says version ${manifest.version ?? 'none'}, but the file is at ${version}.`);
  const findings = [
    ...notTables(ctx, db, version),
    ...driftOf(db, ctx, version).map((p) => {
      const sql = p.change === 'missing' ? null : sqlOf(db, p.name);
      return sql ? `${p.message.replace(/\.$/, '')}: ${sql}` : p.message.replace(/\.$/, '');
    }),
  ];
  for (const t of triggersOnUncheckedTables(ctx, db))
    findings.push(`Trigger ${t.name} on ${t.tableName}, a version-keeping table where no trigger belongs: ${t.sql.replace(/\s+/g, ' ')}`);
  if (findings.length) {
    refuse(
      `it does not hold the schema of version ${version}: ${findings.slice(0, 5).join('; ')}${findings.length > 5 ? `; and ${findings.length - 5} more` : ''}.`,
      { findings },
    );
  }
  return version;
}
