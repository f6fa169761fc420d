import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { formatError } from './output';
import { commandFor, optionsByCommand, shellWord } from './suggested-commands';

// The engine's next actions as the command line prints them, given the target the user named.

function program(): Command {
  const p = new Command('warden');
  p.command('verify').option('--db <path>').option('--schema <dir>').option('--full');
  p.command('restore').option('--db <path>').option('--schema <dir>').option('--backup-dir <dir>').option('--backup <b>');
  p.command('baseline').option('--db <path>').option('--schema <dir>').option('--version <v>');
  return p;
}

const options = optionsByCommand(program());

describe('commandFor', () => {
  it('repeats the --db, --schema and --backup-dir the user gave, those the command takes, then its own arguments', () => {
    const given = { db: '/d/app.db', schema: '/s/mine', backupDir: '/b' };
    expect(commandFor({ action: 'verify', full: true }, given, options)).toBe('warden verify --db /d/app.db --schema /s/mine --full');
    expect(commandFor({ action: 'restore', backup: 'app-2026.sqlite' }, given, options)).toBe(
      'warden restore --db /d/app.db --schema /s/mine --backup-dir /b --backup app-2026.sqlite',
    );
    expect(commandFor({ action: 'baseline', version: '1.1.0' }, { db: '/d/app.db' }, options)).toBe('warden baseline --db /d/app.db --version 1.1.0');
  });

  it('names what the person picks in capitals, and uses the command names of the command line', () => {
    expect(commandFor({ action: 'restore' }, { db: '/d/app.db' }, options)).toBe('warden restore --db /d/app.db --backup FILE');
    expect(commandFor({ action: 'baseline' })).toBe('warden baseline --version V');
    expect(commandFor({ action: 'initialize' }, { db: '/d/app.db' })).toBe('warden init --db /d/app.db');
    expect(commandFor({ action: 'acceptChecksum', version: '1.2.0' })).toBe('warden accept-checksum --version 1.2.0 --reason "…"');
    expect(commandFor({ action: 'preserveCopy' }, { db: '/d/app.db' })).toBe('warden preserve --db /d/app.db');
  });

  it('says a host action as the option that does it', () => {
    expect(commandFor({ action: 'busyTimeout', ms: 10000 })).toBe('run it again with a longer wait: --busy-timeout 10000');
    expect(commandFor({ action: 'scheduleBackups', every: '1d' }, { db: '/d/app.db' })).toBe('warden serve --db /d/app.db --backup-every 1d');
  });

  it('quotes a path the shell would split, in the target and in the arguments', () => {
    expect(shellWord("/tmp/my db's.db")).toBe(`'/tmp/my db'\\''s.db'`);
    expect(shellWord('/tmp/plain-1.db')).toBe('/tmp/plain-1.db');
    expect(commandFor({ action: 'restore', backup: '/b/a b.sqlite' }, { db: '/tmp/my db.db' }, options)).toBe(
      "warden restore --db '/tmp/my db.db' --backup '/b/a b.sqlite'",
    );
  });
});

describe('formatError', () => {
  it('prints each next action on a line of its own under what to do', () => {
    const info = {
      code: 'CORRUPT' as const,
      message: 'The database /d/app.db is corrupt.',
      hint: 'Restore it from a backup.',
      next: [{ action: 'restore' as const }],
    };
    expect(formatError(info, (next) => commandFor(next, { db: '/d/app.db' }, options))).toBe(
      'error [CORRUPT]: The database /d/app.db is corrupt.\n  what to do: Restore it from a backup.\n  next: warden restore --db /d/app.db --backup FILE',
    );
  });
});
