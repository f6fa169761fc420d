import { queryOptions, useQuery } from '@tanstack/react-query';
import type { Api } from '../../api/client';
import { useApi } from '../../api/connection-context';

export const fleetKeys = {
  all: ['fleet'] as const,
  status: (group: string | null) => [...fleetKeys.all, 'status', group ?? '*'] as const,
};

/** The fleet's status, worst first, read again every minute while the page is open. */
export function fleetStatusQueryOptions(api: Api, group: string | null) {
  return queryOptions({ queryKey: fleetKeys.status(group), queryFn: () => api.fleetStatus(group === null ? {} : { group }), refetchInterval: 60_000 });
}

export function useFleetStatus(group: string | null) {
  return useQuery(fleetStatusQueryOptions(useApi(), group));
}

/** Whether this host has a fleet (`warden serve --fleet`): asked once, quietly. */
export function useHasFleet(enabled: boolean): boolean {
  const api = useApi();
  const probe = useQuery({ ...fleetStatusQueryOptions(api, null), refetchInterval: false, retry: false, enabled });
  return enabled && probe.isSuccess;
}
