import type { NextAction } from './next-action';

// Error codes every host understands. The engine throws them; the CLI, the HTTP host and the
// renderer show the sentence and the hint, never a stack trace.

export const ERROR_CODES = [
  'NOT_FOUND',
  'IS_DIRECTORY',
  /** A FIFO, device, socket or /proc file where a database file was expected. */
  'NOT_REGULAR_FILE',
  'NOT_A_DATABASE',
  'CORRUPT',
  'READ_ONLY',
  'LOCKED',
  'NEWER_THAN_KNOWN',
  'FOREIGN_APPLICATION',
  /** An object nobody accounts for (a trigger on a history table, a sqlite_… name SQLite did not make): the tool writes nothing while it exists. */
  'UNTRUSTED_OBJECT',
  'NOT_VERSIONED',
  /** The app's own migration tool left a migration unfinished in its history table (a dirty golang-migrate version, a failed Flyway or Prisma migration). */
  'UNFINISHED_MIGRATION',
  'NOT_INITIALIZED',
  'UNKNOWN_VERSION',
  'DOWNGRADE_NOT_SUPPORTED',
  'SCHEMA_NOT_FOUND',
  'SCHEMA_INVALID',
  'CHECKSUM_MISMATCH',
  'OUT_OF_ORDER',
  'SCHEMA_DRIFT',
  'ALREADY_VERSIONED',
  'MIGRATION_FAILED',
  'FOREIGN_KEY_VIOLATION',
  'BACKUP_INVALID',
  'NO_SPACE',
  /** The disk failed a read or a write (EIO, SQLITE_IOERR): not the file's content, the device under it. */
  'IO_ERROR',
  /** The operating system refused this account access to a file or folder (EACCES, EPERM). */
  'PERMISSION_DENIED',
  'CANCELLED',
  /** A read the caller's SQL decides (query, rows) reached a bound on what it may cost: memory (with its temporary storage) or answer size; details.limit says which. */
  'RESOURCE_LIMIT',
  'INVALID_INPUT',
  'NOT_SUPPORTED',
  'UNKNOWN_DATABASE',
  'ALREADY_EXISTS',
  'UNAUTHORIZED',
  /** The token is right but its role may not do this (the read-only token of `warden serve`). */
  'FORBIDDEN',
  /** A deployment of the fleet could not be asked (its agent did not answer, its SSH tunnel would not open): the world, not a bug. */
  'UNREACHABLE',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** The wire form of an error: what a person reads, and what a program matches on. */
export interface ErrorInfo {
  code: ErrorCode;
  message: string;
  /** What to do, in plain words without command syntax (the commands are in `next`). */
  hint?: string;
  /** What to do next, as data: the CLI prints each as a command, the console as its button or view. */
  next?: NextAction[];
  /**
   * What to do, in the console's words (buttons, views), set where an error is made for the
   * console itself; otherwise the console words its own hint from the code (renderer/src/api/console-hints.ts).
   */
  consoleHint?: string;
  details?: Record<string, unknown>;
}
