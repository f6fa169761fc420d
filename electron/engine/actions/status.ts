import type { CheckedIntegrity, OrphanedRows } from '../../../shared/types/integrity';
import type { LegacyVersion, Problem } from '../../../shared/types/schema';
import type { HealthStatus, StatusReport } from '../../../shared/types/status';
import { backupProblems } from '../core/backups/backup-recency';
import { nowIso } from '../core/history/actor';
import type { EngineContext } from '../context';
import { currentVersionOf, readAppliedVersions } from '../core/history/bookkeeping';
import { databaseStamp } from '../core/state/database-stamp';
import { driftOf } from '../core/drift/drift';
import { appRecords, assertSameApplication, isAdoptable, readDatabaseState, type DatabaseState } from '../core/state/database-state';
import { WardenError } from '../errors';
import { diskFailureBehind, unlessDiskFailed } from '../core/sqlite/failing-disk';
import { integrityOf, integrityProblems } from '../core/sqlite/integrity';
import { statDatabasePath, withDatabase, type Connection } from '../core/sqlite/open-database';
import { pendingMigrations } from '../core/schema/schema-folder';
import { readToolChecksumMismatches } from '../core/history/service-history';
import { pendingRepeatables } from '../core/migrations/repeatable-migrations';

function sqliteVersion(db: Connection): string {
  return (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

interface Judgement {
  status: HealthStatus;
  reason: string;
}

function unversioned(state: DatabaseState, problems: Problem[], pending: string[]): Judgement {
  const legacy = state.legacy;
  if (legacy?.version && isAdoptable(state, problems)) {
    const then = pending.length ? `, then applies ${plural(pending.length, 'migration')} (${pending.join(', ')})` : '';
    return {
      status: 'degraded',
      reason: `Made by the service (${appRecords(legacy)}) and exactly ${legacy.version}: init adopts it as ${legacy.version}${then}.`,
    };
  }
  if (legacy?.version) {
    return {
      status: 'degraded',
      reason: `Made by the service (${appRecords(legacy)}), but it differs from ${legacy.version} in ${plural(problems.length, 'way')}, so it is not adopted: ${problems[0].message}`,
    };
  }
  const recorded = legacy ? ` ${legacy.table} records ${legacy.legacyVersion}, a version this tool does not know.` : '';
  return { status: 'degraded', reason: `Tables exist but Schema Warden has no history for them.${recorded} Adopt it with baseline.` };
}

/** The app's tool applied later versions itself: recorded by the next migrate when the schema is exactly the version it records. */
function appAhead(state: DatabaseState, ahead: LegacyVersion, problems: Problem[], pending: string[]): Judgement {
  const since = `The app's own tool applied up to ${ahead.version} itself since Schema Warden's ${state.current} (${appRecords(ahead)})`;
  const drift = problems.filter((p) => p.kind !== 'backup' && p.kind !== 'foreign_key_violation' && p.kind !== 'checksum');
  if (drift.length) return { status: 'degraded', reason: `${since}, but the schema differs from ${ahead.version}: ${drift[0].message}` };
  const then = pending.length ? `, then applies ${plural(pending.length, 'migration')} (${pending.join(', ')})` : '';
  return { status: 'degraded', reason: `${since}; the schema is exactly ${ahead.version}: migrate records it${then}.` };
}

function unhealthy(found: Problem[]): Judgement {
  const more = found.length > 1 ? ` (and ${plural(found.length - 1, 'more problem')})` : '';
  return { status: 'unhealthy', reason: `${found[0].message.replace(/\.$/, '')}${more}.` };
}

/** The one status and the sentence that explains it; the worst finding decides. */
export function judge(state: DatabaseState, ctx: EngineContext, problems: Problem[], pending: string[]): Judgement {
  const errors = problems.filter((p) => p.severity === 'error');
  // A missing table and damaged data (integrity_check, foreign_key_check) outrank everything after them.
  const missingTables = errors.filter((p) => (p.kind === 'table' && p.change === 'missing') || p.kind === 'integrity' || p.kind === 'foreign_key_violation');
  if (state.newerThanKnown) return { status: 'unhealthy', reason: `Version ${state.current} is newer than the latest this tool knows (${ctx.schema.latest}).` };
  // The app's tool stopped a migration half-way: the drift found comes from it, and it is said first.
  if (state.unfinished) return unhealthy(errors);
  if (missingTables.length) return unhealthy([...missingTables, ...errors.filter((p) => !missingTables.includes(p))]);
  // An edited migration changes the expected schema itself, so other drift found after an edit
  // is reported under the edit: it is the first thing someone has to decide about.
  if (state.checksumMismatches.length) {
    const drift = problems.filter((p) => p.kind !== 'backup' && p.kind !== 'foreign_key_violation').length - state.checksumMismatches.length;
    const note = drift > 0 ? ` ${plural(drift, 'difference')} from the expected schema may come from the edit.` : '';
    return {
      status: 'degraded',
      reason: `${plural(state.checksumMismatches.length, 'applied migration')} edited since it ran (${state.checksumMismatches.map((m) => m.file).join(', ')}).${note}`,
    };
  }
  if (errors.length) return unhealthy(errors);
  if (state.fresh) return { status: 'not_initialized', reason: 'The database has no schema yet: initialize it.' };
  if (state.appAhead) return appAhead(state, state.appAhead, problems, pending);
  if (state.applied.length === 0) return unversioned(state, problems, pending);
  if (pending.length) return { status: 'degraded', reason: `At ${state.current}; ${plural(pending.length, 'migration')} pending (${pending.join(', ')}).` };
  if (problems.length) {
    const more = problems.length > 1 ? ` (and ${plural(problems.length - 1, 'more difference')})` : '';
    return { status: 'degraded', reason: `${problems[0].message.replace(/\.$/, '')}${more}.` };
  }
  return { status: 'healthy', reason: `At ${state.current}, the latest version; the schema is as expected.` };
}

export interface Assessment extends Judgement {
  state: DatabaseState;
  problems: Problem[];
  pending: string[];
}

/** Versions, drift and the judgement of an open database: what status shows and verify builds on. */
export function assessDatabase(db: Connection, ctx: EngineContext): Assessment {
  const state = readDatabaseState(db, ctx.schema);
  assertSameApplication(state, ctx.schema, ctx.dbPath);
  // Where the app's tool applied later versions itself, the schema is held to the version its table records.
  const comparedAt = state.newerThanKnown ? null : (state.appAhead?.version ?? state.current ?? state.legacy?.version ?? null);
  const problems: Problem[] = comparedAt && !state.fresh ? driftOf(db, ctx, comparedAt) : [];
  // An adoptable database's pending migrations are the ones after the version it is adopted as.
  const aheadAt = state.appAhead && problems.length === 0 && !state.unfinished ? state.appAhead.version : null;
  const startsAt = isAdoptable(state, problems) ? state.legacy?.version : (aheadAt ?? state.current);
  const pending = state.fresh || !startsAt ? [] : pendingMigrations(ctx.schema, startsAt, ctx.schema.latest).map((m) => m.version);
  for (const m of state.outOfOrder) {
    problems.push({
      kind: 'version',
      name: m.version,
      change: 'missing',
      severity: 'error',
      message: `Migration ${m.file} was never applied, although the database is at ${state.current} (added out of order).`,
      hint: `Give it a version above ${ctx.schema.latest} so it runs after the versions already applied.`,
    });
  }
  if (state.unfinished) {
    const u = state.unfinished;
    // First: it explains any drift found (a migration stopped half-way).
    problems.unshift({ kind: 'version', name: u.name, table: u.table, change: 'failed', severity: 'error', message: `${u.message}.`, hint: u.hint });
  }
  for (const m of readToolChecksumMismatches(db, ctx.schema)) {
    const table = ctx.schema.appVersionTable!.table;
    problems.push({
      kind: 'checksum',
      name: m.file,
      table,
      change: 'changed',
      severity: 'warning',
      message: `Migration ${m.file} has changed since the app's tool applied it (${table} records checksum ${m.recorded}): ${m.complaint}.`,
      expected: m.recorded,
      hint: m.hint,
    });
  }
  if (comparedAt === ctx.schema.latest && !state.unfinished) {
    for (const r of pendingRepeatables(db, ctx.schema)) {
      const what = r.reason === 'new' ? 'has never been applied' : 'has changed since it was last applied';
      problems.push({
        kind: 'version',
        name: r.file,
        change: r.reason === 'new' ? 'missing' : 'changed',
        severity: 'warning',
        message: `The repeatable migration ${r.file} ${what}: the app's tool applies it on its next migrate.`,
        hint: 'Plan and migrate: repeatable migrations run after the versions, each in a transaction of its own.',
      });
    }
  }
  for (const m of state.checksumMismatches) {
    problems.push({
      kind: 'checksum',
      name: m.file,
      change: 'changed',
      severity: 'warning',
      message: `Migration ${m.file} was edited after it was applied.`,
      expected: m.recorded,
      actual: m.current,
    });
  }
  return { state, problems, pending, ...judge(state, ctx, problems, pending) };
}

/** How long a kept quick_check of an unchanged file stands for a new one (a disk can still rot under it). */
export const INTEGRITY_REUSE_MS = 5 * 60_000;

/**
 * SQLite's quick_check of the file, or the caller's recent one when the file has not changed
 * since (same stamp) and it is younger than INTEGRITY_REUSE_MS: on a large file the check reads
 * every page, and hosts ask for the status of each database every few seconds.
 */
export function quickCheck(db: Connection, ctx: EngineContext): CheckedIntegrity {
  const stamp = databaseStamp(ctx.dbPath);
  const known = ctx.knownIntegrity;
  if (known?.databaseStamp === stamp && known.orphanedRows && Date.now() - Date.parse(known.checkedAt) < INTEGRITY_REUSE_MS) return known;
  const integrity = integrityOf(db, 'quick');
  // A page the disk failed to read is not damage: said as an I/O error, never a verdict of corrupt.
  const disk = integrity.ok ? null : diskFailureBehind(ctx.dbPath, 'running quick_check', integrity.messages);
  if (disk) throw disk;
  // Counted with the check and kept with it: on 100k child rows foreign_key_check costs about what quick_check does.
  return { ...integrity, checkedAt: nowIso(), databaseStamp: stamp, orphanedRows: integrity.ok ? orphanedRowCounts(db) : [] };
}

/** PRAGMA foreign_key_check counted per child table and parent, in SQLite: memory stays flat however many rows are orphaned. */
function orphanedRowCounts(db: Connection): OrphanedRows[] {
  return db.prepare('SELECT "table", parent, count(*) AS rows FROM pragma_foreign_key_check GROUP BY 1, 2 ORDER BY 1, 2').all() as OrphanedRows[];
}

/**
 * Orphaned child rows: the database works, but rows point at nothing (a parent table recreated
 * empty by a repair, a delete with foreign keys off). They need attention until they are gone.
 */
function orphanProblems(orphans: OrphanedRows[]): Problem[] {
  return orphans.map((o) => ({
    kind: 'foreign_key_violation' as const,
    name: o.table,
    table: o.table,
    change: 'failed' as const,
    severity: 'warning' as const,
    message: `${o.rows} row(s) of ${o.table} point at missing rows of ${o.parent}.`,
    expected: o.parent,
    actual: String(o.rows),
    hint: `Recover the missing rows of ${o.parent} from a backup, or delete the orphaned rows.`,
    next: [{ action: 'recoverRows' as const, table: o.parent }],
  }));
}

/** The version the versions table records, where its own pages can still be read: damage elsewhere (the events table, say) does not hide it. */
function versionStillReadable(ctx: EngineContext): string | null {
  try {
    return withDatabase(ctx.dbPath, { mode: 'read', busyTimeoutMs: ctx.busyTimeoutMs }, (db) => currentVersionOf(readAppliedVersions(db, ctx.schema)));
  } catch {
    return null; // that table's pages are damaged too, or the schema cannot be read at all
  }
}

/** A file too damaged to read its schema: unhealthy, with what SQLite said, rather than an error. */
function damagedStatus(ctx: EngineContext, bytes: number, integrity: CheckedIntegrity, reason: string): StatusReport {
  const problems = integrityProblems(integrity, []);
  const version = versionStillReadable(ctx);
  return {
    path: ctx.dbPath,
    schema: ctx.schema.name,
    exists: true,
    status: 'unhealthy',
    reason,
    version,
    latest: ctx.schema.latest,
    pending: version === null ? [] : pendingMigrations(ctx.schema, version, ctx.schema.latest).map((m) => m.version),
    bytes,
    journalMode: null,
    sqliteVersion: '',
    applicationId: null,
    legacy: null,
    adoptable: false,
    checksumMismatches: [],
    problems,
    integrity,
    checkedAt: integrity.checkedAt,
  };
}

/**
 * A quick look: versions, pending migrations, schema drift and SQLite's quick_check, judged together,
 * so that a damaged file is unhealthy wherever its status is shown (CLI, health endpoint, console).
 */
export function status(ctx: EngineContext): StatusReport {
  const stats = statDatabasePath(ctx.dbPath);
  if (stats === null) {
    return {
      path: ctx.dbPath,
      schema: ctx.schema.name,
      exists: false,
      status: 'not_initialized',
      reason: `There is no database file at ${ctx.dbPath} yet: initialize creates it.`,
      version: null,
      latest: ctx.schema.latest,
      pending: ctx.schema.migrations.map((m) => m.version),
      bytes: 0,
      journalMode: null,
      sqliteVersion: '',
      applicationId: null,
      legacy: null,
      adoptable: false,
      checksumMismatches: [],
      problems: [],
      integrity: null,
      checkedAt: nowIso(),
    };
  }
  const bytes = stats.size;
  const seen: { integrity?: CheckedIntegrity } = {};
  try {
    return readStatus(ctx, bytes, (found) => (seen.integrity = found));
  } catch (caught) {
    const err = unlessDiskFailed(caught, ctx.dbPath, 'reading its schema');
    if (!(err instanceof WardenError && err.code === 'CORRUPT')) throw err;
    const failed = seen.integrity?.ok === false ? seen.integrity : { level: 'quick' as const, ok: false, messages: [err.message], checkedAt: nowIso() };
    return damagedStatus(ctx, bytes, failed, err.message);
  }
}

export interface Verdict extends Judgement {
  assessment: Assessment;
  problems: Problem[];
}

/**
 * The verdict status gives on an open database, from its schema and a quick_check already run
 * (null: the caller chose to skip it). The start gate judges with this too, so that the gate and
 * status can never disagree about a database.
 */
export function verdictOf(db: Connection, ctx: EngineContext, integrity: CheckedIntegrity | null): Verdict {
  const assessment = assessDatabase(db, ctx);
  const { state } = assessment;
  // A versioned database only: an unversioned one's verdict is whether it can be adopted.
  const looked = !state.fresh && !state.newerThanKnown && state.applied.length > 0;
  const problems = [
    ...(integrity ? integrityProblems(integrity, []) : []),
    ...assessment.problems,
    ...(looked ? orphanProblems(integrity?.orphanedRows ?? []) : []),
    ...(looked ? backupProblems(ctx) : []),
  ];
  return { assessment, problems, ...judge(state, ctx, problems, assessment.pending) };
}

/** quick_check first, so that its findings survive a schema too damaged to read (reported through `checked`). */
function readStatus(ctx: EngineContext, bytes: number, checked: (integrity: CheckedIntegrity) => void): StatusReport {
  return withDatabase(ctx.dbPath, { mode: 'read', busyTimeoutMs: ctx.busyTimeoutMs }, (db) => {
    const integrity = quickCheck(db, ctx);
    checked(integrity);
    const verdict = verdictOf(db, ctx, integrity);
    const a = verdict.assessment;
    const problems = verdict.problems;
    return {
      path: ctx.dbPath,
      schema: ctx.schema.name,
      exists: true,
      status: verdict.status,
      reason: verdict.reason,
      version: a.state.current,
      latest: ctx.schema.latest,
      pending: a.state.fresh ? ctx.schema.migrations.map((m) => m.version) : a.pending,
      bytes,
      journalMode: db.pragma('journal_mode', { simple: true }) as string,
      sqliteVersion: sqliteVersion(db),
      applicationId: a.state.applicationId,
      legacy: a.state.legacy,
      adoptable: isAdoptable(a.state, a.problems),
      checksumMismatches: a.state.checksumMismatches,
      problems,
      integrity,
      checkedAt: nowIso(),
    };
  });
}
