import type { ChecksumMismatch, IntegrityResult, LegacyVersion, Problem, StatusReport, VerifyReport } from '../../../../shared/types';
import { plural } from '../../lib/format';
import { isRepairable } from '../../lib/repairability';
import { verdictOf } from '../../queries/health';
import { compareVersions } from '../../lib/versions';

/** The one thing to do next for a database, worst problem first. */
export type NextAction =
  | { kind: 'initialize'; to: string }
  | { kind: 'update-tool'; version: string; latest: string }
  | { kind: 'restore'; why: string }
  | { kind: 'repair'; problems: Problem[] }
  | { kind: 'adopt'; legacy: LegacyVersion | null }
  | { kind: 'adopt-and-migrate'; legacy: LegacyVersion; pending: string[]; to: string }
  | { kind: 'accept-checksum'; mismatch: ChecksumMismatch }
  | { kind: 'migrate'; pending: string[]; to: string }
  /** Child rows point at missing parents (the status's foreign_key_check): copy the parents back from a backup. */
  | { kind: 'recover-rows'; orphans: Problem[] }
  /** No verified backup, or none newer than the limit. */
  | { kind: 'back-up'; why: string }
  | { kind: 'none' };

function failedCheck(integrity: IntegrityResult): string {
  const check = integrity.level === 'quick' ? 'quick_check' : 'integrity_check';
  return `SQLite's ${check} failed (${integrity.messages[0] ?? 'no detail'}): the file itself is damaged.`;
}

/** Damage found by the status's own quick_check or by the last verification. */
function damageOf(status: StatusReport, verification: VerifyReport | undefined): string | null {
  if (status.integrity && !status.integrity.ok) return failedCheck(status.integrity);
  if (!verification) return null;
  if (!verification.integrity.ok) return failedCheck(verification.integrity);
  const orphans = verification.foreignKeyViolations.length;
  if (orphans > 0) return `${plural(orphans, 'row')} point at rows that no longer exist (foreign-key violations).`;
  return null;
}

export function nextActionFor(status: StatusReport, verification?: VerifyReport): NextAction {
  if (!status.exists || status.status === 'not_initialized') {
    return { kind: 'initialize', to: status.latest };
  }
  if (status.version && compareVersions(status.version, status.latest) > 0) {
    return { kind: 'update-tool', version: status.version, latest: status.latest };
  }
  const damage = damageOf(status, verification);
  if (damage) return { kind: 'restore', why: damage };
  const errors = status.problems.filter((p) => p.severity === 'error');
  const repairable = errors.filter(isRepairable);
  if (repairable.length) return { kind: 'repair', problems: repairable };
  if (errors.length) {
    return { kind: 'restore', why: `${errors[0].message} Repair cannot fix this safely, so a backup from before the change is the way back.` };
  }
  // Whatever else the engine judged unhealthy: never suggest a migration or "nothing to do" under that verdict.
  const verdict = verdictOf(status, verification);
  if (verdict.status === 'unhealthy') return { kind: 'restore', why: verdict.reason };
  if (status.version === null && status.adoptable && status.legacy?.version) {
    return { kind: 'adopt-and-migrate', legacy: status.legacy, pending: status.pending, to: status.pending[status.pending.length - 1] ?? status.legacy.version };
  }
  if (status.version === null) return { kind: 'adopt', legacy: status.legacy };
  if (status.checksumMismatches.length) return { kind: 'accept-checksum', mismatch: status.checksumMismatches[0] };
  const orphans = status.problems.filter((p) => p.kind === 'foreign_key_violation');
  if (orphans.length) return { kind: 'recover-rows', orphans };
  if (status.pending.length) return { kind: 'migrate', pending: status.pending, to: status.pending[status.pending.length - 1] };
  const notBackedUp = status.problems.find((p) => p.kind === 'backup');
  if (notBackedUp) return { kind: 'back-up', why: notBackedUp.message };
  return { kind: 'none' };
}
