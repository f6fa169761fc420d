import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { VerifyReport } from '../../../shared/types/integrity';
import type { HealthStatus, StatusReport } from '../../../shared/types/status';
import { useApi } from '../api/connection-context';
import { databaseKeys } from './database-keys';
import { useStatus } from './status';
import { verificationQueryOptions } from './verification';

const RANK: Record<HealthStatus, number> = { healthy: 0, degraded: 1, not_initialized: 1, unhealthy: 2 };

/** The verdict to show: the last verification when it found something worse than the status did. */
export function verdictOf(status: StatusReport, verification: VerifyReport | undefined): { status: HealthStatus; reason: string } {
  return verification && RANK[verification.status] > RANK[status.status] ? verification : status;
}

/**
 * A verification invalidated by a write (migrate, repair, restore, backup) says nothing about the
 * database as it is now while its new check runs: skip it until it is redone.
 */
export function currentVerification(queryClient: QueryClient, db: string, verification: VerifyReport | undefined): VerifyReport | undefined {
  return queryClient.getQueryState(databaseKeys.verification(db))?.isInvalidated ? undefined : verification;
}

/**
 * A database's health as every part of the console shows it (sidebar dot, header badge, Overview):
 * the engine's status (drift and quick_check), made worse by the last verification already in the
 * cache (a full check from the Integrity view). It never starts a check.
 */
export function useHealth(db: string) {
  const status = useStatus(db);
  const cached = useQuery({ ...verificationQueryOptions(useApi(), db), enabled: false });
  const verification = currentVerification(useQueryClient(), db, cached.data);
  return { ...status, verification, verdict: status.data ? verdictOf(status.data, verification) : undefined };
}
