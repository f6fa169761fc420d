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

/** A schema or migrations folder chosen for an open database: the database under its new schema, and what was recognised in the folder. */
export interface SchemaFolderChoice {
  database: DatabaseEntry;
  schema: SchemaSummary;
  /** What the host read the folder as, in a sentence: its format (detected, or from schema.json), versions and history table. */
  recognised: string;
}
