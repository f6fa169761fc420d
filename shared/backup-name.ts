/**
 * A backup is named by its file name inside the database's backup folder, never by a path. The
 * engine lists backups by this pattern and the API contract accepts names by it.
 */
export const BACKUP_NAME = /^[A-Za-z0-9_.-]{1,200}\.sqlite$/;
