import type { MethodName } from '../../shared/contract';
import type { ErrorInfo } from '../../shared/errors';
import { tokenMatches } from './request-guards';

// Two tokens per `warden serve`: the operator's, which may call every method, and a read-only one
// for support and QA: view, verify, download nothing. Read-only may look at status, history,
// tables, plans and backups and run checks; it may not change a database, take or restore a
// backup, run a query (rows would leave the host), rehearse (a copy of the data on the host's
// disk), open, create or close databases, or cancel someone else's operation.

export type Role = 'operator' | 'read-only';

export interface HostTokens {
  operator: string;
  readOnly: string;
}

export const READ_ONLY_METHODS: ReadonlySet<MethodName> = new Set<MethodName>([
  'listSchemas',
  'listDatabases',
  // Who the console acts as (and that it is read-only), and the host's jobs: the console reads them on every page.
  'hostInfo',
  'jobs',
  'status',
  'history',
  'tables',
  'schemaObjects',
  'schemaDiagram',
  'sizes',
  'plan',
  'verify',
  'backups',
  'backupSchedule',
  'verifyBackup',
  'fleetStatus',
  // Verify all: checks only, as verify does (Back up all is refused: it writes a backup on every deployment).
  'fleetVerify',
]);

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
