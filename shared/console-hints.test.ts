import { describe, expect, it } from 'vitest';
import { METHOD_NAMES, type MethodName } from './contract';
import { ERROR_CODES, type ErrorInfo } from './errors';
import { consoleHintFor, consoleNextSteps } from './console-hints';
import type { NextAction } from './next-action';

// The console speaks in buttons and views: a hint it shows never names a command, a flag or a
// shell command, whatever the engine's own (command-line) hint said.
const COMMAND_LINE = [/warden /, /\bcp /, /--/, /\bmv /, /\bchmod /, /`/];

function expectConsoleWords(hint: string, where: string): void {
  expect(hint.trim().length, where).toBeGreaterThan(10);
  for (const pattern of COMMAND_LINE) expect(hint, `${where}: ${hint}`).not.toMatch(pattern);
}

// Every next action the engine can send, as the console words it after the code's hint.
const EVERY_NEXT: NextAction[] = [
  { action: 'status' },
  { action: 'history' },
  { action: 'tables' },
  { action: 'query' },
  { action: 'verify' },
  { action: 'verify', full: true },
  { action: 'initialize' },
  { action: 'plan' },
  { action: 'rehearse', to: '1.2.0' },
  { action: 'migrate' },
  { action: 'repair', dryRun: true },
  { action: 'baseline' },
  { action: 'baseline', version: '1.1.0' },
  { action: 'acceptChecksum', version: '1.2.0' },
  { action: 'backup' },
  { action: 'backups' },
  { action: 'verifyBackup', backup: '/srv/db.backups/x.sqlite' },
  { action: 'restore' },
  { action: 'recoverRows', table: 'files' },
  { action: 'preserveCopy' },
  { action: 'salvage' },
  { action: 'busyTimeout', ms: 10000 },
  { action: 'scheduleBackups', every: '1d' },
  { action: 'backupDir' },
  { action: 'schemaFolder' },
  { action: 'migrationsTable' },
];

// What the engine sends along in details, which some hints read.
const DETAILS: Record<string, unknown>[] = [{}, { backup: '/srv/db.backups/x.sqlite' }, { sqliteCode: 'SQLITE_ERROR' }, { field: 'sql' }];

describe('console hints', () => {
  it('walk every error code, for every action and none, and never name a command', () => {
    const actions: (MethodName | null)[] = [null, ...METHOD_NAMES];
    let walked = 0;
    for (const code of ERROR_CODES) {
      for (const action of actions) {
        for (const details of DETAILS) {
          const info: ErrorInfo = { code, message: 'm', hint: `Run warden status --db x.db, or cp x.db y.db (${code}).`, details, next: EVERY_NEXT };
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

  it("say the engine's next actions as the buttons that do them, with what only the engine knows", () => {
    const drift: ErrorInfo = { code: 'SCHEMA_DRIFT', message: 'm', next: [{ action: 'baseline', version: '1.1.0' }] };
    expect(consoleHintFor(drift, 'baseline')).toMatch(/press Adopt again.* Its schema matches 1\.1\.0 exactly: adopt it as 1\.1\.0 from the Overview\.$/);
    const failed: ErrorInfo = { code: 'MIGRATION_FAILED', message: 'm', next: [{ action: 'restore', backup: '/srv/db.backups/app-pre-migrate.sqlite' }] };
    expect(consoleHintFor(failed, 'migrate')).toMatch(/To go back, press Restore… on app-pre-migrate\.sqlite in the Backups view\.$/);
    const edited: ErrorInfo = { code: 'CHECKSUM_MISMATCH', message: 'm', next: [{ action: 'acceptChecksum', version: '1.2.0' }] };
    expect(consoleHintFor(edited, 'migrate').match(/Review the edited migration…/g)).toHaveLength(1);
    expect(consoleHintFor({ ...edited, code: 'INVALID_INPUT' }, 'status')).toMatch(/accept the edit of 1\.2\.0 on purpose, press Review the edited migration…/);
  });

  it('leave out a plain step whose view the hint already sends the person to, and what only the host can do', () => {
    expect(consoleNextSteps([{ action: 'backups' }, { action: 'restore' }], 'Restore one from the Backups view.')).toEqual([]);
    expect(consoleNextSteps([{ action: 'tables' }], 'Check what you entered and try again.')).toEqual(['The Data view lists the tables and views.']);
    expect(consoleNextSteps([{ action: 'busyTimeout', ms: 10000 }, { action: 'schemaFolder' }], 'Wait.')).toEqual([]);
  });
});
