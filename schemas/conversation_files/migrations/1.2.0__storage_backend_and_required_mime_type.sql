-- conversation_files gains storage_backend, and mime_type becomes NOT NULL with a default
-- (existing NULLs backfilled). The service inserts an explicit NULL mime_type when it knows
-- none: NOT NULL ON CONFLICT REPLACE stores the column's default instead of failing the insert
-- (sqlite.org/lang_conflict.html); storage_backend likewise.
-- Table rebuild of the parent of four cascading child tables (sqlite.org/lang_altertable.html):
-- the engine runs it with foreign_keys off and checks PRAGMA foreign_key_check before COMMIT,
-- so no child row is cascaded away. Views naming conversation_files are dropped first (RENAME
-- refuses a schema whose views name a missing table); its indexes and triggers go with the old
-- table. All are recreated.

DROP VIEW v_active_files;
DROP VIEW v_session_file_summary;
DROP VIEW v_pending_cleanups;

CREATE TABLE new_conversation_files (
    file_id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL,
    original_filename TEXT NOT NULL,
    stored_filename TEXT NOT NULL UNIQUE,
    file_path TEXT NOT NULL,
    file_size INTEGER NOT NULL CHECK (file_size >= 0),
    file_hash TEXT NOT NULL,
    mime_type TEXT NOT NULL ON CONFLICT REPLACE DEFAULT 'application/octet-stream',
    uploaded_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    uploaded_by TEXT,
    is_deleted INTEGER DEFAULT 0 CHECK (is_deleted IN (0, 1)),
    deleted_at TIMESTAMP NULL,
    storage_backend TEXT NOT NULL ON CONFLICT REPLACE DEFAULT 'local'
);

INSERT INTO new_conversation_files (
    file_id, session_id, original_filename, stored_filename, file_path, file_size, file_hash,
    mime_type, uploaded_at, uploaded_by, is_deleted, deleted_at, storage_backend)
SELECT file_id, session_id, original_filename, stored_filename, file_path, file_size, file_hash,
       COALESCE(mime_type, 'application/octet-stream'), uploaded_at, uploaded_by, is_deleted,
       deleted_at, 'local'
FROM conversation_files;

DROP TABLE conversation_files;
ALTER TABLE new_conversation_files RENAME TO conversation_files;

CREATE INDEX idx_conversation_files_session ON conversation_files (session_id, is_deleted);
CREATE INDEX idx_conversation_files_hash ON conversation_files (file_hash, is_deleted);
CREATE INDEX idx_conversation_files_uploaded_at ON conversation_files (uploaded_at DESC);

CREATE TRIGGER trg_conversation_files_soft_delete
AFTER UPDATE OF is_deleted ON conversation_files
WHEN NEW.is_deleted = 1 AND OLD.is_deleted = 0
BEGIN
    UPDATE conversation_files SET deleted_at = CURRENT_TIMESTAMP WHERE file_id = NEW.file_id;
END;

CREATE TRIGGER trg_conversation_files_upload_log
AFTER INSERT ON conversation_files
BEGIN
    INSERT INTO file_access_log (file_id, access_type, accessed_by, access_metadata)
    VALUES (NEW.file_id, 'upload', NEW.uploaded_by,
            json_object('file_size', NEW.file_size, 'mime_type', NEW.mime_type));
END;

CREATE VIEW v_active_files AS
SELECT cf.file_id,
       cf.session_id,
       cf.original_filename,
       cf.file_size,
       cf.file_hash,
       cf.mime_type,
       cf.uploaded_at,
       cf.uploaded_by,
       COUNT(DISTINCT sfa.session_id) AS session_count,
       MAX(sfa.associated_at) AS last_associated_at
FROM conversation_files cf
LEFT JOIN session_file_associations sfa ON cf.file_id = sfa.file_id
WHERE cf.is_deleted = 0
GROUP BY cf.file_id;

CREATE VIEW v_session_file_summary AS
SELECT sfa.session_id,
       COUNT(DISTINCT sfa.file_id) AS total_files,
       SUM(cf.file_size) AS total_size,
       MIN(sfa.associated_at) AS first_file_added,
       MAX(sfa.associated_at) AS last_file_added
FROM session_file_associations sfa
JOIN conversation_files cf ON sfa.file_id = cf.file_id
WHERE cf.is_deleted = 0
GROUP BY sfa.session_id;

CREATE VIEW v_pending_cleanups AS
SELECT fcq.cleanup_id,
       fcq.file_id,
       fcq.session_id,
       cf.original_filename,
       cf.file_size,
       fcq.scheduled_deletion_time,
       fcq.cleanup_reason,
       CAST((julianday(fcq.scheduled_deletion_time) - julianday('now')) * 24 * 60 AS INTEGER) AS minutes_until_deletion
FROM file_cleanup_queue fcq
JOIN conversation_files cf ON fcq.file_id = cf.file_id
WHERE fcq.is_processed = 0
  AND fcq.scheduled_deletion_time <= datetime('now', '+7 days')
ORDER BY fcq.scheduled_deletion_time ASC;
