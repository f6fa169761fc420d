import type { Database } from 'better-sqlite3';

// One file as the chat service stores it: its conversation_files row, a metadata row, a session
// association and a download in the access log (its triggers add the upload log row and the
// cleanup row). Valid at every version: every third file has mime_type NULL, bound explicitly as
// the service does (stored as NULL before 1.2.0, as the column's default from 1.2.0 on);
// storage_backend (1.2.0) is never named.

export interface StoredFile {
  id: string;
  session: string;
  /** The file's number: its name, size, hash and whether it has a mime type derive from it. */
  n: number;
  uploader: string;
  downloader: string;
}

/** Prepares the service's inserts on `db`; the writer it returns stores one file (call it inside a transaction). */
export function fileWriter(db: Database): (file: StoredFile) => void {
  const upload = db.prepare(
    'INSERT INTO conversation_files (file_id, session_id, original_filename, stored_filename, file_path, file_size, file_hash, mime_type, uploaded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const meta = db.prepare('INSERT INTO file_metadata (file_id, metadata_key, metadata_value) VALUES (?, ?, ?)');
  const association = db.prepare('INSERT INTO session_file_associations (session_id, file_id, message_id) VALUES (?, ?, ?)');
  const download = db.prepare("INSERT INTO file_access_log (file_id, access_type, accessed_by) VALUES (?, 'download', ?)");
  return ({ id, session, n, uploader, downloader }) => {
    const common = [id, session, `report-${n}.pdf`, `${id}.bin`, `/srv/files/${id}`, 1000 + n, `hash-${n % 97}`] as const;
    upload.run(...common, n % 3 === 0 ? null : 'application/pdf', uploader);
    meta.run(id, 'pages', String(n % 40));
    association.run(session, id, `msg-${n}`);
    download.run(id, downloader);
  };
}
