-- The five tables of the chat service's file store, as the service has always created them.

CREATE TABLE conversation_files (
    file_id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL,
    original_filename TEXT NOT NULL,
    stored_filename TEXT NOT NULL UNIQUE,
    file_path TEXT NOT NULL,
    file_size INTEGER NOT NULL CHECK (file_size >= 0),
    file_hash TEXT NOT NULL,
    mime_type TEXT,
    uploaded_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    uploaded_by TEXT,
    is_deleted INTEGER DEFAULT 0 CHECK (is_deleted IN (0, 1)),
    deleted_at TIMESTAMP NULL
);

CREATE TABLE file_metadata (
    metadata_id INTEGER PRIMARY KEY AUTOINCREMENT,
    file_id TEXT NOT NULL,
    metadata_key TEXT NOT NULL,
    metadata_value TEXT,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    FOREIGN KEY (file_id) REFERENCES conversation_files(file_id) ON DELETE CASCADE,
    UNIQUE (file_id, metadata_key)
);

CREATE TABLE session_file_associations (
    association_id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT NOT NULL,
    file_id TEXT NOT NULL,
    association_type TEXT DEFAULT 'upload',
    message_id TEXT,
    associated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    FOREIGN KEY (file_id) REFERENCES conversation_files(file_id) ON DELETE CASCADE,
    UNIQUE (session_id, file_id, message_id)
);

CREATE TABLE file_access_log (
    log_id INTEGER PRIMARY KEY AUTOINCREMENT,
    file_id TEXT NOT NULL,
    access_type TEXT NOT NULL CHECK (access_type IN ('upload', 'download', 'view', 'delete', 'restore')),
    accessed_by TEXT,
    accessed_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    access_metadata TEXT,
    FOREIGN KEY (file_id) REFERENCES conversation_files(file_id) ON DELETE CASCADE
);

CREATE TABLE file_cleanup_queue (
    cleanup_id INTEGER PRIMARY KEY AUTOINCREMENT,
    file_id TEXT NOT NULL,
    session_id TEXT NOT NULL,
    scheduled_deletion_time TIMESTAMP NOT NULL,
    cleanup_reason TEXT DEFAULT 'session_ended'
        CHECK (cleanup_reason IN ('session_ended', 'user_request', 'expired', 'space_limit')),
    is_processed INTEGER DEFAULT 0 CHECK (is_processed IN (0, 1)),
    processed_at TIMESTAMP NULL,
    FOREIGN KEY (file_id) REFERENCES conversation_files(file_id) ON DELETE CASCADE
);

CREATE INDEX idx_conversation_files_session ON conversation_files (session_id, is_deleted);
CREATE INDEX idx_conversation_files_hash ON conversation_files (file_hash, is_deleted);
CREATE INDEX idx_conversation_files_uploaded_at ON conversation_files (uploaded_at DESC);
CREATE INDEX idx_file_metadata_file_id ON file_metadata (file_id);
CREATE INDEX idx_session_associations_session ON session_file_associations (session_id);
CREATE INDEX idx_session_associations_file ON session_file_associations (file_id);
CREATE INDEX idx_file_access_log_file ON file_access_log (file_id, accessed_at DESC);
CREATE INDEX idx_cleanup_queue_processed ON file_cleanup_queue (is_processed, scheduled_deletion_time);

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

CREATE TRIGGER trg_session_association_cleanup_schedule
AFTER INSERT ON session_file_associations
BEGIN
    INSERT INTO file_cleanup_queue (file_id, session_id, scheduled_deletion_time, cleanup_reason)
    VALUES (NEW.file_id, NEW.session_id, datetime('now', '+30 days'), 'session_ended');
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
