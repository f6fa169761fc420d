import { METHOD_NAMES, type MethodName } from '../../shared/contract';

// What `warden serve`'s read-only token may call, for support and QA: view and verify, download
// nothing. It may look at status, history, tables, plans and backups and run checks; it may not
// change a database, take or restore a backup, run a query or browse rows (rows would leave the
// host), rehearse (a copy of the data on the host's disk), open, create or close databases, or
// cancel someone else's operation. hostInfo tells the console this list, so it offers only these.

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
  // When and by whom queries ran, without their SQL (query-history.ts strips it for this token).
  'queryHistory',
  'plan',
  'verify',
  'backups',
  'backupSchedule',
  'verifyBackup',
  'fleetStatus',
  // Verify all: checks only, as verify does (Back up all is refused: it writes a backup on every deployment).
  'fleetVerify',
  // Compare: the CREATE statements of two schemas, no rows (as schemaObjects is open to it).
  'fleetCompare',
]);

/** The methods a caller may use: all of them, or the read-only token's. */
export function methodsAllowed(readOnly: boolean): MethodName[] {
  return readOnly ? METHOD_NAMES.filter((method) => READ_ONLY_METHODS.has(method)) : [...METHOD_NAMES];
}
