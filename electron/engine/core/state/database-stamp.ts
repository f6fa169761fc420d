import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import type { MigrationPlan } from '../../../../shared/types/migrations';

// What a remembered result (a rehearsal) was computed on, so a host can tell when it no longer
// applies: the plan's checksum, and a stamp of the database file as it was.

/** The plan's identity: where it starts and ends, whether it adopts first, and each step's script checksum. */
export function planChecksum(plan: Pick<MigrationPlan, 'from' | 'to' | 'adopt' | 'steps'> & { repeatables?: MigrationPlan['repeatables'] }): string {
  const identity = { from: plan.from, to: plan.to, adopt: plan.adopt?.version ?? null, steps: plan.steps.map((s) => [s.version, s.checksum]) };
  // Repeatable migrations by file and script (named only when there are any, so other plans keep their checksums).
  if (plan.repeatables?.length)
    Object.assign(identity, { repeatables: plan.repeatables.map((r) => [r.file, createHash('sha256').update(r.sql).digest('hex')]) });
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex');
}

function fileStamp(path: string): string {
  const stat = statSync(path, { bigint: true, throwIfNoEntry: false });
  return stat && stat.size > 0n ? `${stat.size}:${stat.mtimeNs}` : '-';
}

/**
 * The database file and its -wal as they are now (size and modification time, to the
 * nanosecond): any write changes it, reading does not. Read it inside the read transaction whose
 * result it stamps.
 */
export function databaseStamp(dbPath: string): string {
  return createHash('sha256')
    .update(`${fileStamp(dbPath)}|${fileStamp(`${dbPath}-wal`)}`)
    .digest('hex')
    .slice(0, 32);
}
