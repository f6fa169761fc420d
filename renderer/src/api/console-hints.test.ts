import { describe, expect, it } from 'vitest';
import { ApiError, consoleHintOf, errorInfoOf } from './api-error';
import { createApi } from './client';
import { httpTransport } from './http-transport';

// The console's own errors (the transport, the client) carry their hint in console words; an
// engine error gets the console's wording for its code and the method that failed.
const COMMAND_LINE = [/warden /, /\bcp /, /--/, /\bmv /, /\bchmod /, /`/];

function expectConsoleWords(hint: string, where: string): void {
  expect(hint.trim().length, where).toBeGreaterThan(10);
  for (const pattern of COMMAND_LINE) expect(hint, `${where}: ${hint}`).not.toMatch(pattern);
}

describe('console hints in the renderer', () => {
  it('keep the hint of an error the console made itself, and check it too', async () => {
    const api = createApi(httpTransport('token', 'http://127.0.0.1:9'));
    // Nothing listens on port 9: the transport's own error, in console words.
    const unreachable = await api.status({ db: 'main' }).catch((err: unknown) => err);
    expect(consoleHintOf(unreachable)).toBe('Check that the server is still running, then reload the page.');
    const refused = await api.status({ db: '../etc' }).catch((err: unknown) => err);
    expect(errorInfoOf(refused).code).toBe('INVALID_INPUT');
    for (const error of [unreachable, refused, new TypeError('x')]) expectConsoleWords(consoleHintOf(error), String(error));
  });

  it('use the failed method, not the engine hint, for an engine error', () => {
    const error = new ApiError(
      { code: 'BACKUP_INVALID', message: 'Refusing to restore x.', hint: 'Pick another backup (warden backups --db x lists them).' },
      'restore',
    );
    expect(consoleHintOf(error)).toBe('Pick another backup in the Backups view, and press Verify on it first: only a backup that passes is safe to use.');
  });
});
