import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { EXAMPLES } from './help-examples';
import { buildProgram } from './program';

// Every example under --help is parsed by the program itself (its actions replaced by a no-op):
// an option the command does not take, a required one left out or a bad value fails here.

/** Words of a command line as a shell splits them (double quotes kept together). */
function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]);
}

/** The program with every action a no-op that records which command ran, and no output. */
function dryProgram(): { program: Command; ran: string[] } {
  const program = buildProgram();
  const ran: string[] = [];
  const quiet = (command: Command) => {
    command.exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} });
    if (command.commands.length === 0) command.action(() => void ran.push(command.name()));
    command.commands.forEach(quiet);
  };
  quiet(program);
  return { program, ran };
}

describe('--help examples', () => {
  it('every command has examples, shown under its --help', () => {
    const { program } = dryProgram();
    const commands = program.commands.map((c) => c.name()).filter((name) => name !== 'help');
    expect(commands.filter((name) => !EXAMPLES[name]?.length)).toEqual([]);
    let help = '';
    const restore = program.commands.find((c) => c.name() === 'restore')!;
    restore.configureOutput({ writeOut: (text) => (help += text) });
    restore.outputHelp();
    expect(help).toContain('Examples:\n  $ warden restore --db /var/lib/chat/conversation_files.db --backup latest --dry-run\n');
  });

  it.each(Object.entries(EXAMPLES).flatMap(([name, examples]) => examples.map(([line]) => [name, line])))('%s: warden %s parses', async (name, line) => {
    const { program, ran } = dryProgram();
    await program.parseAsync(words(line), { from: 'user' });
    expect(ran).toEqual([words(line)[name === 'fleet' ? 1 : 0]]);
  });
});
