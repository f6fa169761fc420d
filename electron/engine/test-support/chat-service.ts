import Database from 'better-sqlite3';

// The chat service as ../shared/SERVICE-FACTS.md describes it, played by the tests: its start-up
// (its own migration "001": IF NOT EXISTS DDL written its own way, its views, its
// schema_migrations), the pragmas it opens with, and the statements it runs, with NULL where it
// passes NULL. It is the referee for "the tool never breaks the service": nothing here comes
// from the tool's migrations or statement list.

/** The service's migration 001, run on every start before anything else. */
export const CHAT_SERVICE_001 = `
create table if not exists "conversation_files" (
  "file_id" text primary key,
  "session_id" text not null,
  "original_filename" text not null,
  "stored_filename" text not null,
  "file_path" text not null,
  "file_size" integer not null,
  "file_hash" text not null,
  "mime_type" text,
  "uploaded_at" timestamp default (CURRENT_TIMESTAMP),
  "uploaded_by" text,
  "is_deleted" integer default (0),
  "deleted_at" timestamp null,
  unique ("stored_filename"),
  check ("file_size" >= 0),
  check (is_deleted in (0,1))
);
create table if not exists file_metadata (
  metadata_id integer primary key autoincrement,
  file_id text not null references conversation_files on delete cascade,
  metadata_key text not null,
  metadata_value text,
  created_at timestamp default current_timestamp,
  unique (file_id, metadata_key)
);
create table if not exists session_file_associations (
  association_id integer primary key autoincrement,
  session_id text not null,
  file_id text not null,
  association_type text default 'upload',
  message_id text,
  associated_at timestamp default current_timestamp,
  foreign key (file_id) references conversation_files (file_id) on delete cascade,
  unique (session_id, file_id, message_id)
);
create table if not exists file_access_log (
  log_id integer primary key autoincrement,
  file_id text not null,
  access_type text not null,
  accessed_by text,
  accessed_at timestamp default current_timestamp,
  access_metadata text,
  check (access_type in ('upload','download','view','delete','restore')),
  foreign key (file_id) references conversation_files (file_id) on delete cascade
);
create table if not exists file_cleanup_queue (
  cleanup_id integer primary key autoincrement,
  file_id text not null,
  session_id text not null,
  scheduled_deletion_time timestamp not null,
  cleanup_reason text default 'session_ended' check (cleanup_reason in ('session_ended','user_request','expired','space_limit')),
  is_processed integer default 0 check (is_processed in (0,1)),
  processed_at timestamp null,
  foreign key (file_id) references conversation_files on delete cascade
);
create index if not exists idx_conversation_files_session on conversation_files(session_id, is_deleted);
create index if not exists idx_conversation_files_hash on conversation_files(file_hash, is_deleted);
create index if not exists idx_conversation_files_uploaded_at on conversation_files(uploaded_at desc);
create index if not exists idx_file_metadata_file_id on file_metadata(file_id);
create index if not exists idx_session_associations_session on session_file_associations(session_id);
create index if not exists idx_session_associations_file on session_file_associations(file_id);
create index if not exists idx_file_access_log_file on file_access_log(file_id, accessed_at desc);
create index if not exists idx_cleanup_queue_processed on file_cleanup_queue(is_processed, scheduled_deletion_time);
create trigger if not exists trg_conversation_files_soft_delete after update of is_deleted on conversation_files for each row
when new.is_deleted = 1 and old.is_deleted = 0
begin update conversation_files set deleted_at = current_timestamp where file_id = new.file_id; end;
create trigger if not exists trg_conversation_files_upload_log after insert on conversation_files for each row
begin
  insert into file_access_log (file_id, access_type, accessed_by, access_metadata)
  values (new.file_id, 'upload', new.uploaded_by, json_object('file_size', new.file_size, 'mime_type', new.mime_type));
end;
create trigger if not exists trg_session_association_cleanup_schedule after insert on session_file_associations for each row
begin
  insert into file_cleanup_queue (file_id, session_id, scheduled_deletion_time, cleanup_reason)
  values (new.file_id, new.session_id, datetime('now', '+30 days'), 'session_ended');
end;
CREATE VIEW IF NOT EXISTS v_active_files as
    SELECT
        cf.file_id,
        cf.session_id,
        cf.original_filename,
        cf.file_size,
        cf.file_hash,
        cf.mime_type,
        cf.uploaded_at,
        cf.uploaded_by,
        COUNT(DISTINCT sfa.session_id) as session_count,
        MAX(sfa.associated_at) as last_associated_at
    FROM conversation_files cf
    LEFT JOIN session_file_associations sfa ON cf.file_id = sfa.file_id
    WHERE cf.is_deleted = 0
    GROUP BY cf.file_id;
CREATE VIEW IF NOT EXISTS v_session_file_summary as
    SELECT
        sfa.session_id,
        COUNT(DISTINCT sfa.file_id) as total_files,
        SUM(cf.file_size) as total_size,
        MIN(sfa.associated_at) as first_file_added,
        MAX(sfa.associated_at) as last_file_added
    FROM session_file_associations sfa
    JOIN conversation_files cf ON sfa.file_id = cf.file_id
    WHERE cf.is_deleted = 0
    GROUP BY sfa.session_id;
CREATE VIEW IF NOT EXISTS v_pending_cleanups as
    SELECT
        fcq.cleanup_id,
        fcq.file_id,
        fcq.session_id,
        cf.original_filename,
        cf.file_size,
        fcq.scheduled_deletion_time,
        fcq.cleanup_reason,
        CAST((julianday(fcq.scheduled_deletion_time) - julianday('now')) * 24 * 60 as INTEGER) as minutes_until_deletion
    FROM file_cleanup_queue fcq
    JOIN conversation_files cf ON fcq.file_id = cf.file_id
    WHERE fcq.is_processed = 0
        AND fcq.scheduled_deletion_time <= datetime('now', '+7 days')
    ORDER BY fcq.scheduled_deletion_time ASC;
CREATE TABLE IF NOT EXISTS schema_migrations (
    migration_id INTEGER PRIMARY KEY AUTOINCREMENT,
    version TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL,
    applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    status TEXT DEFAULT 'completed',
    execution_time_ms INTEGER
);
INSERT OR IGNORE INTO schema_migrations (version, description, status)
VALUES ('001', 'Conversation file storage tables', 'completed');
`;

