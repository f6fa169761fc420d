import type { MethodName } from '../../../shared/contract';

// Why a console may not do something, in words: said beside the disabled action, before anyone
// clicks it, rather than as FORBIDDEN after. The host says which methods this console may call
// (hostInfo.mayCall); this file only phrases the others.

/** What a method does, as "only the operator can …" ends. */
const DOING: Partial<Record<MethodName, string>> = {
  backup: 'take backups',
  restore: 'restore backups',
  previewRestore: 'preview a restore',
  openBackup: 'open backups',
  openSalvaged: 'open salvaged files',
  migrate: 'migrate',
  rehearse: 'rehearse a migration (it copies the data on the host)',
  initialize: 'initialize a database',
  baseline: 'adopt a database',
  acceptChecksum: 'accept an edited migration',
  repair: 'repair or rebuild',
  recoverRows: 'recover rows',
  preserveCopy: 'preserve a copy',
  salvage: 'salvage',
  query: 'run queries (rows would leave the host)',
  rows: 'browse rows (they would leave the host)',
  rowChildren: 'browse rows',
  createDatabase: 'create databases',
  closeDatabase: 'stop serving a database',
  cancel: 'cancel jobs',
  setBackupSchedule: 'change the backup schedule',
  fleetMigrate: 'roll a migration out',
  fleetBackup: 'back up the fleet',
};

/** One sentence: why `method` is not offered to this console, and what to do about it. */
export function refusalText(method: MethodName, readOnly: boolean): string {
  if (!readOnly) return 'This window cannot do it: use the app’s main window.';
  return `Read-only access: only the operator can ${DOING[method] ?? `call ${method}`}.`;
}
