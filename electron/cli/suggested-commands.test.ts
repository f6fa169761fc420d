import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { optionsByCommand, shellWord, withGivenTarget } from './suggested-commands';

// Suggested commands in sentences, as the engine words them, given the target the user named.

function program(): Command {
  const p = new Command('warden');
  p.command('verify').option('--db <path>').option('--schema <dir>').option('--full');
  p.command('restore').option('--db <path>').option('--schema <dir>').option('--backup-dir <dir>').option('--backup <b>');
  p.command('fleet');
  return p;
}

const options = optionsByCommand(program());

describe('withGivenTarget', () => {
  it('adds what a command lacks and keeps what it has, up to where the sentence goes on', () => {
    const given = { db: '/d/app.db', schema: '/s/mine', backupDir: '/b' };
    expect(withGivenTarget('See every problem with: warden verify --db /d/app.db. Then fix it.', given, options)).toBe(
      'See every problem with: warden verify --schema /s/mine --db /d/app.db. Then fix it.',
    );
    expect(withGivenTarget('restore one (warden restore --backup FILE), or salvage', given, options)).toBe(
      'restore one (warden restore --db /d/app.db --schema /s/mine --backup-dir /b --backup FILE), or salvage',
    );
    // The --db of the next sentence is not this command's.
    expect(withGivenTarget('run warden verify; then warden restore --db /x', given, options)).toBe(
      'run warden verify --db /d/app.db --schema /s/mine; then warden restore --schema /s/mine --backup-dir /b --db /x',
    );
  });

  it('leaves alone words that are no command, and commands that take none of the options', () => {
    const given = { db: '/d/app.db' };
    expect(withGivenTarget('the warden fleet and the warden itself', given, options)).toBe('the warden fleet and the warden itself');
  });

  it('quotes a path the shell would split', () => {
    expect(shellWord("/tmp/my db's.db")).toBe(`'/tmp/my db'\\''s.db'`);
    expect(shellWord('/tmp/plain-1.db')).toBe('/tmp/plain-1.db');
  });
});