/** Opens a connection the way the service does. */
export function openAsService(path: string): Database.Database {
  const db = new Database(path);
  db.pragma('foreign_keys = ON');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  return db;
}

/** The service's start-up on `path`: its migration 001, then it closes (as a restart would). */
export function startChatService(path: string): void {
  const db = openAsService(path);
  try {
    db.exec(CHAT_SERVICE_001);
  } finally {
    db.close();
  }
}

/** The version the service's health code reports. */
export function serviceVersion(db: Database.Database): string {
  const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (!hasTable) return 'unknown';
  const row = db.prepare('SELECT version FROM schema_migrations ORDER BY migration_id DESC LIMIT 1').get() as { version: string } | undefined;
  return row?.version ?? 'unknown';
}

export interface Upload {
  fileId: string;
  sessionId: string;
  filename: string;
  size: number;
  hash: string;
  /** The service passes None (NULL) when it knows no MIME type. */
  mimeType: string | null;
  uploadedBy: string | null;
}

/** The service's statements, prepared on a connection it opened (see SERVICE-FACTS.md, "What the service executes"). */
export function chatService(db: Database.Database) {
  return {
    upload(u: Upload): void {
      db.prepare(
        'INSERT INTO conversation_files (file_id, session_id, original_filename, stored_filename, file_path, file_size, file_hash, mime_type, uploaded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ).run(u.fileId, u.sessionId, u.filename, `${u.fileId}_${u.filename}`, `/data/files/${u.fileId}`, u.size, u.hash, u.mimeType, u.uploadedBy);
    },
    addMetadata(fileId: string, entries: Record<string, string>): void {
      const insert = db.prepare('INSERT INTO file_metadata (file_id, metadata_key, metadata_value) VALUES (?, ?, ?)');
      db.transaction(() => {
        for (const [key, value] of Object.entries(entries)) insert.run(fileId, key, value);
      })();
    },
    associate(sessionId: string, fileId: string, messageId: string | null, type: 'upload' | 'reference'): void {
      db.prepare('INSERT INTO session_file_associations (session_id, file_id, message_id, association_type) VALUES (?, ?, ?, ?)').run(
        sessionId,
        fileId,
        messageId,
        type,
      );
    },
    logAccess(fileId: string, type: string, by: string | null, metadata: object | null): void {
      db.prepare('INSERT INTO file_access_log (file_id, access_type, accessed_by, access_metadata) VALUES (?, ?, ?, ?)').run(
        fileId,
        type,
        by,
        metadata === null ? null : JSON.stringify(metadata),
      );
    },
    rename(fileId: string, filename: string): void {
      db.prepare('UPDATE conversation_files SET original_filename = ? WHERE file_id = ?').run(filename, fileId);
    },
    updateContent(fileId: string, size: number, hash: string): void {
      db.prepare('UPDATE conversation_files SET file_size = ?, file_hash = ? WHERE file_id = ?').run(size, hash, fileId);
    },
    softDelete(fileIds: string[]): void {
      db.prepare(`UPDATE conversation_files SET is_deleted = 1, deleted_at = CURRENT_TIMESTAMP WHERE file_id IN (${fileIds.map(() => '?').join(', ')})`).run(
        ...fileIds,
      );
    },
    delete(fileIds: string[]): number {
      return db.prepare(`DELETE FROM conversation_files WHERE file_id IN (${fileIds.map(() => '?').join(', ')})`).run(...fileIds).changes;
    },
    getFile(fileId: string, sessionId: string): unknown {
      return db
        .prepare(
          `SELECT cf.*, sfa.association_type, sfa.message_id FROM conversation_files cf
         JOIN session_file_associations sfa ON cf.file_id = sfa.file_id
         WHERE cf.file_id = ? AND sfa.session_id = ? AND cf.is_deleted = 0`,
        )
        .get(fileId, sessionId);
    },
    search(sessionId: string, pattern: string): unknown[] {
      return db
        .prepare(
          `SELECT cf.file_id, cf.original_filename, sfa.associated_at FROM conversation_files cf
         JOIN session_file_associations sfa ON cf.file_id = sfa.file_id
         WHERE sfa.session_id = ? AND cf.is_deleted = 0 AND cf.original_filename LIKE ?
         ORDER BY sfa.associated_at DESC`,
        )
        .all(sessionId, pattern);
    },
    page(sessionId: string, limit: number, offset: number): unknown[] {
      return db
        .prepare(
          `SELECT cf.file_id, cf.original_filename, cf.file_size, cf.mime_type,
                LOWER(SUBSTR(cf.original_filename, INSTR(cf.original_filename, '.') + 1)) AS extension
         FROM conversation_files cf JOIN session_file_associations sfa ON cf.file_id = sfa.file_id
         WHERE sfa.session_id = ? AND cf.is_deleted = 0 ORDER BY sfa.associated_at DESC LIMIT ? OFFSET ?`,
        )
        .all(sessionId, limit, offset);
    },
    findDuplicate(hash: string): unknown {
      return db.prepare('SELECT file_id FROM conversation_files WHERE file_hash = ? AND is_deleted = 0 LIMIT 1').get(hash);
    },
    stats(): { active: number; activeBytes: number | null; deleted: number; deletedBytes: number | null; sessions: number } {
      const active = db.prepare('SELECT COUNT(*) AS n, SUM(file_size) AS bytes FROM conversation_files WHERE is_deleted = 0').get() as {
        n: number;
        bytes: number | null;
      };
      const deleted = db.prepare('SELECT COUNT(*) AS n, SUM(file_size) AS bytes FROM conversation_files WHERE is_deleted = 1').get() as {
        n: number;
        bytes: number | null;
      };
      const sessions = db.prepare('SELECT COUNT(DISTINCT session_id) AS n FROM conversation_files').get() as { n: number };
      return { active: active.n, activeBytes: active.bytes, deleted: deleted.n, deletedBytes: deleted.bytes, sessions: sessions.n };
    },
  };
}

/**
 * `files` uploads as the service makes them, in every table: every third without a MIME type,
 * some without an uploader, each with metadata and its upload association (whose trigger queues a
 * cleanup), every fifth also shared into another session with no message id, and a download.
 */
export function seedAsService(path: string, files: number, offset = 0): void {
  const db = openAsService(path);
  try {
    const service = chatService(db);
    db.transaction(() => {
      for (let n = offset; n < offset + files; n++) {
        const fileId = `file-${n}`;
        const sessionId = `session-${n % 40}`;
        service.upload({
          fileId,
          sessionId,
          filename: `notes-${n}.PDF`,
          size: 1000 + n,
          hash: `hash-${n % 89}`,
          mimeType: n % 3 === 0 ? null : 'application/pdf',
          uploadedBy: n % 7 === 0 ? null : 'alice',
        });
        service.addMetadata(fileId, { pages: String(n % 30), language: 'en' });
        service.associate(sessionId, fileId, `msg-${n}`, 'upload');
        if (n % 5 === 0) service.associate(`session-${(n + 1) % 40}`, fileId, null, 'reference');
        service.logAccess(fileId, 'download', 'bob', { via: 'web' });
      }
    })();
  } finally {
    db.close();
  }
}
