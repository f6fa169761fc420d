import type { MethodName } from '../../../shared/contract';
import { METHOD_NAMES } from '../../../shared/contract';
import type { BackupInfo } from '../../../shared/types/backups';
import type { HistoryReport, LifecycleEvent } from '../../../shared/types/history';
import type { VerifyReport } from '../../../shared/types/integrity';
import type { HostInfo, Job } from '../../../shared/types/jobs';
import type { MigrationPlan, RehearsalReport } from '../../../shared/types/migrations';
import type { Problem } from '../../../shared/types/schema';
import type { StatusReport } from '../../../shared/types/status';

// Engine results as the conversation_files schema produces them, for component tests.

export function statusReport(overrides: Partial<StatusReport> = {}): StatusReport {
  return {
    path: '/srv/chat/conversation_files.db',
    schema: 'conversation_files',
    exists: true,
    status: 'healthy',
    reason: 'At 1.2.0, the latest version; the schema is as expected.',
    version: '1.2.0',
    latest: '1.2.0',
    pending: [],
    bytes: 204_800,
    journalMode: 'wal',
    sqliteVersion: '3.53.2',
    applicationId: 1129530950,
    legacy: null,
    adoptable: false,
    checksumMismatches: [],
    problems: [],
    integrity: { level: 'quick', ok: true, messages: [], checkedAt: '2025-03-01T10:00:00.000Z' },
    checkedAt: '2025-03-01T10:00:00.000Z',
    ...overrides,
  };
}

export const FRESH_STATUS = statusReport({
  status: 'not_initialized',
  reason: 'The database has no schema yet: initialize it.',
  version: null,
  pending: ['1.0.0', '1.1.0', '1.2.0'],
  bytes: 0,
  journalMode: 'delete',
  applicationId: 0,
});

export const MISSING_TABLE: Problem = {
  kind: 'table',
  name: 'file_metadata',
  table: 'file_metadata',
  change: 'missing',
  severity: 'error',
  message: 'Table file_metadata is missing.',
};
export const MISSING_INDEX: Problem = {
  kind: 'index',
  name: 'idx_conversation_files_hash',
  table: 'conversation_files',
  change: 'missing',
  severity: 'error',
  message: 'Index idx_conversation_files_hash is missing.',
};
export const CHANGED_COLUMN: Problem = {
  kind: 'column',
  name: 'mime_type',
  table: 'conversation_files',
  change: 'changed',
  severity: 'error',
  message: 'Column conversation_files.mime_type differs from the expected schema.',
  expected: "TEXT NOT NULL DEFAULT 'application/octet-stream'",
  actual: 'TEXT',
};

export const BROKEN_STATUS = statusReport({
  status: 'unhealthy',
  reason: 'Table file_metadata is missing (and 1 more problem).',
  problems: [MISSING_TABLE, MISSING_INDEX],
});

/** A file with pages overwritten in its middle, behind on its migrations: what misled the console in issue 14. */
export const DAMAGED_STATUS = statusReport({
  status: 'unhealthy',
  reason: 'SQLite quick_check failed: database disk image is malformed.',
  version: '1.1.0',
  pending: ['1.2.0'],
  problems: [
    { kind: 'integrity', name: 'database', change: 'failed', severity: 'error', message: 'SQLite quick_check failed: database disk image is malformed' },
  ],
  integrity: { level: 'quick', ok: false, messages: ['database disk image is malformed'], checkedAt: '2025-03-01T10:00:00.000Z' },
});

export function verifyReport(overrides: Partial<VerifyReport> = {}): VerifyReport {
  return {
    path: '/srv/chat/conversation_files.db',
    status: 'healthy',
    reason: 'At 1.2.0, the latest version; the schema is as expected.',
    version: '1.2.0',
    problems: [],
    integrity: { level: 'quick', ok: true, messages: [] },
    foreignKeyViolations: [],
    databaseStamp: 'stamp-verified',
    checkedAt: '2025-03-01T10:00:00.000Z',
    durationMs: 42,
    ...overrides,
  };
}

