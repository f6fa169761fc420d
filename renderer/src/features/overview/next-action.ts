import { damagedIndexes, onlyIndexesDamaged } from '../../../../shared/damage';
import type { BackupInfo } from '../../../../shared/types/backups';
import type { IntegrityResult, VerifyReport } from '../../../../shared/types/integrity';
import type { ChecksumMismatch, LegacyVersion, Problem } from '../../../../shared/types/schema';
import type { StatusReport } from '../../../../shared/types/status';
import { plural } from '../../lib/format';
import { isRepairable } from '../../lib/repairability';
import { verdictOf } from '../../queries/health';
import { compareVersions } from '../../lib/versions';

/** The one thing to do next for a database, worst problem first. */
export type NextAction =
  | { kind: 'initialize'; to: string }
  | { kind: 'update-tool'; version: string; latest: string }
  | { kind: 'restore'; why: string }
  /** Damaged and no verified backup: keep the file as it is before anything else (issue 21). */
  | { kind: 'preserve'; why: string }
  /** Damaged, no verified backup, a copy already preserved: recover what can be read into a new file. */
  | { kind: 'salvage'; why: string; preserved: string }
  /** Only indexes are damaged: rebuilt from their tables in place. */
  | { kind: 'rebuild-indexes'; why: string; indexes: string[] }
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
  // The first placed finding says where (page and table); SQLite's own words are in it.
  const placed = integrity.damage?.find((d) => d.object !== null);
  if (placed) return `The file itself is damaged, SQLite's ${check} found: ${placed.description}`;
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

/** The failed check whose damage map says most: the last full verification, else the status's quick_check. */
function failedIntegrity(status: StatusReport, verification: VerifyReport | undefined): IntegrityResult | null {
  if (verification && !verification.integrity.ok) return verification.integrity;
  return status.integrity && !status.integrity.ok ? status.integrity : null;
}

/** What fits a damaged file: rebuild indexes; else, without a verified backup, preserve a copy, then salvage; else restore. */
function forDamage(why: string, integrity: IntegrityResult | null, backups: BackupInfo[] | null | undefined): NextAction {
  const damage = integrity?.damage ?? [];
  if (onlyIndexesDamaged(damage)) return { kind: 'rebuild-indexes', why, indexes: damagedIndexes(damage) };
  // Not asked (undefined): as before. Not known yet (null, still loading): preserving a copy is never wrong for a damaged file.
  if (backups === undefined || !integrity) return { kind: 'restore', why };
  if (backups === null) return { kind: 'preserve', why };
  if (backups.some((b) => b.verified?.ok === true && !b.damaged)) return { kind: 'restore', why };
  const preserved = backups.find((b) => b.damaged);
  return preserved ? { kind: 'salvage', why, preserved: preserved.name } : { kind: 'preserve', why };
}

/**
 * `backups` (the database's, newest first; null: not known yet) decides what a damaged file's first
 * step is: with no verified backup to restore (or none known yet), it is to preserve a copy, then to salvage.
 */
export function nextActionFor(status: StatusReport, verification?: VerifyReport, backups?: BackupInfo[] | null): NextAction {
  if (!status.exists || status.status === 'not_initialized') {
    return { kind: 'initialize', to: status.latest };
  }
  if (status.version && compareVersions(status.version, status.latest) > 0) {
    return { kind: 'update-tool', version: status.version, latest: status.latest };
  }
  const damage = damageOf(status, verification);
  if (damage) return forDamage(damage, failedIntegrity(status, verification), backups);
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
    return {
      kind: 'adopt-and-migrate',
      legacy: status.legacy,
      pending: status.pending,
      to: status.pending[status.pending.length - 1] ?? status.legacy.version,
    };
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
