import type { MethodName } from '../../shared/contract';
import type { ErrorInfo } from '../../shared/errors';
import { READ_ONLY_METHODS } from '../api/read-only-methods';
import { tokenMatches } from './request-guards';

// Two tokens per `warden serve`: the operator's, which may call every method, and a read-only one
// for support and QA, which may call READ_ONLY_METHODS only (see read-only-methods.ts).

export type Role = 'operator' | 'read-only';

export interface HostTokens {
  operator: string;
  readOnly: string;
}

/** Which role a presented token carries, or null when it is neither token. Both comparisons always run (constant time). */
export function roleOf(tokens: HostTokens, presented: string | null): Role | null {
  const operator = tokenMatches(tokens.operator, presented);
  const readOnly = tokenMatches(tokens.readOnly, presented);
  if (operator) return 'operator';
  return readOnly ? 'read-only' : null;
}

export function mayCall(role: Role, method: MethodName): boolean {
  return role === 'operator' || READ_ONLY_METHODS.has(method);
}

export function refusedToReadOnly(method: MethodName): ErrorInfo {
  return {
    code: 'FORBIDDEN',
    message: `${method} is refused: this request carries the read-only token, which may view and verify but not change a database, take or restore backups, or read rows.`,
    hint: 'Ask the operator to run it, or send the operator token that `warden serve` printed.',
    details: { method, role: 'read-only', allowed: [...READ_ONLY_METHODS] },
  };
}
