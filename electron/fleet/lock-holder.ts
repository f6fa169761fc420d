import { lockHolders, WardenError } from '../engine';
import type { Deployment } from './fleet-file';

// A local database another process holds (an open write transaction, BEGIN EXCLUSIVE, a long
// backup) is busy, not unhealthy: nothing about its health was learned, and the holder is named.

/** The reason a deployment is locked, when `err` says its database is locked by another process; null otherwise. */
export function lockedReason(err: unknown, deployment: Deployment): string | null {
  if (!(err instanceof WardenError) || err.code !== 'LOCKED') return null;
  const { reach } = deployment;
  const holders = reach.kind === 'file' ? lockHolders(reach.file) : [];
  const by = holders.length ? `Held by ${holders.join(', ')}. ` : '';
  return `Locked: ${err.message.replace(/\.$/, '')}; its health is not known until it is free. ${by}${err.hint}`;
}
