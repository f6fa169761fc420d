import { queryOptions, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { MethodInput } from '../../../../shared/contract';
import type { Api } from '../../api/client';
import { useApi, useHostEvents } from '../../api/connection-context';
import { FLEET_HREF } from '../../lib/routes';

export const fleetKeys = {
  all: ['fleet'] as const,
  status: (group: string | null) => [...fleetKeys.all, 'status', group ?? '*'] as const,
  compare: (input: MethodInput<'fleetCompare'>) => [...fleetKeys.all, 'compare', input.a, input.b ?? null, input.expectedAt ?? null] as const,
};

/** While a deployment has not answered, the status is read again this often: its answer fills in when it comes. */
export const WAITING_REFETCH_MS = 5_000;

/** The fleet's status, worst first, read again every minute while the page is open (sooner while a deployment is still waiting). */
export function fleetStatusQueryOptions(api: Api, group: string | null) {
  return queryOptions({
    queryKey: fleetKeys.status(group),
    queryFn: () => api.fleetStatus(group === null ? {} : { group }),
    refetchInterval: (query) => (query.state.data?.deployments.some((d) => d.waitingSince !== undefined) ? WAITING_REFETCH_MS : 60_000),
  });
}

export function useFleetStatus(group: string | null) {
  return useQuery(fleetStatusQueryOptions(useApi(), group));
}

/** Two schemas compared (the CLI's fleet compare): asked when the page names both sides, read again only on Compare. */
export function useFleetCompare(input: MethodInput<'fleetCompare'> | null) {
  const api = useApi();
  return useQuery({
    queryKey: input === null ? [...fleetKeys.all, 'compare', 'none'] : fleetKeys.compare(input),
    queryFn: () => api.fleetCompare(input!),
    enabled: input !== null,
    staleTime: Infinity,
    retry: false,
  });
}

/** Whether this host has a fleet (`warden serve --fleet`): asked once, quietly. */
export function useHasFleet(enabled: boolean): boolean {
  const api = useApi();
  const probe = useQuery({ ...fleetStatusQueryOptions(api, null), refetchInterval: false, retry: false, enabled });
  return enabled && probe.isSuccess;
}

/** The desktop app opened a fleet file (File → Open Fleet…): read the fleet again and show its page. */
export function useFleetAnnouncements(): void {
  const subscribe = useHostEvents();
  const queryClient = useQueryClient();
  useEffect(
    () =>
      subscribe((event) => {
        if (event.type !== 'fleet') return;
        void queryClient.invalidateQueries({ queryKey: fleetKeys.all });
        window.location.hash = FLEET_HREF;
      }),
    [subscribe, queryClient],
  );
}
