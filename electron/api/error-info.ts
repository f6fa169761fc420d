import type { ErrorInfo } from '../../shared/errors';
import { explainFileError, WardenError } from '../engine';

// What crosses a host boundary (IPC, HTTP, the engine worker) when something fails: the code, the
// sentence and the hint. Never a stack trace; the host logs unexpected failures for its operator.

function isAddonLoadFailure(err: unknown): err is Error {
  return err instanceof Error && (err as NodeJS.ErrnoException).code === 'ERR_DLOPEN_FAILED';
}

export function errorInfoOf(err: unknown): ErrorInfo {
  const explained = explainFileError(err);
  if (explained instanceof WardenError) return explained.toInfo();
  const message = err instanceof Error ? err.message : String(err);
  if (isAddonLoadFailure(err)) {
    return {
      code: 'INTERNAL',
      message: `SQLite's native module cannot be loaded in this runtime: ${message}`,
      hint: 'Build better-sqlite3 for this runtime (README, "Electron and the native module"), then start again.',
    };
  }
  return {
    code: 'INTERNAL',
    message: `Unexpected failure: ${message.replace(/\.$/, '')}.`,
    hint: 'This is a bug in Schema Warden; please report it with what you did.',
  };
}

/** Turns the wire form back into an error, so a failure in a worker is thrown like one in the host. */
export function errorFromInfo(info: ErrorInfo): WardenError {
  return new WardenError(info.code, info.message, info.hint, info.details, info.next);
}
