import type { ErrorCode } from '../../shared/errors';

// The HTTP status of each error code. A Record, so a new code cannot be forgotten here.
// 409: the request was fine but the database's state prevents it; 422: the file itself is wrong.
export const HTTP_STATUS: Record<ErrorCode, number> = {
  INVALID_INPUT: 400,
  UNKNOWN_VERSION: 400,
  UNAUTHORIZED: 401,
  UNKNOWN_DATABASE: 404,
  NOT_FOUND: 404,
  SCHEMA_NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  CANCELLED: 409,
  LOCKED: 409,
  NEWER_THAN_KNOWN: 409,
  FOREIGN_APPLICATION: 409,
  NOT_VERSIONED: 409,
  NOT_INITIALIZED: 409,
  DOWNGRADE_NOT_SUPPORTED: 409,
  CHECKSUM_MISMATCH: 409,
  OUT_OF_ORDER: 409,
  SCHEMA_DRIFT: 409,
  ALREADY_VERSIONED: 409,
  IS_DIRECTORY: 422,
  NOT_A_DATABASE: 422,
  CORRUPT: 422,
  READ_ONLY: 422,
  SCHEMA_INVALID: 422,
  MIGRATION_FAILED: 422,
  FOREIGN_KEY_VIOLATION: 422,
  NOT_SUPPORTED: 501,
  INTERNAL: 500,
};
