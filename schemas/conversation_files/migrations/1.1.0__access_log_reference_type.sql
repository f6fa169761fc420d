-- file_access_log.access_type also accepts 'reference' (logged when an upload is de-duplicated).
-- A CHECK cannot be altered in place: this is SQLite's table rebuild
-- (sqlite.org/lang_altertable.html, "Making Other Kinds Of Table Schema Changes").
-- The upload-log trigger on conversation_files writes into this table, so it is dropped
-- first and recreated after (RENAME refuses a schema whose triggers name a missing table).

DROP TRIGGER trg_conversation_files_upload_log;

CREATE TABLE new_file_access_log (
    log_id INTEGER PRIMARY KEY AUTOINCREMENT,
    file_id TEXT NOT NULL,
    access_type TEXT NOT NULL
        CHECK (access_type IN ('upload', 'download', 'view', 'delete', 'restore', 'reference')),
    accessed_by TEXT,
    accessed_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    access_metadata TEXT,
    FOREIGN KEY (file_id) REFERENCES conversation_files(file_id) ON DELETE CASCADE
);

INSERT INTO new_file_access_log (log_id, file_id, access_type, accessed_by, accessed_at, access_metadata)
SELECT log_id, file_id, access_type, accessed_by, accessed_at, access_metadata FROM file_access_log;

DROP TABLE file_access_log;
ALTER TABLE new_file_access_log RENAME TO file_access_log;

CREATE INDEX idx_file_access_log_file ON file_access_log (file_id, accessed_at DESC);

CREATE TRIGGER trg_conversation_files_upload_log
AFTER INSERT ON conversation_files
BEGIN
    INSERT INTO file_access_log (file_id, access_type, accessed_by, access_metadata)
    VALUES (NEW.file_id, 'upload', NEW.uploaded_by,
            json_object('file_size', NEW.file_size, 'mime_type', NEW.mime_type));
END;
