// Backups, their verification, schedules and restores.

import type { IntegrityResult } from './integrity';

/** scheduled: taken by a host's timer (warden serve --backup-every, the desktop app's setting); kept under its own retention count. preserved-damaged: a byte copy of a damaged file, never restored. */
export type BackupReason = 'manual' | 'scheduled' | 'pre-migrate' | 'pre-repair' | 'pre-restore' | 'pre-recover' | 'preserved-damaged';

/** A file beside a preserved copy: the journal or WAL the damaged database had, byte for byte. */
export interface PreservedCompanion {
  /** '-wal' or '-journal'. */
  suffix: string;
  sha256: string;
  bytes: number;
}

/** A backup as its manifest (the JSON file beside it) describes it. */
export interface BackupInfo {
  /** File name inside the backup folder: how the renderer names a backup. */
  name: string;
  path: string;
  /** SHA-256 of the backup file as it was written and verified. */
  sha256: string;
  bytes: number;
  sourcePath: string;
  /** The application_id the backup is stamped with (0: none). */
  applicationId: number;
  version: string | null;
  sqliteVersion: string;
  reason: BackupReason;
  createdAt: string;
  /**
   * Order of taking in the backup folder, counted by Schema Warden (a clock can be wrong, a year
   * ahead): higher is newer. 0 for a backup taken before it was counted.
   */
  sequence: number;
  durationMs: number;
  /** The check made before the backup was kept; null when it was taken without one (`--no-verify`). */
  verified: { ok: boolean; level: 'quick' | 'full'; at: string; messages: string[] } | null;
  /** A preserved copy of a damaged database (reason 'preserved-damaged'): never restorable, never verified. */
  damaged?: boolean;
  /** Why a preserved copy was made: by hand, or before a repair rebuilt damaged indexes. */
  preservedFor?: 'manual' | 'pre-repair';
  /** The journal or WAL preserved beside it, under the same name plus its suffix. */
  companions?: PreservedCompanion[];
  /** A later verify-backup found it altered or failing (when, why): `verified` then says failed, whatever the first check found. */
  failedVerification?: { at: string; problems: string[] };
  /** Its size or modification time is not what was recorded when it was verified (why, in words): `verified` then says failed until verify-backup checks it again. */
  changedSinceVerified?: string;
}

export interface BackupVerification {
  name: string;
  path: string;
  ok: boolean;
  /** The file's SHA-256 equals the one its manifest recorded (false when there is no manifest). */
  hashMatches: boolean;
  sha256: string;
  expectedSha256: string | null;
  version: string | null;
  integrity: IntegrityResult;
  /** Each reason the backup cannot be trusted, in words (empty when ok). */
  problems: string[];
  durationMs: number;
}

export interface RestoreResult {
  path: string;
  restoredFrom: BackupInfo;
  /** The backup of what the restore replaced, so a restore can be undone (null: there was no database yet). */
  preRestoreBackup: BackupInfo | null;
  version: string | null;
  /** The version of the database the restore replaced when it was newer than the backup's: a downgrade (null: none). */
  downgradedFrom: string | null;
  /** How many events of the replaced database's history were carried into the restored one. */
  carriedEvents: number;
}

/** What a restore would do, shown before it is confirmed. */
export interface RestorePreview {
  /** The backup's path. */
  from: string;
  /** The backup's version: what the database will be at. */
  version: string;
  /** The live database's version now (null: no database, or not versioned). */
  liveVersion: string | null;
  /** The backup is older than the live database. */
  downgrade: boolean;
  /** Per table, the rows the restore would lose or change back (absent: not compared, or no live database). */
  tables?: RestoreTableDiff[];
}

/** A host's scheduled backups of one database (warden serve --backup-every, the desktop app's setting). */
export interface BackupScheduleInfo {
  /** The interval (null: no schedule). */
  everyMs: number | null;
  /** The last backup the schedule took or tried since the host started (null: none yet). */
  last: { at: string; ok: boolean; name: string | null; error: string | null } | null;
  /** When the next one is due (null: no schedule, or not worked out yet). */
  nextAt: string | null;
  /** The interval can be changed from the console (the desktop app); the web host's is set on its command line. */
  settable: boolean;
}

/** One table of a restore preview: the live rows the backup lacks or holds differently, matched by key. */
export interface RestoreTableDiff {
  table: string;
  /** The columns rows are matched by (the primary key), or ['rowid']. */
  key: string[];
  /** Rows here whose key the backup lacks: lost by the restore. */
  onlyHere: number;
  /** Rows with the same key and other values (in the columns both have): changed back by the restore. */
  different: number;
  /** Rows only the backup has: brought back by the restore. */
  onlyInBackup: number;
  /** A few keys of each, as SQL literals. */
  examples: { onlyHere: string[]; different: string[]; onlyInBackup: string[] };
  /** The table is in only one of the two files. */
  missingIn?: 'backup' | 'live';
  /** Why the rows could not be matched (the key is not in the backup's table). */
  uncomparable?: string;
}
