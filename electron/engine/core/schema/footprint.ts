// What the tool leaves in an app's database (schema.json's "footprint"): a module of its own, with
// no imports, so that the schema folder and the code reading the history tables share it without
// importing each other.

/**
 * Who writes a header mark (user_version, application_id): 'tool' stamps it at every version
 * (user_version mirrors the version); 'app' owns it and the tool never writes it; 'unclaimed' (the
 * default) lets the tool write it only in a database it creates, or while it still holds the value
 * the tool wrote, so a value anyone else set is never changed.
 */
export type MarkOwner = 'tool' | 'app' | 'unclaimed';

/** What the tool leaves in an app's database: its history tables' names and which header marks it may write. */
export interface Footprint {
  /** The table of applied versions (default schema_version). */
  versionsTable: string;
  /** The append-only table of lifecycle events (default schema_events). */
  eventsTable: string;
  userVersion: MarkOwner;
  applicationId: MarkOwner;
}

export const DEFAULT_FOOTPRINT: Footprint = {
  versionsTable: 'schema_version',
  eventsTable: 'schema_events',
  userVersion: 'unclaimed',
  applicationId: 'unclaimed',
};
