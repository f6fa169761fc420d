import { useQuery } from '@tanstack/react-query';
import type { MethodName } from '../../../shared/contract';
import { useApi } from '../api/connection-context';
import { refusalText } from '../lib/refusal-text';

/** Who the host records actions as, whether it asks for the operator's name, whether this console is read-only and what it may call. */
export function useHostInfo() {
  const api = useApi();
  return useQuery({ queryKey: ['host-info'], queryFn: () => api.hostInfo({}), staleTime: Infinity });
}

/** True once the host has said this console's access is read-only (view and verify only). */
export function useReadOnly(): boolean {
  return useHostInfo().data?.readOnly === true;
}

/** Why this console may not call `method`, once the host has said it may not; null when it may (or the host has not said). */
export function useRefusal(method: MethodName): string | null {
  const info = useHostInfo().data;
  if (!info?.mayCall || info.mayCall.includes(method)) return null;
  return refusalText(method, info.readOnly);
}
