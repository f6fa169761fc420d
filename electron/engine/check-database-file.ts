import type { IntegrityResult } from '../../shared/types';
import { currentVersionOf, readAppliedVersions, type HistorySchema } from './bookkeeping';
import { WardenError, explainSqliteError } from './errors';
import { openDatabase } from './open-database';
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
  const failed = (err: WardenError): DatabaseFileCheck => ({ version: null, applicationId: 0, integrity: { level: level ?? 'quick', ok: false, messages: [err.message] } });
  let db;
  try {
    db = openDatabase(path, { mode: 'read', singlePass: true, leaveNoFiles: true });
  } catch (err) {
    if (isDamage(err)) return failed(err);
    throw err;
  }
  try {
    const integrity = level ? integrityOf(db, level) : null;
    const applicationId = db.pragma('application_id', { simple: true }) as number;
    return { version: currentVersionOf(readAppliedVersions(db, schema)), applicationId, integrity };
  } catch (err) {
    const explained = explainSqliteError(err, path);
    if (isDamage(explained)) return failed(explained);
    throw explained;
  } finally {
    db.close();
  }
}
