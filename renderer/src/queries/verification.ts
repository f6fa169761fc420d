import { queryOptions, useQuery } from '@tanstack/react-query';
import type { VerifyReport } from '../../../shared/types/integrity';
import type { Api } from '../api/client';
import { useApi } from '../api/connection-context';
import { databaseKeys } from './database-keys';

/**
 * The host's last check of the database that ended well (a full one, from any console: the host
 * keeps it), while the file is as that check found it: its stamp equals the one status reads now.
 */
async function keptVerification(api: Api, db: string): Promise<VerifyReport | null> {
  const last = (await api.jobs({})).find((job) => job.db === db && job.kind === 'verify' && job.state === 'done');
  if (!last) return null;
  const report = last.result as VerifyReport;
  const { integrity } = await api.status({ db });
  return integrity?.databaseStamp === report.databaseStamp ? report : null;
}

/**
 * The last verification of a database. Read for the first time, it is the host's last check of
 * the unchanged file, or else a quick check run now; a check started from the Integrity view
 * replaces it (setQueryData), and a write invalidates it.
 */
export function verificationQueryOptions(api: Api, db: string) {
  return queryOptions({
    queryKey: databaseKeys.verification(db),
    // Without a kept check (or a host that keeps none), a quick check says how it is now.
    queryFn: async () => (await keptVerification(api, db).catch(() => null)) ?? api.verify({ db, level: 'quick' }),
    staleTime: 5 * 60_000,
    refetchOnWindowFocus: false,
  });
}

/** `enabled: false` for a database file that does not exist yet: there is nothing to check. */
export function useVerification(db: string, { enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({ ...verificationQueryOptions(useApi(), db), enabled });
}
