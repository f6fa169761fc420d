import type { Command } from 'commander';
import type { ErrorInfo } from '../../shared/errors';

// What `--json` prints: one envelope, the same shape whether the command succeeded or failed, so a
// script reads `.ok` and then `.result` or `.error` without guessing (README, "JSON output"). It is
// the HTTP API's `{ ok, result | error }` with the command and its exit code added: in a pipe,
// `$?` is jq's, and the exit code carries verdicts (1 degraded, 2 unhealthy) that `ok` does not.

export type JsonEnvelope<T> = { ok: true; command: string; exitCode: number; result: T } | { ok: false; command: string; exitCode: number; error: ErrorInfo };

/** The command being run, as typed (`status`, `fleet compare`): set by main before commander parses. */
let runningCommand = 'warden';

export function knowRunningCommand(name: string): void {
  runningCommand = name;
}

/** The command the arguments name, its words as typed (`fleet status`); `warden` when they name none. */
export function commandNamed(program: Command, argv: string[]): string {
  const words: string[] = [];
  let commands = program.commands;
  for (const arg of argv) {
    const found = commands.find((c) => c.name() === arg || c.aliases().includes(arg));
    if (!found) break;
    words.push(found.name());
    commands = found.commands;
  }
  return words.length ? words.join(' ') : 'warden';
}

export function successEnvelope<T>(result: T, exitCode: number): JsonEnvelope<T> {
  return { ok: true, command: runningCommand, exitCode, result };
}

export function failureEnvelope(error: ErrorInfo, exitCode: number): JsonEnvelope<never> {
  return { ok: false, command: runningCommand, exitCode, error };
}

export function printEnvelope(envelope: JsonEnvelope<unknown>): void {
  process.stdout.write(`${JSON.stringify(envelope, null, 2)}\n`);
}
