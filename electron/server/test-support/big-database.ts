import { newConnection } from '../../engine/core/sqlite/sqlite-addon';

/**
 * Fills an initialized conversation_files database with `files` files and one access-log row
 * each, in one statement per table: large enough that a full integrity check takes a second or two.
 */
export function fillWithFiles(path: string, files: number): void {
  const db = newConnection(path);
  try {
    db.exec(`BEGIN;
      WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < ${files})
      INSERT INTO conversation_files (file_id, session_id, original_filename, stored_filename, file_path, file_size, file_hash, mime_type)
      SELECT 'file-' || k, 'session-' || (k % 50), 'report-' || k || '.pdf', 'stored-' || k, '/srv/files/' || k, k, 'hash-' || (k % 97), 'application/pdf' FROM n;
      INSERT INTO file_access_log (file_id, access_type) SELECT file_id, 'view' FROM conversation_files;
      COMMIT;`);
  } finally {
    db.close();
  }
}
