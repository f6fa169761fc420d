import type { IntegrityResult } from '../../../../shared/types/integrity';
import { currentVersionOf, readAppliedVersions, type HistorySchema } from '../history/bookkeeping';
import { WardenError, explainSqliteError } from '../../errors';
import { openDatabase, type Connection } from './open-database';
import { integrityOf, type IntegrityLevel } from './integrity';

export interface DatabaseFileCheck {
  version: string | null;
  applicationId: number;
  /** null when no check was asked for. */
  integrity: IntegrityResult | null;
}

function isDamage(err: unknown): err is WardenError {
  return err instanceof WardenError && (err.code === 'NOT_A_DATABASE' || err.code === 'CORRUPT');
}

/**
 * Opens a database file read-only (never changing it, nor writing anything beside it) and reports its version, its
 * application_id and, at `level`, SQLite's own check. A file SQLite cannot read is reported
 * as a failed check, not thrown: for a backup that is a finding, not an accident.
 */
export function checkDatabaseFile(path: string, schema: HistorySchema, level: IntegrityLevel): DatabaseFileCheck & { integrity: IntegrityResult };
export function checkDatabaseFile(path: string, schema: HistorySchema, level: IntegrityLevel | null): DatabaseFileCheck;
export function checkDatabaseFile(path: string, schema: HistorySchema, level: IntegrityLevel | null): DatabaseFileCheck {
  let db;
  try {
    db = openDatabase(path, { mode: 'read', singlePass: true, leaveNoFiles: true });
  } catch (err) {
    if (isDamage(err)) return failed(err, level);
    throw err;
  }
  try {
    return checkOpenDatabase(db, path, schema, level);
  } finally {
    db.close();
  }
}

const failed = (err: WardenError, level: IntegrityLevel | null): DatabaseFileCheck => ({
  version: null,
  applicationId: 0,
  integrity: { level: level ?? 'quick', ok: false, messages: [err.message] },
});

/** The same, through a connection already open on the file (one that holds the snapshot a backup copies). */
export function checkOpenDatabase(db: Connection, path: string, schema: HistorySchema, level: IntegrityLevel | null): DatabaseFileCheck {
  try {
    const integrity = level ? integrityOf(db, level) : null;
    const applicationId = db.pragma('application_id', { simple: true }) as number;
    return { version: currentVersionOf(readAppliedVersions(db, schema)), applicationId, integrity };
  } catch (err) {
    const explained = explainSqliteError(err, path);
    if (isDamage(explained)) return failed(explained, level);
    throw explained;
  }
}
