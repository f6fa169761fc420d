// SQLite's checks (quick, full, foreign keys) and what they found, page by page.

import type { HealthStatus } from '../health-status';
import type { Problem } from './schema';

export interface IntegrityResult {
  level: 'quick' | 'full';
  ok: boolean;
  messages: string[];
  /** Where the damage SQLite reports is: each page with the table or index it belongs to (issue 21); absent or empty when ok. */
  damage?: DamagedPage[];
}

/** One damaged place SQLite's integrity check names, with the table or index it belongs to (issue 21). */
export interface DamagedPage {
  /** The page SQLite names (1-based); null when its message names none ("wrong # of entries in index X"). */
  page: number | null;
  /** The table or index it belongs to; null when that cannot be told. */
  object: string | null;
  objectType: 'table' | 'index' | 'freelist' | null;
  /** The table the object belongs to (an index's table; a table itself). */
  table: string | null;
  /** What the page holds, where SQLite's dbstat could read it. */
  pageType: 'leaf' | 'internal' | 'overflow' | null;
  /** How the owner was found: SQLite's message names the tree's root page, dbstat lists the page, or neither. */
  foundBy: 'message' | 'dbstat' | 'unknown';
  /** SQLite's first message about this place, as it wrote it. */
  message: string;
  /** How many of SQLite's messages are about this place. */
  messages: number;
  /** What SQLite's message means, in words, where it is one SQLite often gives ("its header cannot be read…"). */
  meaning?: string | null;
  /** In words: "Page 37 of table conversation_files (a leaf holding rows) is damaged: …". */
  description: string;
}

export interface CheckedIntegrity extends IntegrityResult {
  checkedAt: string;
  /** The database file as the check read it (see MigrationPlan.databaseStamp): a host reuses a recent result while the file is unchanged. */
  databaseStamp?: string;
  /** Child rows pointing at missing parents (PRAGMA foreign_key_check), per child table and parent, counted with the check and kept with it. */
  orphanedRows?: OrphanedRows[];
}

export interface ForeignKeyViolation {
  table: string;
  rowid: number | null;
  parent: string;
  constraintIndex: number;
}

export interface VerifyReport {
  path: string;
  status: HealthStatus;
  reason: string;
  version: string | null;
  problems: Problem[];
  integrity: IntegrityResult;
  foreignKeyViolations: ForeignKeyViolation[];
  checkedAt: string;
  /** The database file as the check found it (see MigrationPlan.databaseStamp): the check stands for the file while it is unchanged. */
  databaseStamp: string;
  durationMs: number;
}

/** Rows of a child table whose parent row is gone, counted by PRAGMA foreign_key_check. */
export interface OrphanedRows {
  table: string;
  parent: string;
  rows: number;
}

/** How many rows of a table one verified backup holds. */
export interface RowsInBackup {
  table: string;
  /** The backup's file name (how backups are named to the API), and where it is. */
  backup: string;
  path: string;
  createdAt: string;
  rows: number;
}