export function backupInfo(overrides: Partial<BackupInfo> = {}): BackupInfo {
  return {
    name: 'conversation_files-20250301T100000Z-manual.sqlite',
    path: '/srv/chat/conversation_files.db.backups/conversation_files-20250301T100000Z-manual.sqlite',
    sha256: 'a'.repeat(64),
    bytes: 204_800,
    sourcePath: '/srv/chat/conversation_files.db',
    applicationId: 1129530950,
    version: '1.2.0',
    sqliteVersion: '3.53.2',
    reason: 'manual',
    createdAt: '2025-03-01T10:00:00.000Z',
    sequence: 1,
    durationMs: 120,
    verified: { ok: true, level: 'quick', at: '2025-03-01T10:00:01.000Z', messages: [] },
    ...overrides,
  };
}

export function lifecycleEvent(id: number, overrides: Partial<LifecycleEvent> = {}): LifecycleEvent {
  return {
    id,
    at: new Date(Date.UTC(2025, 0, 1) + id * 60_000).toISOString(),
    action: 'backup',
    version: '1.2.0',
    outcome: 'ok',
    actor: 'ops@vm-01 (pid 100)',
    detail: { name: `backup-${id}.sqlite`, reason: 'manual' },
    ...overrides,
  };
}

export function historyReport(events: LifecycleEvent[]): HistoryReport {
  return {
    path: '/srv/chat/conversation_files.db',
    version: '1.2.0',
    versions: [
      {
        version: '1.2.0',
        appliedAt: '2025-02-01T10:00:00.120Z',
        description: 'storage backend and required mime type',
        checksum: 'c'.repeat(64),
        executionMs: 31,
        actor: 'ops@vm-01 (pid 7)',
        kind: 'migrate',
      },
      {
        version: '1.1.0',
        appliedAt: '2025-02-01T10:00:00.080Z',
        description: 'access log reference type',
        checksum: 'b'.repeat(64),
        executionMs: 12,
        actor: 'ops@vm-01 (pid 7)',
        kind: 'migrate',
      },
      {
        version: '1.0.0',
        appliedAt: '2025-01-01T09:00:00.000Z',
        description: 'initial file store',
        checksum: 'a'.repeat(64),
        executionMs: 8,
        actor: 'ops@vm-01 (pid 3)',
        kind: 'init',
      },
    ],
    events,
  };
}

export const PLAN_FROM_100: MigrationPlan = {
  path: '/srv/chat/conversation_files.db',
  from: '1.0.0',
  to: '1.2.0',
  adopt: null,
  repeatables: [],
  checksum: 'c0ffee0000000000000000000000000000000000000000000000000000000100',
  databaseStamp: 'stamp-100-a',
  blockers: [],
  drift: [],
  tables: ['conversation_files', 'file_access_log', 'file_cleanup_queue', 'file_metadata', 'session_file_associations'],
  serviceStatements: {
    file: 'service-statements.json',
    writes: 17,
    reads: 10,
    covered: [
      'conversation_files',
      'file_access_log',
      'file_metadata',
      'session_file_associations',
      'v_active_files',
      'v_pending_cleanups',
      'v_session_file_summary',
    ],
    uncovered: ['file_cleanup_queue'],
  },
  steps: [
    {
      version: '1.1.0',
      description: 'access log reference type',
      file: '1.1.0__access_log_reference_type.sql',
      checksum: 'b'.repeat(64),
      sql: '-- rebuild\nCREATE TABLE new_file_access_log (\n  log_id INTEGER PRIMARY KEY\n);\nDROP TABLE file_access_log;\nALTER TABLE new_file_access_log RENAME TO file_access_log;\n',
      warnings: [
        {
          rule: 'table-rebuild',
          severity: 'caution',
          message: 'Rebuilds file_access_log.',
          line: 2,
          statement: 'CREATE TABLE new_file_access_log (\n  log_id INTEGER PRIMARY KEY\n);',
        },
        { rule: 'drop-table', severity: 'danger', message: 'Drops file_access_log.', line: 5, statement: 'DROP TABLE file_access_log;' },
      ],
      dataChanges: [],
    },
    {
      version: '1.2.0',
      description: 'storage backend and required mime type',
      file: '1.2.0__storage_backend_and_required_mime_type.sql',
      checksum: 'c'.repeat(64),
      sql: "ALTER TABLE conversation_files ADD COLUMN storage_backend TEXT NOT NULL DEFAULT 'local';\n",
      warnings: [],
      dataChanges: [
        {
          table: 'conversation_files',
          change: 'fill in mime_type (as application/octet-stream)',
          filters: [{ column: 'mime_type', op: 'isNull' }],
          rows: 100,
          notCounted: null,
          afterEarlierSteps: true,
        },
      ],
    },
  ],
};

