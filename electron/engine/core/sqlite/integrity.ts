import type { ForeignKeyViolation, IntegrityResult } from '../../../../shared/types/integrity';
import type { Problem } from '../../../../shared/types/schema';
import { damageMap, findingsOf } from '../repair/damage-map';
import type { Connection } from './open-database';

export type IntegrityLevel = 'quick' | 'full';

function isCorruption(err: unknown): err is Error {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_CORRUPT');
}

/**
 * SQLite's quick_check or integrity_check, with where each finding is (damage-map.ts). The rows
 * are read one by one: damage bad enough stops the check part-way ("database disk image is
 * malformed"), and what it found before that is kept, with the error as its last finding.
 */
export function integrityOf(db: Connection, level: IntegrityLevel): IntegrityResult {
  const rows: string[] = [];
  try {
    const check = db.prepare(`PRAGMA ${level === 'quick' ? 'quick_check' : 'integrity_check'}`).raw(true);
    for (const row of check.iterate() as Iterable<unknown[]>) rows.push(String(row[0]));
  } catch (err) {
    if (!isCorruption(err)) throw err;
    rows.push(err.message);
  }
  const ok = rows.length === 1 && rows[0] === 'ok';
  if (ok) return { level, ok, messages: [] };
  const messages = findingsOf(rows);
  return { level, ok, messages, damage: damageMap(db, messages) };
}

/** SQLite's findings as problems, so that the one judgement (status.ts judge) weighs them with drift. */
export function integrityProblems(integrity: IntegrityResult, violations: ForeignKeyViolation[]): Problem[] {
  const check = integrity.level === 'quick' ? 'quick_check' : 'integrity_check';
  // Placed damage reads as the page and its table; SQLite's own words stay in each sentence.
  const problems: Problem[] = integrity.damage?.length
    ? integrity.damage.slice(0, 50).map((d) => ({
        kind: 'integrity' as const,
        name: d.object ?? 'database',
        ...(d.table ? { table: d.table } : {}),
        change: 'failed' as const,
        severity: 'error' as const,
        message: `SQLite ${check} failed: ${d.description}`,
      }))
    : integrity.messages.slice(0, 50).map((message) => ({
        kind: 'integrity' as const,
        name: 'database',
        change: 'failed' as const,
        severity: 'error' as const,
        message: `SQLite ${check} failed: ${message}`,
      }));
  const byTable = new Map<string, ForeignKeyViolation[]>();
  for (const v of violations) byTable.set(v.table, [...(byTable.get(v.table) ?? []), v]);
  for (const [table, list] of byTable) {
    problems.push({
      kind: 'foreign_key_violation',
      name: table,
      table,
      change: 'failed',
      severity: 'error',
      message: `${list.length} row(s) of ${table} point at missing rows of ${list[0].parent}.`,
    });
  }
  return problems;
}
