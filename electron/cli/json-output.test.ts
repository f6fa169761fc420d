import { appendFileSync, cpSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module script without types
import { buildCli } from '../../scripts/build-cli.mjs';
import { startChatService } from '../engine/test-support/chat-service';
import { type CliRun, runCli } from '../engine/test-support/cli';
import { REPO_ROOT, SHIPPED_SCHEMA_DIR, tempDir } from '../engine/test-support/fixtures';
import { buildProgram } from './program';

// `--json` as a script reads it: every command that takes it prints one envelope, the same shape
// on success and on failure (json-envelope.ts), and the documents speak one vocabulary (README,
// "JSON output"): a name retired for its synonym never comes back.

/** Names retired for the one name the README's vocabulary gives the same thing. */
const RETIRED: Record<string, string> = { sizeBytes: 'bytes', fileBytes: 'bytes', sizesMeasured: 'measured', appliedBy: 'actor', state: 'status' };

/** Where a document holds the database's own names (tables, columns) rather than ours. */
const USER_DATA = new Set(['rows', 'rowsBefore', 'rowsAfter', 'examples']);

const OUT = join(REPO_ROOT, 'out', `cli-json-test-${process.pid}`);
let cli: string[];
const dir = tempDir();
const db = join(dir, 'x.db');
const fleetFile = join(dir, 'fleet.json');
const notADatabase = join(dir, 'notes.txt');

/** Each command that takes --json, run so that it succeeds, in an order that gives each what it needs. */
const SUCCEEDS: string[][] = [
  ['init', '--db', db, '--to', '1.1.0'],
  ['status', '--db', db],
  ['plan', '--db', db],
  ['rehearse', '--db', db],
  ['migrate', '--db', db],
  ['history', '--db', db],
  ['backup', '--db', db],
  ['backups', '--db', db],
  ['verify-backup', 'latest', '--db', db],
  ['restore', '--backup', 'latest', '--dry-run', '--db', db],
  ['restore', '--backup', 'latest', '--yes', '--db', db],
  ['recover-rows', '--table', 'conversation_files', '--backup', 'latest', '--dry-run', '--db', db],
  ['verify', '--full', '--db', db],
  ['repair', '--dry-run', '--db', db],
  ['tables', '--db', db],
  ['query', '--sql', "SELECT 1 AS one, x'0102' AS two", '--db', db],
  ['rows', '--table', 'conversation_files', '--db', db],
  ['preserve', '--db', db],
  ['salvage', '--out', join(dir, 'salvaged.db'), '--db', db],
  ['baseline', '--version', '1.0.0', '--db', join(dir, 'service.db')],
  ['accept-checksum', '--version', '1.0.0', '--reason', 'a comment added', '--db', join(dir, 'edited.db'), '--schema', join(dir, 'edited-schema')],
  ['fleet', 'status', '--fleet', fleetFile],
  ['fleet', 'verify', '--fleet', fleetFile],
  ['fleet', 'backup', '--fleet', fleetFile],
  ['fleet', 'compare', 'a', 'b', '--fleet', fleetFile],
  ['fleet', 'migrate', '--to', '1.2.0', '--fleet', fleetFile],
];

/** The same commands, run so that they fail: a file that is no database, a fleet file that is not there, a bad option value. */
const FAILS: string[][] = [
  ...SUCCEEDS.filter((args) => !['fleet', 'backups', 'preserve'].includes(args[0])).map((args) => replaced(args, '--db', notADatabase)),
  // Listing backups reads only the folder: one that is a file. Preserve copies any file as it is: one that is not there.
  ['backups', '--db', db, '--backup-dir', notADatabase],
  ['preserve', '--db', join(dir, 'not-there.db')],
  ...SUCCEEDS.filter((args) => args[0] === 'fleet').map((args) => replaced(args, '--fleet', join(dir, 'missing.json'))),
  ['status', '--busy-timeout', 'soon', '--db', db],
];

function replaced(args: string[], option: string, value: string): string[] {
  const at = args.indexOf(option);
  return [...args.slice(0, at + 1), value, ...args.slice(at + 2)].filter((arg, i, all) => arg !== '--schema' && all[i - 1] !== '--schema');
}

/** The command's words, as the envelope names it. */
const commandOf = (args: string[]) => (args[0] === 'fleet' ? `fleet ${args[1]}` : args[0]);

const runs = new Map<string, CliRun>();

beforeAll(async () => {
  cli = [await buildCli(OUT)];
  writeFileSync(notADatabase, 'not a database at all, just notes\n'.repeat(40));
  startChatService(join(dir, 'service.db'));
  cpSync(SHIPPED_SCHEMA_DIR, join(dir, 'edited-schema'), { recursive: true });
  expect(runCli(['init', '--db', join(dir, 'edited.db'), '--schema', join(dir, 'edited-schema')], cli).code).toBe(0);
  appendFileSync(join(dir, 'edited-schema/migrations/1.0.0__initial_file_store.sql'), '\n-- a comment, edited after it was applied\n');
  expect(runCli(['init', '--db', join(dir, 'y.db'), '--to', '1.1.0'], cli).code).toBe(0);
  writeFileSync(
    fleetFile,
    JSON.stringify({
      deployments: [
        { name: 'a', group: 'g', file: 'x.db' },
        { name: 'b', group: 'g', file: 'y.db' },
      ],
    }),
  );
  for (const args of [...SUCCEEDS, ...FAILS]) runs.set(args.join(' '), runCli([...args, '--json'], cli));
}, 240_000);

afterAll(() => rmSync(OUT, { recursive: true, force: true }));

function envelopeKeys(run: CliRun): string[] {
  return Object.keys(JSON.parse(run.stdout)).sort();
}

/** Every field name in a document, with where it is (user data left out). */
function fieldNames(value: unknown, path: string, into: Map<string, string>): Map<string, string> {
  if (Array.isArray(value)) for (const item of value) fieldNames(item, `${path}[]`, into);
  else if (value && typeof value === 'object')
    for (const [key, inner] of Object.entries(value)) {
      into.set(key, `${path}.${key}`);
      if (!USER_DATA.has(key)) fieldNames(inner, `${path}.${key}`, into);
    }
  return into;
}

describe('warden --json', () => {
  it('covers every command that takes --json', () => {
    const takesJson = buildProgram()
      .commands.flatMap((c) => (c.commands.length ? c.commands.map((sub) => ({ name: `${c.name()} ${sub.name()}`, sub })) : [{ name: c.name(), sub: c }]))
      .filter(({ sub }) => sub.options.some((o) => o.long === '--json'))
      .map(({ name }) => name);
    expect(new Set(SUCCEEDS.map(commandOf))).toEqual(new Set(takesJson));
  });

  it('prints { ok: true, command, exitCode, result } on success and { ok: false, command, exitCode, error } on failure, every command', () => {
    for (const args of SUCCEEDS) {
      const run = runs.get(args.join(' '))!;
      const said = `${args.join(' ')}: ${run.stderr}`;
      expect(envelopeKeys(run), said).toEqual(['command', 'exitCode', 'ok', 'result']);
      expect(JSON.parse(run.stdout), said).toMatchObject({ ok: true, command: commandOf(args), exitCode: run.code });
    }
    for (const args of FAILS) {
      const run = runs.get(args.join(' '))!;
      const said = `${args.join(' ')}: ${run.stdout}${run.stderr}`;
      expect(run.code, said).not.toBe(0);
      expect(envelopeKeys(run), said).toEqual(['command', 'error', 'exitCode', 'ok']);
      expect(JSON.parse(run.stdout), said).toMatchObject({
        ok: false,
        command: commandOf(args),
        exitCode: run.code,
        error: { code: expect.any(String), message: expect.any(String) },
      });
      // Each is the world or the command line being wrong, said as such: never "a bug in Schema Warden".
      expect(JSON.parse(run.stdout).error.code, said).not.toBe('INTERNAL');
    }
  });

  it('names each thing one way: no retired synonym in any document', () => {
    const names = new Map<string, string>();
    for (const args of SUCCEEDS) fieldNames(JSON.parse(runs.get(args.join(' '))!.stdout), commandOf(args), names);
    const retired = [...names].filter(([name]) => name in RETIRED).map(([name, where]) => `${where} (say ${RETIRED[name]})`);
    expect(retired).toEqual([]);
    // The names that replaced them are there, so this test reads the documents it means to.
    for (const name of ['bytes', 'measured', 'actor', 'status']) expect(names.has(name), name).toBe(true);
  });
});