export const REHEARSAL_OK: RehearsalReport = {
  path: '/srv/chat/conversation_files.db',
  from: '1.0.0',
  adopted: null,
  to: '1.2.0',
  planChecksum: PLAN_FROM_100.checksum,
  databaseStamp: PLAN_FROM_100.databaseStamp,
  ok: true,
  reached: '1.2.0',
  durationMs: 340,
  integrity: { level: 'quick', ok: true, messages: [] },
  drift: [],
  serviceStatements: {
    file: 'service-statements.json',
    version: '1.2.0',
    notRun: null,
    results: [
      {
        name: 'Upload a file with a MIME type and an uploader',
        sql: 'INSERT INTO conversation_files (file_id, mime_type) VALUES (?, ?)',
        role: 'setup',
        outcome: 'ok',
        rows: 1,
        error: null,
      },
      {
        name: 'Upload a file with no MIME type and no uploader',
        sql: 'INSERT INTO conversation_files (file_id, mime_type) VALUES (?, ?)',
        role: 'write',
        outcome: 'ok',
        rows: 1,
        error: null,
      },
      { name: 'Get a file in a session', sql: 'SELECT * FROM conversation_files WHERE file_id = ?', role: 'read', outcome: 'ok', rows: 1, error: null },
    ],
  },
  steps: [
    {
      version: '1.1.0',
      ok: true,
      durationMs: 120,
      rowsBefore: { conversation_files: 300, file_access_log: 300 },
      rowsAfter: { conversation_files: 300, file_access_log: 300 },
      foreignKeyViolations: 0,
    },
    {
      version: '1.2.0',
      ok: true,
      durationMs: 220,
      rowsBefore: { conversation_files: 300, file_access_log: 300 },
      rowsAfter: { conversation_files: 300, file_access_log: 300 },
      foreignKeyViolations: 0,
    },
  ],
};

/** A job as the host keeps it: a running backup on "main" unless told otherwise. */
export function job(overrides: Partial<Job> = {}): Job {
  return {
    id: 'op-backup-elsewhere',
    kind: 'backup',
    db: 'main',
    options: {},
    state: 'running',
    progress: null,
    phaseStartedAt: null,
    phaseStartDone: 0,
    startedAt: new Date(Date.now() - 10_000).toISOString(),
    endedAt: null,
    startedBy: 'alice via warden serve (ops@vm1, pid 7)',
    result: null,
    error: null,
    ...overrides,
  };
}

/** What a read-only token may call, as `warden serve` says it (its list, written out: the renderer does not import the host's). */
const READ_ONLY_CALLS: MethodName[] = [
  'listSchemas',
  'listDatabases',
  'hostInfo',
  'jobs',
  'status',
  'history',
  'tables',
  'schemaObjects',
  'plan',
  'verify',
  'backups',
  'backupSchedule',
  'verifyBackup',
  'fleetStatus',
  'fleetVerify',
  'fleetCompare',
];

/** hostInfo of an operator's console (everything allowed), or of a read-only one. */
export function hostInfo(overrides: Partial<HostInfo> = {}): HostInfo {
  const readOnly = overrides.readOnly ?? false;
  return {
    operator: null,
    asksForOperator: false,
    processActor: 'ops@vm1 (pid 7)',
    readOnly,
    mayCall: readOnly ? READ_ONLY_CALLS : [...METHOD_NAMES],
    ...overrides,
  };
}
