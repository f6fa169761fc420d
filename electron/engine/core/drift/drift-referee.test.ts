import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Problem } from '../../../../shared/types/schema';
import { initialize } from '../../actions/initialize';
import { repair } from '../../actions/repair';
import { verify } from '../../actions/verify';
import { contextFor, seedFiles, sha256File, sqlite3, tempDir } from '../../test-support/fixtures';
import { tableCounts } from '../../test-support/schema-variants';

// A differential test of drift detection (issue 12): one change at a time to a 1.2.0 database,
// each with the verdict verify must reach and the objects it must name, no more and no fewer.
// The sqlite3 shell is the referee: it confirms, from sqlite_master and the pragmas, that the
// change really is in the file (so no case passes by changing nothing) and that the file is
// sound; verify must leave every byte of the file as it was, and repair must never lose a row.

type Verdict = 'healthy' | 'degraded' | 'unhealthy';

/** A change to the file, and the sqlite3 query that prints 1 once SQLite itself sees it. */
interface Mutation {
  apply: (path: string) => void;
  referee: string;
}

interface Case {
  name: string;
  mutation: Mutation;
  verdict: Verdict;
  /** `${change} ${kind} ${name}` of each problem verify must report (columns as table.column; a long name may be cut short). */
  problems: string[];
}

const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;

function withDb(path: string, work: (db: Database.Database) => void): void {
  const db = new Database(path);
  try {
    work(db);
  } finally {
    db.close();
  }
}

function sqlOf(db: Database.Database, name: string): string {
  const row = db.prepare('SELECT sql FROM sqlite_master WHERE name = ?').get(name) as { sql: string } | undefined;
  if (!row) throw new Error(`no ${name} in the template`);
  return row.sql;
}

