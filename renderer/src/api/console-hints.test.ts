import { describe, expect, it } from 'vitest';
import { METHOD_NAMES, type MethodName } from '../../../shared/contract';
import { ERROR_CODES, type ErrorInfo } from '../../../shared/errors';
import { ApiError, consoleHintOf, errorInfoOf } from './api-error';
import { consoleHintFor } from './console-hints';
import { createApi } from './client';
import { httpTransport } from './http-transport';

// The console speaks in buttons and views: a hint it shows never names a command, a flag or a
// shell command, whatever the engine's own (command-line) hint said.
const COMMAND_LINE = [/warden /, /\bcp /, /--/, /\bmv /, /\bchmod /, /`/];

function expectConsoleWords(hint: string, where: string): void {
  expect(hint.trim().length, where).toBeGreaterThan(10);
  for (const pattern of COMMAND_LINE) expect(hint, `${where}: ${hint}`).not.toMatch(pattern);
}

// What the engine sends along in details, which some hints read.
const DETAILS: Record<string, unknown>[] = [{}, { backup: '/srv/db.backups/x.sqlite' }, { sqliteCode: 'SQLITE_ERROR' }, { field: 'sql' }];

describe('console hints', () => {
  it('walk every error code, for every action and none, and never name a command', () => {
    const actions: (MethodName | null)[] = [null, ...METHOD_NAMES];
    let walked = 0;
    for (const code of ERROR_CODES) {
      for (const action of actions) {
        for (const details of DETAILS) {
          const info: ErrorInfo = { code, message: 'm', hint: `Run warden status --db x.db, or cp x.db y.db (${code}).`, details };
          expectConsoleWords(consoleHintFor(info, action), `${code} during ${action ?? 'no action'}`);
          walked++;
        }
      }
    }
    expect(walked).toBe(ERROR_CODES.length * (METHOD_NAMES.length + 1) * DETAILS.length);
  });

  it('word the advice for the action that failed', () => {
    const notFound: ErrorInfo = { code: 'NOT_FOUND', message: 'm', hint: 'warden backups --db x' };
    expect(consoleHintFor(notFound, 'status')).toMatch(/close this database in the sidebar/);
    expect(consoleHintFor(notFound, 'restore')).toMatch(/Backups view lists the backups/);
    expect(consoleHintFor({ code: 'INVALID_INPUT', message: 'm' }, 'query')).toMatch(/^Write a SELECT/);
    expect(consoleHintFor({ code: 'INVALID_INPUT', message: 'm', details: { sqliteCode: 'SQLITE_ERROR' } }, 'query')).toBe('Fix the SQL and press Run again.');
    expect(consoleHintFor({ code: 'CORRUPT', message: 'm' }, 'status')).toMatch(/Restore the newest verified backup from the Backups view/);
  });

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
    const error = new ApiError({ code: 'BACKUP_INVALID', message: 'Refusing to restore x.', hint: 'Pick another backup (warden backups --db x lists them).' }, 'restore');
    expect(consoleHintOf(error)).toBe('Pick another backup in the Backups view, and press Verify on it first: only a backup that passes is safe to use.');
  });
});
