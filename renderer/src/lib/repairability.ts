import type { Problem } from '../../../shared/types/schema';

// What `repair` can do (issue 4): recreate missing tables, indexes, triggers and views from the
// expected schema. Everything else it refuses, because fixing it could lose or reshape data.

const RECREATABLE = new Set<Problem['kind']>(['table', 'index', 'trigger', 'view']);

export function isRepairable(problem: Problem): boolean {
  return problem.change === 'missing' && RECREATABLE.has(problem.kind);
}

/** Why repair leaves this problem alone, in words, and what to do instead. */
export function whyNotRepairable(problem: Problem): string {
  if (problem.kind === 'integrity') return 'SQLite found damaged pages; nothing can be recreated from the schema. Restore a backup.';
  if (problem.kind === 'foreign_key_violation')
    return 'These rows point at rows that no longer exist; repair never deletes data. Restore a backup or fix the rows.';
  if (problem.kind === 'checksum') return 'A migration file changed after it ran; accept the new checksum or put the original file back.';
  if (problem.change === 'extra') return 'Repair never drops what is there: it may hold data. Remove it by hand if it is not needed.';
  if (problem.kind === 'column') return 'Changing a column means rebuilding its table with the data in it; restore a backup or write a migration.';
  if (problem.change === 'changed') return 'Repair only recreates missing objects; a changed definition needs a migration or a restore.';
  return 'Repair only recreates missing tables, indexes, triggers and views.';
}
