import { Command, CommanderError } from 'commander';
import packageJson from '../../package.json' with { type: 'json' };
import { loadSchema } from '../engine';
import { addServeCommand } from './commands/serve';
import { addFleetCommand } from './commands/fleet';
import { addHelpExamples } from './help-examples';
import { addCompletionCommand } from './completion';
import { optionsByCommand } from './suggested-commands';
import { commandNamed, failureEnvelope, knowRunningCommand, printEnvelope } from './json-envelope';
import type { ErrorInfo } from '../../shared/errors';

import { defaultDatabaseOf, DEFAULT_SCHEMA, EXIT, knowCommandOptions, RENDERER_DIR, userPath } from './command-runner';
import { addBackupCommands } from './commands/backups';
import { addDataCommands } from './commands/data';
import { addIntegrityCommands } from './commands/integrity';
import { addVersionCommands } from './commands/versions';

// `warden`: the command line, one file of commands per area (commands/), over the engine's face.
// Exit codes and how a command runs: command-runner.ts.

export function buildProgram(): Command {
  const program = new Command('warden')
    .description('Schema Warden: keeps SQLite databases healthy — initialize, version, migrate, verify, back up, restore.')
    // Program options only before the command: `warden baseline --version 1.0.0` is the command's own --version.
    .enablePositionalOptions()
    .version(packageJson.version, '-V, --version', 'print the version of Schema Warden')
    .showHelpAfterError('(run warden --help for the commands)')
    .exitOverride();

  addVersionCommands(program);
  addBackupCommands(program);
  addIntegrityCommands(program);
  addDataCommands(program);
  addServeCommand(program, { db: (schemaDir) => defaultDatabaseOf(loadSchema(schemaDir)), schema: DEFAULT_SCHEMA, rendererDir: RENDERER_DIR, userPath });
  addFleetCommand(program, { schema: DEFAULT_SCHEMA, userPath });
  addCompletionCommand(program);

  addHelpExamples(program);
  knowCommandOptions(optionsByCommand(program));
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  knowRunningCommand(commandNamed(program, argv));
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.usage;
      // commander has said what is wrong on stderr; a script that asked for JSON still gets its envelope.
      if (err.exitCode !== 0 && argv.includes('--json')) printEnvelope(failureEnvelope(usageError(err), EXIT.usage));
      return;
    }
    throw err;
  }
}

/** A command line commander refused (unknown option, missing value, bad number), as the envelope's error. */
function usageError(err: CommanderError): ErrorInfo {
  return {
    code: 'INVALID_INPUT',
    message: err.message.replace(/^error: /, ''),
    hint: "See the command's options and examples with --help.",
    details: { usage: err.code },
  };
}
