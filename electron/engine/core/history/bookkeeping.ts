import type { BackupInfo } from '../../../../shared/types/backups';
import type { AppliedVersion, EventAction, LifecycleEvent } from '../../../../shared/types/history';
import { currentActor, nowIso } from './actor';
import type { Connection } from '../sqlite/open-database';
import type { SchemaDefinition } from '../schema/schema-folder';
import { assertNothingActsOnHistory } from '../schema/unaccounted-objects';
import { versionOrder } from '../schema/version-order';

// What the database records about itself: the versions table (schema_version unless the schema's
// footprint names it otherwise: one row per applied version) and the events table (schema_events:
// an append-only log of every lifecycle action). See DESIGN.md.

const SCHEMA_VERSION_COLUMNS: Record<string, string> = {
  description: 'TEXT',
  checksum: 'TEXT',
  execution_ms: 'INTEGER',
  applied_by: 'TEXT',
  kind: 'TEXT',
};

export function tableExists(db: Connection, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

// Every write to the history goes through ensureBookkeeping, recordVersion or recordEvent, and
// each first refuses while an object nobody accounts for could act on it (unaccounted-objects.ts).
export type HistorySchema = Pick<SchemaDefinition, 'appVersionTable' | 'footprint' | 'versionNames'>;

const quoted = (name: string) => `"${name}"`;

/** Creates the bookkeeping tables; a versions table made by the original plan (version, applied_at) gains the new columns. */
export function ensureBookkeeping(db: Connection, schema: HistorySchema): void {
  assertNothingActsOnHistory(db, schema);
  const { versionsTable, eventsTable } = schema.footprint;
  db.exec(`
    CREATE TABLE IF NOT EXISTS ${quoted(versionsTable)} (
      version TEXT PRIMARY KEY,
      applied_at TEXT NOT NULL,
      description TEXT,
      checksum TEXT,
      execution_ms INTEGER,
      applied_by TEXT,
      kind TEXT
    );
    CREATE TABLE IF NOT EXISTS ${quoted(eventsTable)} (
      event_id INTEGER PRIMARY KEY AUTOINCREMENT,
      at TEXT NOT NULL,
      action TEXT NOT NULL,
      version TEXT,
      outcome TEXT NOT NULL,
      actor TEXT NOT NULL,
      detail TEXT NOT NULL DEFAULT '{}'
    );`);
  const present = new Set((db.prepare('SELECT name FROM pragma_table_info(?)').all(versionsTable) as { name: string }[]).map((r) => r.name));
  for (const [column, type] of Object.entries(SCHEMA_VERSION_COLUMNS)) {
    if (!present.has(column)) db.exec(`ALTER TABLE ${quoted(versionsTable)} ADD COLUMN ${column} ${type}`);
  }
}

/** Applied versions in version order (never by applied-at time: two can share a millisecond). */
export function readAppliedVersions(db: Connection, schema: HistorySchema): AppliedVersion[] {
  const table = schema.footprint.versionsTable;
  if (!tableExists(db, table)) return [];
  const order = versionOrder(schema);
  const columns = new Set((db.prepare('SELECT name FROM pragma_table_info(?)').all(table) as { name: string }[]).map((r) => r.name));
  const pick = (column: string) => (columns.has(column) ? column : 'NULL');
  const rows = db
    .prepare(
      `SELECT version, applied_at AS appliedAt, ${pick('description')} AS description, ${pick('checksum')} AS checksum,
              ${pick('execution_ms')} AS executionMs, ${pick('applied_by')} AS actor, ${pick('kind')} AS kind
       FROM ${quoted(table)}`,
    )
    .all() as AppliedVersion[];
  return rows
    .filter((r) => order.valid(r.version))
    .map((r) => ({ ...r, appliedAt: String(r.appliedAt) }))
    .sort((a, b) => order.compare(a.version, b.version));
}

export function currentVersionOf(applied: AppliedVersion[]): string | null {
  return applied.length ? applied[applied.length - 1].version : null;
}

export function recordVersion(db: Connection, schema: HistorySchema, row: Omit<AppliedVersion, 'appliedAt' | 'actor'>): void {
  assertNothingActsOnHistory(db, schema);
  db.prepare(
    `INSERT INTO ${quoted(schema.footprint.versionsTable)} (version, applied_at, description, checksum, execution_ms, applied_by, kind) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(row.version, nowIso(), row.description, row.checksum, row.executionMs, currentActor(), row.kind);
}

export interface NewEvent {
  action: EventAction;
  version: string | null;
  outcome: 'ok' | 'failed';
  detail?: Record<string, unknown>;
}

/** The event a backup is recorded as, wherever it is recorded (backup, the restore's cut-over, an adoption). */
export function backupEvent(info: BackupInfo): NewEvent {
  return {
    action: 'backup',
    version: info.version,
    outcome: 'ok',
    detail: { name: info.name, path: info.path, reason: info.reason, sha256: info.sha256, bytes: info.bytes, verified: info.verified?.ok ?? null },
  };
}

export function recordEvent(db: Connection, schema: HistorySchema, event: NewEvent): void {
  assertNothingActsOnHistory(db, schema);
  db.prepare(`INSERT INTO ${quoted(schema.footprint.eventsTable)} (at, action, version, outcome, actor, detail) VALUES (?, ?, ?, ?, ?, ?)`).run(
    nowIso(),
    event.action,
    event.version,
    event.outcome,
    currentActor(),
    JSON.stringify(event.detail ?? {}),
  );
}

/** Records a failure after its transaction rolled back, in a transaction of its own. */
export function recordFailure(db: Connection, schema: HistorySchema, event: Omit<NewEvent, 'outcome'>): void {
  db.transaction(() => {
    ensureBookkeeping(db, schema);
    recordEvent(db, schema, { ...event, outcome: 'failed' });
  }).immediate();
}

export function readEvents(db: Connection, schema: HistorySchema): LifecycleEvent[] {
  const table = schema.footprint.eventsTable;
  if (!tableExists(db, table)) return [];
  const rows = db.prepare(`SELECT event_id AS id, at, action, version, outcome, actor, detail FROM ${quoted(table)} ORDER BY event_id DESC`).all() as (Omit<
    LifecycleEvent,
    'detail'
  > & { detail: string })[];
  return rows.map((r) => ({ ...r, detail: parseDetail(r.detail) }));
}

export function parseDetail(text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown;
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : { value };
  } catch {
    return { text }; // a row written by hand with non-JSON detail is shown as it is
  }
}
