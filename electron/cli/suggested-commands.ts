import type { Command } from 'commander';

// The commands a message suggests ("see every problem with: warden verify --db …") are pasted as
// they are printed: each must act on the database the user named, with the schema and backup
// folder the user gave, or it acts on the defaults of wherever it is pasted.

/** What the user's command named, repeated in every command it suggests. */
export interface GivenTarget {
  db: string;
  /** Only when the user gave one (not the default). */
  schema?: string;
  backupDir?: string;
}

const SUGGESTED = /\bwarden ([a-z][a-z-]*)/g;
/** Where a suggested command ends inside a sentence: a bracket, a semicolon, a comma or a full stop before a space, the end of the line. */
const END_OF_COMMAND = /[);\n]|[.,:](?=\s|$)/;

/** A path as a shell reads it back: as it is when it holds nothing the shell treats specially, otherwise in single quotes. */
export function shellWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The long options each command of the program takes, by command name. */
export function optionsByCommand(program: Command): Map<string, Set<string>> {
  return new Map(program.commands.map((c) => [c.name(), new Set(c.options.map((o) => o.long ?? ''))]));
}

/** `text` with --db, --schema and --backup-dir added to every `warden <command>` in it that takes them and lacks them. */
export function withGivenTarget(text: string, given: GivenTarget, options: Map<string, Set<string>>): string {
  return text.replace(SUGGESTED, (match, name: string, at: number) => {
    const takes = options.get(name);
    if (!takes) return match;
    const rest = text.slice(at + match.length);
    const end = END_OF_COMMAND.exec(rest);
    const written = end ? rest.slice(0, end.index) : rest;
    const added = [
      ['--db', given.db],
      ['--schema', given.schema],
      ['--backup-dir', given.backupDir],
    ].filter(([option, value]) => value !== undefined && takes.has(option!) && !new RegExp(`(^|\\s)${option}(\\s|=|$)`).test(written));
    return `${match}${added.map(([option, value]) => ` ${option} ${shellWord(value!)}`).join('')}`;
  });
}
