import { describe, expect, it } from 'vitest';
import { METHOD_NAMES, type MethodName } from './contract';
import { ERROR_CODES, type ErrorInfo } from './errors';
import { consoleHintFor } from './console-hints';

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
    expect(consoleHintFor({ code: 'NOT_SUPPORTED', message: 'm' }, 'fleetBackup')).toMatch(
      /^This server was started without a fleet file, so it has no Fleet page/,
    );
  });
});
