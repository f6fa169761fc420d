import { QueryClient } from '@tanstack/react-query';
import { ApiError } from '../api/api-error';

/** Engine errors are answers, not glitches: retrying them would only delay the sentence. */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: (failures, error) => !(error instanceof ApiError && error.info.code !== 'INTERNAL') && failures < 2, staleTime: 10_000 },
      mutations: { retry: false },
    },
  });
}
