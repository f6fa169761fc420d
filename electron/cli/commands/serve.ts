import { parseDuration } from '../../../shared/duration';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { OPERATOR_NAME, OPERATOR_NAME_RULE } from '../../../shared/operator-name';
import { TOKEN_TEXT, TOKEN_TEXT_RULE } from '../../../shared/token-text';
import { errorInfoOf } from '../../api/error-info';
import { WardenError } from '../../engine';
import { formatError } from '../output';
import type { HttpHost, ServedDatabase } from '../../server/http-host';
import { loadFleet, OPERATOR_TOKEN_VARIABLE, plainHttpWarnings, READ_ONLY_TOKEN_VARIABLE, unsafeTokenFile } from '../../fleet/fleet-file';

// `warden serve`: the web console and the API over HTTP, plus GET /api/health. It initializes
// nothing by itself; a database that is not initialized is reported (degraded) until someone
// initializes it from the console or with `warden init`.

export const DEFAULT_PORT = 7373;

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export interface ServeDefaults {
  /** The database served without --db, for the schema folder in use. */
  db: (schemaDir: string) => string;
  schema: string;
  rendererDir: string;
  /** Resolves a path typed by the user against the directory they ran the command in. */
  userPath: (path: string) => string;
}

interface ServeOptions {
  db: string[];
  schema: string;
  data?: string;
  port: number;
  host: string;
  healthInterval: number;
  operator?: string;
  tokenFile?: string;
  readOnlyTokenFile?: string;
  fleet?: string;
  /** --backup-every, in milliseconds. */
  backupEvery?: number;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port is a whole number from 0 to 65535 (0: any free port).');
  return n;
}

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('a number of seconds, 0 or more (fractions allowed).');
  return n;
}

function duration(value: string): number {
  const ms = parseDuration(value);
  if (ms === null || ms < 1000) throw new InvalidArgumentError('a duration of at least 1s, like 6h, 1d or 2w.');
  return ms;
}

const collect = (value: string, previous: string[]) => [...previous, value];

function operator(value: string): string {
  const name = value.trim();
  if (!OPERATOR_NAME.test(name)) throw new InvalidArgumentError(`${OPERATOR_NAME_RULE}.`);
  return name;
}

/** Where each token came from: null when this server made it (and so must print it), else the source, for words. */
interface TokenSources {
  operator: string | null;
  readOnly: string | null;
}

/** Prints the tokens this server made; one the user gave (a file, the environment) is named by its source, never printed. */
function describe(server: HttpHost, rendererBuilt: boolean, fleet: string | undefined, given: TokenSources): string {
  const databases = server.registry.list().map((db) => `  ${db.id}  ${db.path}`);
  const operator = given.operator === null ? server.token : `<the operator token from ${given.operator}>`;
  const readOnly = given.readOnly === null ? server.readOnlyToken : `the one from ${given.readOnly}`;
  const consoleUrl = given.operator === null ? server.consoleUrl : `${server.origin}/?token=${operator}`;
  return [
    `Schema Warden is serving ${databases.length === 1 ? '1 database' : `${databases.length} databases`} at ${server.origin}`,
    ...databases,
    `Console: ${consoleUrl}`,
    ...(fleet ? [`Fleet:   ${consoleUrl}#/fleet (the deployments of ${fleet})`] : []),
    `Health:  ${server.origin}/api/health`,
    `API:     POST ${server.origin}/api/<method> with "Authorization: Bearer ${operator}"`,
    `Read-only token (view and verify; no changes, backups, restores or queries): ${readOnly}`,
    `Metrics: ${server.origin}/metrics with either token`,
    ...(rendererBuilt ? [] : ['note: the console is not built yet (run `npx electron-vite build`); the API and the health endpoint work without it.']),
    'Press Ctrl-C to stop.',
  ].join('\n');
}

function untilStopped(server: HttpHost): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      process.stderr.write('Stopping…\n');
      void server.close().then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/**
 * A token from its file (--token-file), else its environment variable, else none (the host makes
 * one at random). A fleet that must know an agent's tokens gives them this way: never on the
 * command line, where every user of the machine can read them.
 */
