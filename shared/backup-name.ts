/**
 * A backup is named by its file name inside the database's backup folder, never by a path. Kept
 * apart from the contract so the engine can use it without loading zod's full API.
 */
export const BACKUP_NAME = /^[A-Za-z0-9_.-]{1,200}\.sqlite$/;
