// A database's state as status and health report it: version, drift, problems.

import type { HealthStatus } from '../health-status';
import type { CheckedIntegrity } from './integrity';
import type { ChecksumMismatch, LegacyVersion, Problem } from './schema';

export type { HealthStatus } from '../health-status';

export interface StatusReport {
  path: string;
  schema: string;
  exists: boolean;
  status: HealthStatus;
  /** Why the status is what it is, in words. */
  reason: string;
  version: string | null;
  latest: string;
  pending: string[];
  /** The database file's size on disk (0: no file). */
  bytes: number;
  journalMode: string | null;
  sqliteVersion: string;
  applicationId: number | null;
  legacy: LegacyVersion | null;
  /** Unversioned, but exactly the version the service's own table records: init and migrate adopt it by themselves. */
  adoptable: boolean;
  checksumMismatches: ChecksumMismatch[];
  problems: Problem[];
  /** SQLite's latest quick_check (null: no file), with when it ran: run by this status, or a recent one of the unchanged file a host kept; a failure makes the status unhealthy. */
  integrity: CheckedIntegrity | null;
  /** When this status was read (ISO-8601 UTC): the console shows its age. */
  checkedAt: string;
}

/** One database as the health endpoint reports it (from a cached status + quick verification). */
export interface DatabaseHealth {
  /** The host's id for the database. */
  name: string;
  path: string;
  status: HealthStatus;
  reason: string;
  version: string | null;
  latest: string | null;
  pending: string[];
  /** What is wrong, one sentence each (missing objects, failed integrity, an unreadable file). */
  problems: string[];
  checkedAt: string;
}

/** Per database: "healthy", "not_initialized", "degraded: <why>" or "error: <why>". */
export type ComponentHealth = 'healthy' | 'not_initialized' | `degraded: ${string}` | `error: ${string}`;

export interface HealthDocument {
  /** unhealthy (HTTP 503) when any database is; degraded when any is not initialized or behind; healthy otherwise. */
  status: 'healthy' | 'degraded' | 'unhealthy';
  timestamp: string;
  components: {
    /** One entry per database by name, plus `schema_version`: the version of the first database served. */
    database: { schema_version: string | null; [name: string]: string | null };
    backend: 'running';
  };
  databases: DatabaseHealth[];
}

/**
 * What GET /api/health tells a caller without the token: each database's status and versions,
 * without its path, reason or problems (they name files, folders and tables).
 */
export interface PublicHealthDocument {
  status: HealthDocument['status'];
  timestamp: string;
  components: {
    /** Per database: "healthy", "not_initialized", "degraded" or "error"; plus `schema_version`. */
    database: { schema_version: string | null; [name: string]: string | null };
    backend: 'running';
  };
  databases: Pick<DatabaseHealth, 'name' | 'status' | 'version' | 'latest' | 'pending' | 'checkedAt'>[];
}