function tokenFrom(file: string | undefined, variable: string, userPath: (path: string) => string): string | undefined {
  const where = tokenSource(file, variable, userPath);
  // The agent's side of the fleet's rule: a token file only its owner can read (ssh's rule for keys).
  const unsafe = file === undefined ? null : unsafeTokenFile(userPath(file), { pipes: true });
  if (unsafe !== null) throw new TokenRefused(`The token file ${where} ${unsafe}.`);
  let value: string | undefined;
  try {
    value = file === undefined ? process.env[variable] : readFileSync(userPath(file), 'utf8');
  } catch (err) {
    throw new TokenRefused(`The token file ${where} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
  if (value === undefined || value === '') return undefined;
  const token = value.trim();
  if (!TOKEN_TEXT.test(token)) throw new TokenRefused(`The token in ${where} is not usable: a token is ${TOKEN_TEXT_RULE}.`);
  return token;
}

function tokenSource(file: string | undefined, variable: string, userPath: (path: string) => string): string {
  return file === undefined ? `the environment variable ${variable}` : userPath(file);
}

class TokenRefused extends Error {}

/** The fleet file at `path`, refused when a deployment's tokenFile is one of this server's own token files (they would be sent to an agent). */
function fleetWithWarnings(path: string, ownTokenFiles: { file: string | undefined; what: string; flag: string }[], userPath: (path: string) => string) {
  const fleet = loadFleet(path);
  const same = (a: string, b: string) => resolve(a) === resolve(b) || (existsSync(a) && existsSync(b) && realpathSync(a) === realpathSync(b));
  for (const d of fleet.deployments) {
    if (d.reach.kind === 'file' || !('file' in d.reach.token)) continue;
    const tokenFile = d.reach.token.file;
    const own = ownTokenFiles.find(({ file }) => file !== undefined && same(userPath(file), tokenFile));
    if (own) {
      throw new WardenError(
        'INVALID_INPUT',
        `The fleet file ${path} gives ${d.name} the token file ${tokenFile}, which holds this server's own ${own.what} (${own.flag}): it is never sent to an agent.`,
        `Keep ${d.name}'s agent token in a file of its own (such as ${d.name}.token, chmod 600) and name it in "tokenFile".`,
        { field: 'tokenFile' },
      );
    }
  }
  for (const warning of plainHttpWarnings(fleet.deployments)) process.stderr.write(`${warning}\n`);
  return fleet;
}

/**
 * `--db PATH:SCHEMA_DIR` serves PATH under its own schema folder; a plain `--db PATH` under --schema.
 * Split at the last colon, unless what precedes it is a Windows drive letter (C:\data\app.db).
 */
export function servedDatabase(value: string, userPath: (path: string) => string): ServedDatabase {
  const colon = value.lastIndexOf(':');
  const path = value.slice(0, colon);
  if (colon <= 0 || colon === value.length - 1 || /^[A-Za-z]$/.test(path)) return userPath(value);
  return { path: userPath(path), schemaDir: userPath(value.slice(colon + 1)) };
}