/** `text` with `from` replaced by `to`; `from` must occur exactly once, or the case would test nothing (or something else). */
function replaceOnce(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  if (at === -1 || text.indexOf(from, at + 1) !== -1) throw new Error(`"${from}" must occur exactly once in: ${text}`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

/** SQL run by the sqlite3 shell (a second implementation of SQLite than the one the tool uses). */
function shell(sql: string, referee: string): Mutation {
  return { apply: (path) => void sqlite3(path, sql), referee };
}

/**
 * Rebuilds `table` from its CREATE TABLE with `from` replaced by `to` (sqlite.org/lang_altertable.html,
 * "other kinds of table schema changes"): views dropped and recreated, its indexes and triggers
 * recreated, rows copied by column name.
 */
function rebuild(table: string, from: string, to: string, ...more: [string, string][]): Mutation {
  const apply = (path: string) =>
    withDb(path, (db) => {
      const edited = more.reduce((sql, [a, b]) => replaceOnce(sql, a, b), replaceOnce(sqlOf(db, table), from, to));
      const changed = edited.replace(/^CREATE TABLE\s+("[^"]+"|\S+)/i, 'CREATE TABLE referee_new');
      db.pragma('foreign_keys = OFF');
      db.transaction(() => {
        // Views and every trigger go first: RENAME refuses a schema whose views or triggers name a missing table.
        const indexes = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL").all(table) as { sql: string }[];
        const dependents = db.prepare("SELECT type, name, sql FROM sqlite_master WHERE type IN ('view', 'trigger') ORDER BY type DESC").all() as {
          type: string;
          name: string;
          sql: string;
        }[];
        for (const d of dependents) db.exec(`DROP ${d.type.toUpperCase()} "${d.name}"`);
        db.exec(changed);
        const stored = (t: string) =>
          (db.prepare('SELECT name FROM pragma_table_xinfo(?) WHERE hidden NOT IN (2, 3)').all(t) as { name: string }[]).map((c) => c.name);
        const columns = stored('referee_new')
          .filter((c) => stored(table).includes(c))
          .map((c) => `"${c}"`)
          .join(', ');
        db.exec(`INSERT INTO referee_new (${columns}) SELECT ${columns} FROM "${table}"; DROP TABLE "${table}"; ALTER TABLE referee_new RENAME TO "${table}"`);
        for (const { sql } of [...indexes, ...dependents]) db.exec(sql);
      })();
    });
  const shown = to || from;
  return { apply, referee: `SELECT instr(sql, ${quote(shown)}) ${to ? '>' : '='} 0 FROM sqlite_master WHERE name = ${quote(table)}` };
}

/** Drops an index, trigger or view and creates it again with `from` replaced by `to`. */
function recreate(type: 'index' | 'trigger' | 'view', name: string, from: string, to: string): Mutation {
  const apply = (path: string) =>
    withDb(path, (db) => {
      const changed = replaceOnce(sqlOf(db, name), from, to);
      db.transaction(() => db.exec(`DROP ${type.toUpperCase()} "${name}"; ${changed}`))();
    });
  return { apply, referee: `SELECT instr(sql, ${quote(to || from)}) ${to ? '>' : '='} 0 FROM sqlite_master WHERE name = ${quote(name)}` };
}

const exists = (type: string, name: string) => `SELECT count(*) FROM sqlite_master WHERE type = '${type}' AND name = '${name}'`;
const gone = (type: string, name: string) => `SELECT count(*) = 0 FROM sqlite_master WHERE type = '${type}' AND name = '${name}'`;
const drop = (type: string, name: string): Mutation => shell(`DROP ${type.toUpperCase()} ${name}`, gone(type, name));

const CF = 'conversation_files';

const CASES: Case[] = [
  // Missing objects: a table takes its indexes and triggers with it.
  {
    name: 'conversation_files dropped',
    mutation: drop('table', CF),
    verdict: 'unhealthy',
    problems: [
      'missing table conversation_files',
      'missing index idx_conversation_files_hash',
      'missing index idx_conversation_files_session',
      'missing index idx_conversation_files_uploaded_at',
      'missing trigger trg_conversation_files_soft_delete',
      'missing trigger trg_conversation_files_upload_log',
    ],
  },
  {
    name: 'file_metadata dropped',
    mutation: drop('table', 'file_metadata'),
    verdict: 'unhealthy',
    problems: ['missing table file_metadata', 'missing index idx_file_metadata_file_id'],
  },
  {
    name: 'session_file_associations dropped',
    mutation: drop('table', 'session_file_associations'),
    verdict: 'unhealthy',
    problems: [
      'missing table session_file_associations',
      'missing index idx_session_associations_file',
      'missing index idx_session_associations_session',
      'missing trigger trg_session_association_cleanup_schedule',
    ],
  },
  {
    name: 'file_access_log dropped',
    mutation: drop('table', 'file_access_log'),
    verdict: 'unhealthy',
    problems: ['missing table file_access_log', 'missing index idx_file_access_log_file'],
  },
  {
    name: 'file_cleanup_queue dropped',
    mutation: drop('table', 'file_cleanup_queue'),
    verdict: 'unhealthy',
    problems: ['missing table file_cleanup_queue', 'missing index idx_cleanup_queue_processed'],
  },
  ...[
    'idx_conversation_files_session',
    'idx_conversation_files_hash',
    'idx_conversation_files_uploaded_at',
    'idx_file_metadata_file_id',
    'idx_session_associations_session',
    'idx_session_associations_file',
    'idx_file_access_log_file',
    'idx_cleanup_queue_processed',
  ].map((index): Case => ({ name: `${index} dropped`, mutation: drop('index', index), verdict: 'unhealthy', problems: [`missing index ${index}`] })),
  ...['trg_conversation_files_soft_delete', 'trg_conversation_files_upload_log', 'trg_session_association_cleanup_schedule'].map(
    (trigger): Case => ({ name: `${trigger} dropped`, mutation: drop('trigger', trigger), verdict: 'unhealthy', problems: [`missing trigger ${trigger}`] }),
  ),
  ...['v_active_files', 'v_session_file_summary', 'v_pending_cleanups'].map(
    (view): Case => ({ name: `${view} dropped`, mutation: drop('view', view), verdict: 'unhealthy', problems: [`missing view ${view}`] }),
  ),

  // Extra objects the service can live with: a warning each.
  { name: 'an extra table', mutation: shell('CREATE TABLE notes (x)', exists('table', 'notes')), verdict: 'degraded', problems: ['extra table notes'] },
  {
    name: 'an extra index',
    mutation: shell(`CREATE INDEX idx_extra ON ${CF} (mime_type)`, exists('index', 'idx_extra')),
    verdict: 'degraded',
    problems: ['extra index idx_extra'],
  },
  {
    name: 'an extra unique index',
    mutation: shell(`CREATE UNIQUE INDEX idx_path ON ${CF} (file_path)`, exists('index', 'idx_path')),
    verdict: 'degraded',
    problems: ['extra index idx_path'],
  },
  {
    name: 'an extra trigger on a schema table',
    mutation: shell('CREATE TRIGGER trg_extra AFTER INSERT ON file_metadata BEGIN SELECT 1; END', exists('trigger', 'trg_extra')),
    verdict: 'degraded',
    problems: ['extra trigger trg_extra'],
  },
  {
    name: 'an extra view',
    mutation: shell(`CREATE VIEW v_extra AS SELECT file_id FROM ${CF}`, exists('view', 'v_extra')),
    verdict: 'degraded',
    problems: ['extra view v_extra'],
  },
  {
    name: 'an extra column',
    mutation: shell('ALTER TABLE file_metadata ADD COLUMN note TEXT', "SELECT count(*) FROM pragma_table_xinfo('file_metadata') WHERE name = 'note'"),
    verdict: 'degraded',
    problems: ['extra column file_metadata.note'],
  },
  {
    name: 'an extra generated column (table_xinfo only)',
    mutation: shell(
      `ALTER TABLE ${CF} ADD COLUMN name_length INTEGER AS (length(original_filename)) VIRTUAL`,
      `SELECT hidden = 2 FROM pragma_table_xinfo('${CF}') WHERE name = 'name_length'`,
    ),
    verdict: 'degraded',
    problems: [`extra column ${CF}.name_length`],
  },
  {
    name: 'an extra stored generated column',
    mutation: rebuild(CF, "DEFAULT 'local'\n)", "DEFAULT 'local',\n    size_kb INTEGER GENERATED ALWAYS AS (file_size / 1024) STORED\n)"),
    verdict: 'degraded',
    problems: [`extra column ${CF}.size_kb`],
  },

  // Anything on the history tables, and sqlite_… names SQLite did not make: errors.
  {
    name: 'a trigger on schema_events (the trap)',
    mutation: shell(`CREATE TRIGGER x AFTER INSERT ON schema_events BEGIN DELETE FROM ${CF}; END`, exists('trigger', 'x')),
    verdict: 'unhealthy',
    problems: ['extra trigger x'],
  },
  {
    name: 'a trigger on schema_version',
    mutation: shell('CREATE TRIGGER y BEFORE INSERT ON schema_version BEGIN SELECT 1; END', exists('trigger', 'y')),
    verdict: 'unhealthy',
    problems: ['extra trigger y'],
  },
  {
    name: 'an index on schema_events',
    mutation: shell('CREATE INDEX by_action ON schema_events (action)', exists('index', 'by_action')),
    verdict: 'unhealthy',
    problems: ['extra index by_action'],
  },
  {
    name: 'a trigger on the legacy schema_migrations',
    mutation: shell(
      "CREATE TABLE IF NOT EXISTS schema_migrations (migration_id INTEGER PRIMARY KEY AUTOINCREMENT, version TEXT NOT NULL UNIQUE, description TEXT NOT NULL, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, status TEXT DEFAULT 'completed', execution_time_ms INTEGER); CREATE TRIGGER z AFTER INSERT ON schema_migrations BEGIN SELECT 1; END",
      exists('trigger', 'z'),
    ),
    verdict: 'unhealthy',
    problems: ['extra trigger z'],
  },
  {
    name: 'a trigger on a schema table that writes schema_version',
    mutation: shell(
      "CREATE TRIGGER forge AFTER INSERT ON file_metadata BEGIN INSERT INTO schema_version (version, applied_at) VALUES ('9.9.9', 'now'); END",
      exists('trigger', 'forge'),
    ),
    verdict: 'unhealthy',
    problems: ['extra trigger forge'],
  },
  {
    name: 'a view over schema_events',
    mutation: shell('CREATE VIEW v_history AS SELECT * FROM schema_events', exists('view', 'v_history')),
    verdict: 'unhealthy',
    problems: ['extra view v_history'],
  },
  {
    name: 'a sqlite_ trigger SQLite did not make',
    mutation: shell(`PRAGMA writable_schema = ON; CREATE TRIGGER sqlite_t AFTER DELETE ON ${CF} BEGIN SELECT 1; END`, exists('trigger', 'sqlite_t')),
    verdict: 'unhealthy',
    problems: ['extra trigger sqlite_t'],
  },
  {
    name: 'a sqlite_ index SQLite did not make',
    mutation: shell(`PRAGMA writable_schema = ON; CREATE INDEX sqlite_i ON ${CF} (file_hash)`, exists('index', 'sqlite_i')),
    verdict: 'unhealthy',
    problems: ['extra index sqlite_i'],
  },
  {
    name: 'a sqlite_ table SQLite did not make',
    mutation: shell('PRAGMA writable_schema = ON; CREATE TABLE sqlite_shadow (x)', exists('table', 'sqlite_shadow')),
    verdict: 'unhealthy',
    problems: ['extra table sqlite_shadow'],
  },

  // Changed columns of conversation_files, each an error naming the column.
  {
    name: 'mime_type loses ON CONFLICT REPLACE',
    mutation: rebuild(CF, 'mime_type TEXT NOT NULL ON CONFLICT REPLACE DEFAULT', 'mime_type TEXT NOT NULL DEFAULT'),
    verdict: 'unhealthy',
    problems: [`changed column ${CF}.mime_type`],
  },
  {
    name: 'storage_backend loses ON CONFLICT REPLACE',
    mutation: rebuild(CF, 'storage_backend TEXT NOT NULL ON CONFLICT REPLACE', 'storage_backend TEXT NOT NULL'),
    verdict: 'unhealthy',
    problems: [`changed column ${CF}.storage_backend`],
  },
  {
    name: 'mime_type ON CONFLICT IGNORE instead of REPLACE',
    mutation: rebuild(CF, 'mime_type TEXT NOT NULL ON CONFLICT REPLACE', 'mime_type TEXT NOT NULL ON CONFLICT IGNORE'),
    verdict: 'unhealthy',
    problems: [`changed column ${CF}.mime_type`],
  },
  {
    name: 'original_filename gains COLLATE NOCASE',
    mutation: rebuild(CF, 'original_filename TEXT NOT NULL', 'original_filename TEXT NOT NULL COLLATE NOCASE'),
    verdict: 'unhealthy',
    problems: [`changed column ${CF}.original_filename`],
  },
  {
    name: 'file_hash gains COLLATE RTRIM',
    mutation: rebuild(CF, 'file_hash TEXT NOT NULL', 'file_hash TEXT COLLATE RTRIM NOT NULL'),
    verdict: 'unhealthy',
    problems: [`changed column ${CF}.file_hash`, 'changed index idx_conversation_files_hash'],
  },
  {
    name: 'session_id loses NOT NULL',
    mutation: rebuild(CF, 'session_id TEXT NOT NULL', 'session_id TEXT'),
    verdict: 'unhealthy',
    problems: [`changed column ${CF}.session_id`],
  },
  {
    name: 'uploaded_by gains NOT NULL',
    mutation: rebuild(CF, 'uploaded_by TEXT', 'uploaded_by TEXT NOT NULL'),
    verdict: 'unhealthy',
    problems: [`changed column ${CF}.uploaded_by`],
  },
  {
    name: 'file_size becomes REAL',
    mutation: rebuild(CF, 'file_size INTEGER', 'file_size REAL'),
    verdict: 'unhealthy',
    problems: [`changed column ${CF}.file_size`],
  },
  {
    name: "storage_backend defaults to 's3'",
    mutation: rebuild(CF, "DEFAULT 'local'", "DEFAULT 's3'"),
    verdict: 'unhealthy',
    problems: [`changed column ${CF}.storage_backend`],
  },
  {
    name: 'is_deleted loses its default',
    mutation: rebuild(CF, 'is_deleted INTEGER DEFAULT 0', 'is_deleted INTEGER'),
    verdict: 'unhealthy',
    problems: [`changed column ${CF}.is_deleted`],
  },
  {
    name: 'file_id PRIMARY KEY ON CONFLICT REPLACE',
    mutation: rebuild(CF, 'file_id TEXT PRIMARY KEY', 'file_id TEXT PRIMARY KEY ON CONFLICT REPLACE'),
    verdict: 'unhealthy',
    problems: [`changed column ${CF}.file_id`],
  },
  {
    name: 'stored_filename UNIQUE ON CONFLICT REPLACE (deletes rows)',
    mutation: rebuild(CF, 'stored_filename TEXT NOT NULL UNIQUE', 'stored_filename TEXT NOT NULL UNIQUE ON CONFLICT REPLACE'),
    verdict: 'unhealthy',
    problems: ['changed unique stored_filename'],
  },
  {
    name: 'stored_filename loses UNIQUE',
    mutation: rebuild(CF, 'stored_filename TEXT NOT NULL UNIQUE', 'stored_filename TEXT NOT NULL'),
    verdict: 'unhealthy',
    problems: ['missing unique stored_filename'],
  },
  {
    name: 'file_path gains UNIQUE',
    mutation: rebuild(CF, 'file_path TEXT NOT NULL', 'file_path TEXT NOT NULL UNIQUE'),
    verdict: 'unhealthy',
    problems: ['extra unique file_path'],
  },
  {
    name: 'the file_size CHECK removed',
    mutation: rebuild(CF, ' CHECK (file_size >= 0)', ''),
    verdict: 'unhealthy',
    problems: ['missing check file_size >= 0'],
  },
  {
    name: 'the is_deleted CHECK widened',
    mutation: rebuild(CF, 'is_deleted IN (0, 1)', 'is_deleted IN (0, 1, 2)'),
    verdict: 'unhealthy',
    problems: ['missing check is_deleted in (0, 1)', 'extra check is_deleted in (0, 1, 2)'],
  },
  {
    name: 'a CHECK added',
    mutation: rebuild(CF, 'file_id TEXT PRIMARY KEY', 'file_id TEXT PRIMARY KEY CHECK (length(file_id) > 0)'),
    verdict: 'unhealthy',
    problems: ['extra check length (file_id) > 0'],
  },
  {
    name: 'session_id and original_filename swapped (column order)',
    mutation: rebuild(CF, 'session_id TEXT NOT NULL,\n    original_filename TEXT NOT NULL,', 'original_filename TEXT NOT NULL,\n    session_id TEXT NOT NULL,'),
    verdict: 'unhealthy',
    problems: [`changed table ${CF}`],
  },
  {
    name: 'conversation_files WITHOUT ROWID',
    mutation: rebuild(CF, "DEFAULT 'local'\n)", "DEFAULT 'local'\n) WITHOUT ROWID"),
    verdict: 'unhealthy',
    problems: [`changed column ${CF}.file_id`, `changed table ${CF}`],
  },

  // Changed child tables.
  {
    name: 'file_metadata without AUTOINCREMENT',
    mutation: rebuild('file_metadata', 'INTEGER PRIMARY KEY AUTOINCREMENT', 'INTEGER PRIMARY KEY'),
    verdict: 'unhealthy',
    problems: ['changed table file_metadata'],
  },
  {
    name: 'file_metadata foreign key loses ON DELETE CASCADE',
    mutation: rebuild('file_metadata', 'conversation_files(file_id) ON DELETE CASCADE', 'conversation_files(file_id)'),
    verdict: 'unhealthy',
    problems: ['changed foreign_key (file_id) → conversation_files'],
  },
  {
    name: 'file_metadata foreign key DEFERRABLE INITIALLY DEFERRED',
    mutation: rebuild('file_metadata', 'ON DELETE CASCADE', 'ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED'),
    verdict: 'unhealthy',
    problems: ['changed foreign_key (file_id) → conversation_files'],
  },
  {
    name: 'session_file_associations foreign key DEFERRABLE INITIALLY DEFERRED',
    mutation: rebuild('session_file_associations', 'ON DELETE CASCADE', 'ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED'),
    verdict: 'unhealthy',
    problems: ['changed foreign_key (file_id) → conversation_files'],
  },
  {
    name: 'file_metadata foreign key removed',
    mutation: rebuild('file_metadata', ',\n    FOREIGN KEY (file_id) REFERENCES conversation_files(file_id) ON DELETE CASCADE', ''),
    verdict: 'unhealthy',
    problems: ['missing foreign_key (file_id)'],
  },
  {
    name: 'file_cleanup_queue foreign key ON DELETE SET NULL',
    mutation: rebuild('file_cleanup_queue', 'ON DELETE CASCADE', 'ON DELETE SET NULL'),
    verdict: 'unhealthy',
    problems: ['changed foreign_key (file_id) → conversation_files'],
  },
  {
    name: "file_access_log CHECK back to 1.0.0 (no 'reference')",
    mutation: rebuild('file_access_log', ", 'reference')", ')'),
    verdict: 'unhealthy',
    problems: ['missing check access_type in', 'extra check access_type in'],
  },
  {
    name: 'file_cleanup_queue default reason changed',
    mutation: rebuild('file_cleanup_queue', "DEFAULT 'session_ended'", "DEFAULT 'expired'"),
    verdict: 'unhealthy',
    problems: ['changed column file_cleanup_queue.cleanup_reason'],
  },
  {
    name: 'file_metadata UNIQUE ON CONFLICT REPLACE',
    mutation: rebuild('file_metadata', 'UNIQUE (file_id, metadata_key)', 'UNIQUE (file_id, metadata_key) ON CONFLICT REPLACE'),
    verdict: 'unhealthy',
    problems: ['changed unique file_id, metadata_key'],
  },
  {
    name: 'session_file_associations loses its UNIQUE',
    mutation: rebuild('session_file_associations', ',\n    UNIQUE (session_id, file_id, message_id)', ''),
    verdict: 'unhealthy',
    problems: ['missing unique session_id, file_id, message_id'],
  },
  {
    name: 'metadata_key gains COLLATE NOCASE',
    mutation: rebuild('file_metadata', 'metadata_key TEXT NOT NULL', 'metadata_key TEXT NOT NULL COLLATE NOCASE'),
    verdict: 'unhealthy',
    problems: ['changed column file_metadata.metadata_key', 'changed unique file_id, metadata_key'],
  },
  {
    name: 'file_access_log column order',
    mutation: rebuild(
      'file_access_log',
      'accessed_by TEXT,\n    accessed_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,',
      'accessed_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,\n    accessed_by TEXT,',
    ),
    verdict: 'unhealthy',
    problems: ['changed table file_access_log'],
  },
  {
    name: 'is_processed gains NOT NULL ON CONFLICT REPLACE',
    mutation: rebuild('file_cleanup_queue', 'is_processed INTEGER DEFAULT 0', 'is_processed INTEGER NOT NULL ON CONFLICT REPLACE DEFAULT 0'),
    verdict: 'unhealthy',
    problems: ['changed column file_cleanup_queue.is_processed'],
  },

  // Changed indexes, triggers and views.
  {
    name: 'uploaded_at index ascending',
    mutation: recreate('index', 'idx_conversation_files_uploaded_at', ' DESC', ''),
    verdict: 'unhealthy',
    problems: ['changed index idx_conversation_files_uploaded_at'],
  },
  {
    name: 'session index columns swapped',
    mutation: recreate('index', 'idx_conversation_files_session', '(session_id, is_deleted)', '(is_deleted, session_id)'),
    verdict: 'unhealthy',
    problems: ['changed index idx_conversation_files_session'],
  },
  {
    name: 'hash index made UNIQUE',
    mutation: recreate('index', 'idx_conversation_files_hash', 'CREATE INDEX', 'CREATE UNIQUE INDEX'),
    verdict: 'unhealthy',
    problems: ['changed index idx_conversation_files_hash'],
  },
  {
    name: 'hash index made partial',
    mutation: recreate('index', 'idx_conversation_files_hash', 'is_deleted)', 'is_deleted) WHERE is_deleted = 0'),
    verdict: 'unhealthy',
    problems: ['changed index idx_conversation_files_hash'],
  },
  {
    name: 'session association index COLLATE NOCASE',
    mutation: recreate('index', 'idx_session_associations_session', '(session_id)', '(session_id COLLATE NOCASE)'),
    verdict: 'unhealthy',
    problems: ['changed index idx_session_associations_session'],
  },
  {
    name: 'file association index on another column',
    mutation: recreate('index', 'idx_session_associations_file', '(file_id)', '(message_id)'),
    verdict: 'unhealthy',
    problems: ['changed index idx_session_associations_file'],
  },
  {
    name: 'access log index loses DESC',
    mutation: recreate('index', 'idx_file_access_log_file', 'accessed_at DESC', 'accessed_at'),
    verdict: 'unhealthy',
    problems: ['changed index idx_file_access_log_file'],
  },
  {
    name: 'soft-delete trigger WHEN narrowed',
    mutation: recreate('trigger', 'trg_conversation_files_soft_delete', ' AND OLD.is_deleted = 0', ''),
    verdict: 'unhealthy',
    problems: ['changed trigger trg_conversation_files_soft_delete'],
  },
  {
    name: "upload-log trigger logs 'view'",
    mutation: recreate('trigger', 'trg_conversation_files_upload_log', "'upload'", "'view'"),
    verdict: 'unhealthy',
    problems: ['changed trigger trg_conversation_files_upload_log'],
  },
  {
    name: 'upload-log trigger BEFORE instead of AFTER',
    mutation: recreate('trigger', 'trg_conversation_files_upload_log', 'AFTER INSERT', 'BEFORE INSERT'),
    verdict: 'unhealthy',
    problems: ['changed trigger trg_conversation_files_upload_log'],
  },
  {
    name: 'cleanup schedule 7 days instead of 30',
    mutation: recreate('trigger', 'trg_session_association_cleanup_schedule', '+30 days', '+7 days'),
    verdict: 'unhealthy',
    problems: ['changed trigger trg_session_association_cleanup_schedule'],
  },
  {
    name: 'v_active_files loses a column',
    mutation: recreate('view', 'v_active_files', '       cf.uploaded_by,\n', ''),
    verdict: 'unhealthy',
    problems: ['changed view v_active_files'],
  },
  {
    name: 'v_session_file_summary counts without DISTINCT',
    mutation: recreate('view', 'v_session_file_summary', 'COUNT(DISTINCT sfa.file_id)', 'COUNT(sfa.file_id)'),
    verdict: 'unhealthy',
    problems: ['changed view v_session_file_summary'],
  },
  {
    name: 'v_pending_cleanups looks one day ahead',
    mutation: recreate('view', 'v_pending_cleanups', "'+7 days'", "'+1 days'"),
    verdict: 'unhealthy',
    problems: ['changed view v_pending_cleanups'],
  },

  // The same meaning spelled otherwise: healthy.
  { name: 'CHECK ((file_size >= 0))', mutation: rebuild(CF, 'CHECK (file_size >= 0)', 'CHECK ((file_size >= 0))'), verdict: 'healthy', problems: [] },
  {
    name: 'CHECK ((is_deleted) IN (0, 1))',
    mutation: rebuild(CF, 'CHECK (is_deleted IN (0, 1))', 'CHECK ((is_deleted) IN (0, 1))'),
    verdict: 'healthy',
    problems: [],
  },
  {
    name: 'a CHECK moved to the table level',
    mutation: rebuild(CF, "DEFAULT 'local'\n)", "DEFAULT 'local',\n    CHECK (file_size >= 0)\n)", [' CHECK (file_size >= 0),', ',']),
    verdict: 'healthy',
    problems: [],
  },
  { name: 'DEFAULT "local"', mutation: rebuild(CF, "DEFAULT 'local'", 'DEFAULT "local"'), verdict: 'healthy', problems: [] },
  {
    name: "DEFAULT ('application/octet-stream')",
    mutation: rebuild(CF, "DEFAULT 'application/octet-stream'", "DEFAULT ('application/octet-stream')"),
    verdict: 'healthy',
    problems: [],
  },
  { name: 'is_deleted DEFAULT (0)', mutation: rebuild(CF, 'is_deleted INTEGER DEFAULT 0', 'is_deleted INTEGER DEFAULT (0)'), verdict: 'healthy', problems: [] },
  {
    name: 'COLLATE BINARY written out',
    mutation: rebuild(CF, 'original_filename TEXT NOT NULL', 'original_filename TEXT NOT NULL COLLATE BINARY'),
    verdict: 'healthy',
    problems: [],
  },
  {
    name: 'NOT NULL ON CONFLICT ABORT written out',
    mutation: rebuild(CF, 'session_id TEXT NOT NULL', 'session_id TEXT NOT NULL ON CONFLICT ABORT'),
    verdict: 'healthy',
    problems: [],
  },
  { name: 'conversation_files in lower case', mutation: rebuild(CF, 'file_id TEXT PRIMARY KEY', 'file_id text primary key'), verdict: 'healthy', problems: [] },
  {
    name: 'conversation_files with quoted names',
    mutation: rebuild(CF, 'session_id TEXT NOT NULL,\n    original_filename', '"session_id" TEXT NOT NULL,\n    [original_filename]'),
    verdict: 'healthy',
    problems: [],
  },
  {
    name: 'conversation_files with comments and other spacing',
    mutation: rebuild(CF, 'file_path TEXT NOT NULL,', 'file_path   TEXT\n   NOT NULL, -- where the bytes are\n'),
    verdict: 'healthy',
    problems: [],
  },
  {
    name: 'PRIMARY KEY at the table level',
    mutation: rebuild(CF, "DEFAULT 'local'\n)", "DEFAULT 'local',\n    PRIMARY KEY (file_id)\n)", ['file_id TEXT PRIMARY KEY', 'file_id TEXT']),
    verdict: 'healthy',
    problems: [],
  },
  {
    name: 'UNIQUE (stored_filename) at the table level',
    mutation: rebuild(CF, "DEFAULT 'local'\n)", "DEFAULT 'local',\n    UNIQUE (stored_filename)\n)", [
      'stored_filename TEXT NOT NULL UNIQUE',
      'stored_filename TEXT NOT NULL',
    ]),
    verdict: 'healthy',
    problems: [],
  },
  {
    name: 'file_metadata foreign key written on the column',
    mutation: rebuild('file_metadata', 'file_id TEXT NOT NULL,', 'file_id TEXT NOT NULL REFERENCES conversation_files(file_id) ON DELETE CASCADE,'),
    verdict: 'healthy',
    problems: [],
  },
  {
    name: 'file_metadata REFERENCES without the parent column',
    mutation: rebuild('file_metadata', 'REFERENCES conversation_files(file_id)', 'REFERENCES conversation_files'),
    verdict: 'healthy',
    problems: [],
  },
  {
    name: 'file_metadata UNIQUE ON CONFLICT ABORT written out',
    mutation: rebuild('file_metadata', 'UNIQUE (file_id, metadata_key)', 'UNIQUE (file_id, metadata_key) ON CONFLICT ABORT'),
    verdict: 'healthy',
    problems: [],
  },
  {
    name: 'file_cleanup_queue foreign key NOT DEFERRABLE',
    mutation: rebuild('file_cleanup_queue', 'ON DELETE CASCADE', 'ON DELETE CASCADE NOT DEFERRABLE'),
    verdict: 'healthy',
    problems: [],
  },
  {
    name: 'session_file_associations foreign key DEFERRABLE INITIALLY IMMEDIATE',
    mutation: rebuild('session_file_associations', 'ON DELETE CASCADE', 'ON DELETE CASCADE DEFERRABLE INITIALLY IMMEDIATE'),
    verdict: 'healthy',
    problems: [],
  },
  {
    name: 'cleanup_reason CHECK with redundant parentheses',
    mutation: rebuild('file_cleanup_queue', 'CHECK (cleanup_reason IN', 'CHECK ((cleanup_reason) IN'),
    verdict: 'healthy',
    problems: [],
  },
  {
    name: 'hash index quoted, in lower case, ASC',
    mutation: recreate(
      'index',
      'idx_conversation_files_hash',
      'ON conversation_files (file_hash, is_deleted)',
      'on "conversation_files" ("file_hash" asc, is_deleted)',
    ),
    verdict: 'healthy',
    problems: [],
  },
  {
    name: 'hash index with a parenthesized column',
    mutation: recreate('index', 'idx_conversation_files_hash', '(file_hash, is_deleted)', '((file_hash), is_deleted)'),
    verdict: 'healthy',
    problems: [],
  },
  {
    name: 'soft-delete trigger: FOR EACH ROW, lower case, WHEN in parentheses',
    mutation: recreate(
      'trigger',
      'trg_conversation_files_soft_delete',
      'AFTER UPDATE OF is_deleted ON conversation_files\nWHEN NEW.is_deleted = 1 AND OLD.is_deleted = 0',
      'after update of is_deleted on conversation_files for each row\nwhen (NEW.is_deleted = 1 AND OLD.is_deleted = 0)',
    ),
    verdict: 'healthy',
    problems: [],
  },
  {
    name: 'upload-log trigger with redundant parentheses',
    mutation: recreate('trigger', 'trg_conversation_files_upload_log', 'VALUES (NEW.file_id,', 'VALUES ((NEW.file_id),'),
    verdict: 'healthy',
    problems: [],
  },
  {
    name: 'v_active_files as the service writes it (lower-case as, indented)',
    mutation: recreate('view', 'v_active_files', 'CREATE VIEW v_active_files AS\nSELECT', 'CREATE VIEW v_active_files as\n    select'),
    verdict: 'healthy',
    problems: [],
  },
  {
    name: 'v_pending_cleanups with a parenthesized operand',
    mutation: recreate('view', 'v_pending_cleanups', 'WHERE fcq.is_processed = 0', 'WHERE (fcq.is_processed) = 0'),
    verdict: 'healthy',
    problems: [],
  },
  { name: 'ANALYZE (sqlite_stat1)', mutation: shell('ANALYZE', exists('table', 'sqlite_stat1')), verdict: 'healthy', problems: [] },
];

let template: string;
let templateDir: string;
afterAll(() => rmSync(templateDir, { recursive: true, force: true }));

// Its own folder: tempDir() folders are removed after each test, and the template serves them all.
beforeAll(async () => {
  templateDir = mkdtempSync(join(tmpdir(), 'warden-referee-'));
  template = join(templateDir, 'template.sqlite');
  await initialize(contextFor(template), { to: '1.0.0' });
  seedFiles(template, 30);
  await initialize(contextFor(template), { to: '1.2.0', backup: false });
}, 30_000);

/**
 * Repair after the change: every row of every table is still there (a recreated table starts
 * empty), it recreates only what verify called missing, and when it refuses or has nothing to
 * do the file is byte for byte as it was.
 */
async function expectRepairNeverHurts(path: string, problems: Problem[]): Promise<void> {
  const rows = tableCounts(path);
  const sha = sha256File(path);
  let recreated: Problem[] = [];
  try {
    recreated = (await repair(contextFor(path), { backup: false })).recreated;
  } catch (err) {
    // Orphaned child rows (a dropped parent) and unaccounted objects: refused, the file untouched.
    expect(['FOREIGN_KEY_VIOLATION', 'UNTRUSTED_OBJECT']).toContain((err as { code?: string }).code);
  }
  const after = tableCounts(path);
  for (const [table, count] of Object.entries(rows)) if (table !== 'schema_events') expect(after[table], table).toBe(count);
  if (recreated.length === 0) {
    expect(sha256File(path)).toBe(sha);
    return;
  }
  const missing = problems.filter((p) => p.change === 'missing').map(described);
  expect(recreated.map(described).every((r) => missing.includes(r))).toBe(true);
  expect(after.schema_events).toBe(rows.schema_events + 1);
  const left = (await verify(contextFor(path))).problems.map(described);
  expect(left.filter((p) => recreated.map(described).includes(p))).toEqual([]);
}

const described = (p: Problem) => `${p.change} ${p.kind} ${p.kind === 'column' ? `${p.table}.` : ''}${p.name}`;
const schemaText = (path: string) =>
  sqlite3(path, "SELECT type || ' ' || name || ' ' || tbl_name || ' ' || coalesce(sql, '') FROM sqlite_master ORDER BY name");

describe('drift against an independent referee: one change at a time to a 1.2.0 database', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const path = join(tempDir(), 'db.sqlite');
    copyFileSync(template, path);
    c.mutation.apply(path);

    // The referee: the change is in the file as SQLite reads it, and the file is sound.
    expect(schemaText(path)).not.toBe(schemaText(template));
    expect(sqlite3(path, c.mutation.referee)).toBe('1');
    expect(sqlite3(path, 'PRAGMA integrity_check')).toBe('ok');

    const before = sha256File(path);
    const report = await verify(contextFor(path));
    expect(sha256File(path)).toBe(before);
    const found = report.problems.map(described);
    expect({ verdict: report.status, count: found.length }, JSON.stringify(found)).toEqual({ verdict: c.verdict, count: c.problems.length });
    for (const expected of c.problems)
      expect(
        found.some((f) => f.startsWith(expected)),
        `${expected} in ${JSON.stringify(found)}`,
      ).toBe(true);
    await expectRepairNeverHurts(path, report.problems);
  });

  it('has a case for every kind of object and every clause the issue names', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(90);
    const names = CASES.map((c) => c.name).join('\n');
    for (const clause of ['COLLATE', 'generated', 'ON CONFLICT', 'DEFERRABLE', 'column order', 'CHECK', 'DEFAULT', 'schema_events', 'sqlite_'])
      expect(names).toContain(clause);
  });
});
