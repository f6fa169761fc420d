// Databases and schemas as the hosts list them.

export interface SchemaSummary {
  name: string;
  title: string;
  description: string;
  versions: string[];
  latest: string;
}

export interface DatabaseEntry {
  /** The host's id for the database; the only way the renderer names it. */
  id: string;
  /** File name, for display. */
  name: string;
  path: string;
  schema: string;
  /** A backup opened read-only to look at before a restore (openBackup): the id of the database it is a backup of. Only reading methods reach it. */
  backupOf?: string;
}
