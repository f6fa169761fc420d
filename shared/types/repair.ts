// The ways back from damage and loss: repair, recover rows, salvage.

import type { BackupInfo } from './backups';
import type { DamagedPage, IntegrityResult, OrphanedRows, RowsInBackup } from './integrity';
import type { Problem } from './schema';

export interface RepairResult {
  path: string;
  version: string;
  /** True when nothing was written: `recreated` and `statements` are what repair would do. */
  dryRun: boolean;
  /** Missing objects recreated (a renamed table: renamed back), in the order of `statements`. */
  recreated: Problem[];
  /** The SQL repair ran (or, in a dry run, would run), one statement per recreated object. */
  statements: string[];
  /** Drift repair will not touch, each with why (message) and what to do (hint). */
  refused: Problem[];
  /** Child rows pointing at missing parent rows after the repair (a recreated parent starts empty). */
  orphanedRows: OrphanedRows[];
  /** For each table recreated empty, the verified backups that still hold rows of it (recover-rows copies them back). */
  rowsInBackups: RowsInBackup[];
  backup: BackupInfo | null;
  /** Damage SQLite's integrity_check found before the repair, page by page (issue 21); empty when none. */
  damage?: DamagedPage[];
  /** Damaged indexes rebuilt in place from their tables (REINDEX), in a dry run: to rebuild. */
  rebuiltIndexes?: string[];
  /** The byte copy of the damaged file taken before indexes were rebuilt (never restorable). */
  preservedCopy?: BackupInfo | null;
  /** integrity_check after the rebuild (null when nothing was rebuilt). */
  integrityAfter?: IntegrityResult | null;
  /** Damage to table pages, which repair cannot fix in place: what restoring the newest verified backup would lose, table by table. */
  tableDamage?: TableDamageOptions | null;
}

/** What fits damage to table pages: restore the newest verified backup, salvage into a new file, or both. */
export interface TableDamageOptions {
  /** The damaged tables. */
  tables: string[];
  /** The newest verified backup (null: none). */
  backup: { name: string; createdAt: string; version: string | null } | null;
  /** Per table: rows in the live file (null: unreadable there) and in the backup (null: no backup, or not in it). */
  counts: { table: string; live: number | null; inBackup: number | null; damaged: boolean }[];
}

/** One table of a row recovery: what the backup holds, what is missing here, what is copied back. */
export interface RecoveredTable {
  table: string;
  /** Rows the recovery looked at in the backup (for a child table: those of the recovered parents). */
  inBackup: number;
  /** Of those, rows whose primary key the live table does not have. */
  missing: number;
  /** Missing rows left out because their parent row is in neither the live database nor the recovery. */
  withoutParent: number;
  /** Rows copied back (in a dry run: that would be). */
  copied: number;
}

export interface RecoverRowsResult {
  path: string;
  table: string;
  /** The backup the rows came from. */
  backup: string;
  dryRun: boolean;
  /** The table first, then its children (and theirs): the order rows are copied in. */
  tables: RecoveredTable[];
  /** Rows still pointing at missing parents afterwards (in a dry run: now). */
  orphanedRows: OrphanedRows[];
  /** The verified backup taken before anything was copied; null in a dry run or when there was nothing to copy. */
  preRecoverBackup: BackupInfo | null;
}

/** A page of the damaged file that a b-tree points at but that does not parse: its rows, or its index entries, are lost. */
export interface UnreadablePage {
  page: number;
  /** The table or index whose b-tree points at the page ('sqlite_schema' for the schema itself). */
  owner: string;
  ownerKind: 'table' | 'index' | 'schema';
  /** The table the owner belongs to (an index's table; the table itself), or null for the schema. */
  table: string | null;
  /** Why it does not parse, in words. */
  reason: string;
}

/** One table of a salvaged database beside the newest verified backup. */
export interface SalvagedTable {
  name: string;
  /** Rows recovered into the new file (null: the table is not in it). */
  salvaged: number | null;
  /** Rows in the newest verified backup (null: no such backup, or the table is not in it). */
  inBackup: number | null;
  /** Pages of this table's b-tree or of its indexes that could not be read. */
  unreadablePages: UnreadablePage[];
  /** Rows found on readable pages that could not be read whole (a broken overflow chain). */
  rowsLost: number;
}

/** Rows copied back into a salvaged file from a verified backup (the "both" way out of a damaged file). */
export interface SalvageBackupRows {
  /** The backup the rows came from. */
  backup: string;
  /** Per table: rows the backup holds that the salvaged file lacked, and how many were copied. */
  tables: RecoveredTable[];
  /** Tables that lost rows but could not be matched by primary key with the backup, and why. */
  notMatched: { table: string; reason: string }[];
}

export interface SalvageReport {
  /** The damaged database, never written to. */
  path: string;
  /** The new file holding what could be read. */
  out: string;
  /** The version the recovered history records (null: none recovered). */
  version: string | null;
  integrity: IntegrityResult;
  /** Drift of the new file from the expected schema at `version`. */
  drift: Problem[];
  tables: SalvagedTable[];
  /** Rows whose table could not be told, or that their table refused (in lost_and_found, with their page). */
  lostAndFound: number;
  /** The backup the counts are set beside (null: no verified backup). */
  comparedWith: string | null;
  /** Rows copied back from a backup after the salvage (null: not asked for). `salvaged` counts what was read from the damaged file alone. */
  fromBackup: SalvageBackupRows | null;
  durationMs: number;
  /** Pages of the damaged database (after its WAL's last commit). */
  pageCount: number;
  /** Pages read from the damaged file and its WAL. */
  pagesRead: number;
  /** Every page a b-tree points at that could not be read, with its owner. */
  unreadablePages: UnreadablePage[];
  /** Table leaves no readable b-tree reached, found by scanning the file. */
  orphanedLeaves: number;
  /** Committed WAL frames read (0: no WAL, or nothing committed in it). */
  walFrames: number;
  /** Rows of the new file that point at a missing parent (PRAGMA foreign_key_check). */
  foreignKeyViolations: number;
  /** What the reader could not rely on (an unreadable header or freelist), in words. */
  notes: string[];
}
