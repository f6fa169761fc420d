// What a person can do next, as data: the engine names the action and its arguments, and each app
// words it (the CLI as a command to paste with the --db, --schema and --backup-dir the user gave,
// the console as the button or view that does it). The engine's sentences state facts only.

/** A verb of the contract, by the contract's name, with the arguments the engine knows. */
export type VerbAction =
  | { action: 'status' }
  | { action: 'history' }
  | { action: 'tables' }
  | { action: 'query' }
  | { action: 'verify'; full?: boolean }
  | { action: 'initialize' }
  | { action: 'plan' }
  | { action: 'rehearse'; to: string }
  | { action: 'migrate' }
  | { action: 'repair'; dryRun?: boolean }
  /** version absent: the engine does not know which version the schema matches. */
  | { action: 'baseline'; version?: string }
  | { action: 'acceptChecksum'; version: string }
  | { action: 'backup' }
  | { action: 'backups' }
  /** backup absent: any backup the person picks. */
  | { action: 'verifyBackup'; backup?: string }
  | { action: 'restore'; backup?: string }
  | { action: 'recoverRows'; table: string; backup?: string; dryRun?: boolean }
  | { action: 'preserveCopy' }
  | { action: 'salvage' };

/**
 * What the host is asked to do differently, not a verb: wait longer for a lock, back up on a
 * timer, write backups to another folder, read another schema folder, or name the app's tool's
 * history table.
 */
export type HostAction =
  | { action: 'busyTimeout'; ms?: number }
  | { action: 'scheduleBackups'; every: string }
  | { action: 'backupDir' }
  | { action: 'schemaFolder' }
  | { action: 'migrationsTable' };

export type NextAction = VerbAction | HostAction;

export type NextActionName = NextAction['action'];
