import type { MethodName } from '../../../shared/contract';
import type { ErrorCode, ErrorInfo } from '../../../shared/errors';
import { consoleHintFor } from '../../../shared/console-hints';

/** An engine or host error as the renderer holds it: the wire ErrorInfo, never a stack. */
export class ApiError extends Error {
  readonly info: ErrorInfo;
  /** The method whose call failed: the console words its hint for that action. */
  readonly method: MethodName | null;

  constructor(info: ErrorInfo, method: MethodName | null = null) {
    super(info.message);
    this.name = 'ApiError';
    this.info = info;
    this.method = method;
  }
}

/** What a view shows for any failure: engine errors as they are, anything else as an INTERNAL sentence. */
export function errorInfoOf(error: unknown): ErrorInfo {
  if (error instanceof ApiError) return error.info;
  const message = error instanceof Error ? error.message : String(error);
  return {
    code: 'INTERNAL',
    message: `The console hit an unexpected problem: ${message.replace(/\.$/, '')}.`,
    consoleHint: 'Reload the page; if it happens again, report it with what you were doing.',
  };
}

/** What to do about any failure, in the console's words (never the CLI hint the engine sent along). */
export function consoleHintOf(error: unknown): string {
  return consoleHintFor(errorInfoOf(error), error instanceof ApiError ? error.method : null);
}

export function hasErrorCode(error: unknown, code: ErrorCode): boolean {
  return error instanceof ApiError && error.info.code === code;
}
