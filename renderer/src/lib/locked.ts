import { errorInfoOf } from '../api/api-error';

/** Locked is a wait, not damage: another process holds the write lock and will let go. */
export function isLocked(error: unknown): boolean {
  return error != null && errorInfoOf(error).code === 'LOCKED';
}
