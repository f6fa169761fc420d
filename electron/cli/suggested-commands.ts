import type { Command } from 'commander';
import type { HostAction, NextAction, VerbAction } from '../../shared/next-action';

// The engine says what to do next as data (shared/next-action.ts); the command line words each as
// a command to paste. A pasted command must act on the database the user named, with the schema
// and backup folder the user gave, or it acts on the defaults of wherever it is pasted.

/** What the user's command named, repeated in every command it suggests. */
export interface GivenTarget {
  db: string;
  /** Only when the user gave one (not the default). */
  schema?: string;
  backupDir?: string;
}

/** How a next action reads on the command line: what `run` needs to print it for this command's target. */
export type CommandWords = (next: NextAction) => string;

/** A path as a shell reads it back: as it is when it holds nothing the shell treats specially, otherwise in single quotes. */
export function shellWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The long options each command of the program takes, by command name. */
export function optionsByCommand(program: Command): Map<string, Set<string>> {
  return new Map(program.commands.map((c) => [c.name(), new Set(c.options.map((o) => o.long ?? ''))]));
}

/** Each verb as the command that runs it, with its own arguments (a placeholder in capitals where the person picks). */
function verbCommand(next: VerbAction): { name: string; args: string[] } {
  switch (next.action) {
    case 'status':
    case 'history':
    case 'tables':
    case 'plan':
    case 'migrate':
    case 'backup':
    case 'backups':
      return { name: next.action, args: [] };
    case 'query':
      return { name: 'query', args: ['--sql', '"SELECT …"'] };
    case 'rehearse':
      return { name: 'rehearse', args: ['--to', shellWord(next.to)] };
    case 'verify':
      return { name: 'verify', args: next.full ? ['--full'] : [] };
    case 'initialize':
      return { name: 'init', args: [] };
    case 'repair':
      return { name: 'repair', args: next.dryRun ? ['--dry-run'] : [] };
    case 'baseline':
      return { name: 'baseline', args: ['--version', next.version === undefined ? 'V' : shellWord(next.version)] };
    case 'acceptChecksum':
      return { name: 'accept-checksum', args: ['--version', shellWord(next.version), '--reason', '"…"'] };
    case 'verifyBackup':
      return { name: 'verify-backup', args: [next.backup === undefined ? 'FILE' : shellWord(next.backup)] };
    case 'restore':
      return { name: 'restore', args: ['--backup', next.backup === undefined ? 'FILE' : shellWord(next.backup)] };
    case 'recoverRows':
      return {
        name: 'recover-rows',
        args: [
          '--table',
          shellWord(next.table),
          '--backup',
          next.backup === undefined ? 'FILE' : shellWord(next.backup),
          ...(next.dryRun ? ['--dry-run'] : []),
        ],
      };
    case 'preserveCopy':
      return { name: 'preserve', args: [] };
    case 'salvage':
      return { name: 'salvage', args: ['--out', 'NEW.db'] };
  }
}

/** What the host is asked to do differently, as the option that does it. */
function hostWords(next: HostAction, given: GivenTarget | undefined): string {
  switch (next.action) {
    case 'busyTimeout':
      return `run it again with a longer wait: --busy-timeout ${next.ms ?? 'MS'}`;
    case 'scheduleBackups':
      return `warden serve${given ? ` --db ${shellWord(given.db)}` : ''} --backup-every ${next.every}`;
    case 'backupDir':
      return 'run it again with --backup-dir DIR, a folder on a disk with room that can be written';
    case 'schemaFolder':
      return 'run it again with --schema DIR';
    case 'migrationsTable':
      return 'run it again with --migrations-table NAME';
  }
}

const HOST_ACTIONS = new Set<NextAction['action']>(['busyTimeout', 'scheduleBackups', 'backupDir', 'schemaFolder', 'migrationsTable']);

function isHostAction(next: NextAction): next is HostAction {
  return HOST_ACTIONS.has(next.action);
}

/**
 * A next action as the command line says it: a verb as `warden <command>` with the --db, --schema
 * and --backup-dir the user gave (those the command takes), then its own arguments.
 */
export function commandFor(next: NextAction, given?: GivenTarget, options?: Map<string, Set<string>>): string {
  if (isHostAction(next)) return hostWords(next, given);
  const { name, args } = verbCommand(next);
  const takes = options?.get(name);
  const target = given
    ? [
        ['--db', given.db],
        ['--schema', given.schema],
        ['--backup-dir', given.backupDir],
      ].filter(([option, value]) => value !== undefined && (takes === undefined || takes.has(option!)))
    : [];
  return ['warden', name, ...target.flatMap(([option, value]) => [option!, shellWord(value!)]), ...args].join(' ');
}

/** The next actions as lines under a message or a hint, `indent` before each. */
export function nextLines(next: NextAction[] | undefined, words: CommandWords, indent: string): string {
  return (next ?? []).map((action) => `\n${indent}next: ${words(action)}`).join('');
}
