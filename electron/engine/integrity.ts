import type { ForeignKeyViolation, IntegrityResult, Problem } from '../../shared/types';
import type { Connection } from './open-database';

export type IntegrityLevel = 'quick' | 'full';

function isCorruption(err: unknown): err is Error {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_CORRUPT');
}

export function integrityOf(db: Connection, level: IntegrityLevel): IntegrityResult {
  let rows: Record<string, string>[];
  try {
    rows = db.pragma(level === 'quick' ? 'quick_check' : 'integrity_check') as Record<string, string>[];
  } catch (err) {
    // Damage bad enough can stop the check itself ("database disk image is malformed"): that is its finding.
    if (isCorruption(err)) return { level, ok: false, messages: [err.message] };
    throw err;
  }
  const messages = rows.map((r) => Object.values(r)[0]);
  const ok = messages.length === 1 && messages[0] === 'ok';
  return { level, ok, messages: ok ? [] : messages };
}

/** SQLite's findings as problems, so that the one judgement (status.ts judge) weighs them with drift. */
export function integrityProblems(integrity: IntegrityResult, violations: ForeignKeyViolation[]): Problem[] {
  const problems: Problem[] = integrity.messages.slice(0, 50).map((message) => ({
    kind: 'integrity' as const, name: 'database', change: 'failed' as const, severity: 'error' as const,
    message: `SQLite ${integrity.level === 'quick' ? 'quick_check' : 'integrity_check'} failed: ${message}`,
  }));
  const byTable = new Map<string, ForeignKeyViolation[]>();
  for (const v of violations) byTable.set(v.table, [...(byTable.get(v.table) ?? []), v]);
  for (const [table, list] of byTable) {
    problems.push({
      kind: 'foreign_key_violation', name: table, table, change: 'failed', severity: 'error',
      message: `${list.length} row(s) of ${table} point at missing rows of ${list[0].parent}.`,
    });
  }
  return problems;
}
