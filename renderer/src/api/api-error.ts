import type { ErrorCode, ErrorInfo } from '../../../shared/errors';

/** An engine or host error as the renderer holds it: the wire ErrorInfo, never a stack. */
export class ApiError extends Error {
  readonly info: ErrorInfo;

  constructor(info: ErrorInfo) {
    super(info.message);
    this.name = 'ApiError';
    this.info = info;
  }
}

/** What a view shows for any failure: engine errors as they are, anything else as an INTERNAL sentence. */
export function errorInfoOf(error: unknown): ErrorInfo {
  if (error instanceof ApiError) return error.info;
  const message = error instanceof Error ? error.message : String(error);
  return {
    code: 'INTERNAL',
    message: `The console hit an unexpected problem: ${message.replace(/\.$/, '')}.`,
    hint: 'Reload the page; if it happens again, report it with what you were doing.',
  };
}

export function hasErrorCode(error: unknown, code: ErrorCode): boolean {
  return error instanceof ApiError && error.info.code === code;
}