async function serve(options: ServeOptions, defaults: ServeDefaults): Promise<void> {
  if (!isLoopback(options.host)) {
    process.stderr.write(
      `warning: listening on ${options.host}, not only on this machine: anyone who can reach it and learns the token can change these databases, and plain HTTP carries the token unencrypted. Put it behind TLS or keep the default 127.0.0.1.\n`,
    );
  }
  let server: HttpHost;
  const given: TokenSources = { operator: null, readOnly: null };
  try {
    const tokens = {
      operator: tokenFrom(options.tokenFile, OPERATOR_TOKEN_VARIABLE, defaults.userPath),
      readOnly: tokenFrom(options.readOnlyTokenFile, READ_ONLY_TOKEN_VARIABLE, defaults.userPath),
    };
    if (tokens.operator !== undefined) given.operator = tokenSource(options.tokenFile, OPERATOR_TOKEN_VARIABLE, defaults.userPath);
    if (tokens.readOnly !== undefined) given.readOnly = tokenSource(options.readOnlyTokenFile, READ_ONLY_TOKEN_VARIABLE, defaults.userPath);
    if (tokens.operator !== undefined && tokens.operator === tokens.readOnly)
      throw new TokenRefused('The operator token and the read-only token are the same: the read-only token would allow everything.');
    // Loaded here, not at start-up: every other command runs without the server and its contract.
    const { startHttpHost } = await import('../../server/http-host');
    // Inside the try: the default database is named after the schema, so a bad --schema is reported here.
    const databases = options.db.length
      ? options.db.map((value) => servedDatabase(value, defaults.userPath))
      : [defaults.userPath(defaults.db(defaults.userPath(options.schema)))];
    server = await startHttpHost({
      databases,
      schemaDir: defaults.userPath(options.schema),
      dataDir: options.data ? defaults.userPath(options.data) : undefined,
      host: options.host,
      port: options.port,
      rendererDir: defaults.rendererDir,
      healthIntervalMs: options.healthInterval * 1000,
      operator: options.operator,
      backupEveryMs: options.backupEvery,
      tokens,
      fleet:
        options.fleet === undefined
          ? undefined
          : {
              fleet: fleetWithWarnings(
                defaults.userPath(options.fleet),
                [
                  { file: options.tokenFile, what: 'operator token', flag: '--token-file' },
                  { file: options.readOnlyTokenFile, what: 'read-only token', flag: '--read-only-token-file' },
                ],
                defaults.userPath,
              ),
              defaultSchemaDir: defaults.userPath(options.schema),
            },
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (err instanceof TokenRefused) {
      process.stderr.write(
        `${formatError({ code: 'INVALID_INPUT', message: err.message, hint: 'Write a long random token (e.g. `openssl rand -base64 32`) into the file, readable only by the user running `warden serve`.' })}\n`,
      );
      process.exitCode = 64;
      return;
    }
    const info =
      code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL'
        ? {
            code: 'INTERNAL' as const,
            message: `Cannot listen on ${options.host}:${options.port} (${code}).`,
            hint: 'Pick another --port (0 picks a free one) or --host.',
          }
        : errorInfoOf(err);
    process.stderr.write(`${formatError(info)}\n`);
    process.exitCode = 2;
    return;
  }
  // Listen for Ctrl-C before printing the URL: whoever reads it may stop the server at once.
  const stopped = untilStopped(server);
  process.stdout.write(`${describe(server, existsSync(defaults.rendererDir), options.fleet && defaults.userPath(options.fleet), given)}\n`);
  await stopped;
}

export function addServeCommand(program: Command, defaults: ServeDefaults): void {
  program
    .command('serve')
    .description('serve the console and the API over HTTP (127.0.0.1 by default), with GET /api/health for load balancers')
    .addOption(
      new Option('--db <path[:schema-dir]>', 'database file to serve, with its own schema folder after a colon; repeat for several')
        .argParser(collect)
        .default([], 'data/<schema name>.db'),
    )
    .option('--schema <dir>', 'schema of the databases named without their own; the schemas beside it can be used for new ones', defaults.schema)
    .option('--data <dir>', 'folder where the console creates new databases (default: the folder of the first --db)')
    .option('--port <n>', 'port to listen on (0: any free port)', port, DEFAULT_PORT)
    .option('--host <address>', 'address to listen on; anything but loopback is reachable from the network', '127.0.0.1')
    .option('--operator <name>', 'the person the history records actions for (default: the console asks each browser session for a name)', operator)
    .option('--fleet <file>', 'a fleet file: the console gets a Fleet page, and opens each deployment through this host')
    .option('--token-file <path>', 'file holding the operator token (default: $WARDEN_TOKEN, else a random token printed at start)')
    .option('--read-only-token-file <path>', 'file holding the read-only token: view and verify only (default: $WARDEN_READ_ONLY_TOKEN, else random, printed)')
    .option(
      '--backup-every <duration>',
      'take a verified backup of each served database when its newest is older than this (6h, 1d, …); kept under the retention rules (reason scheduled)',
      duration,
    )
    .option(
      '--health-interval <seconds>',
      'how often the served databases are checked again (open consoles are told the result; GET /api/health reuses it meanwhile)',
      seconds,
      30,
    )
    .action((options: ServeOptions) => serve(options, defaults));
}
