import { useQuery } from '@tanstack/react-query';
import { useApi } from '../api/connection-context';

/** Who the host records actions as, whether it asks for the operator's name, and whether this console is read-only. */
export function useHostInfo() {
  const api = useApi();
  return useQuery({ queryKey: ['host-info'], queryFn: () => api.hostInfo({}), staleTime: Infinity });
}

/** True once the host has said this console's access is read-only (view and verify only). */
export function useReadOnly(): boolean {
  return useHostInfo().data?.readOnly === true;
}
