import { readFileSync, statSync, type Stats } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, resolve } from 'node:path';
import * as z from 'zod/mini';
import '../../shared/zod-messages';
import { TOKEN_TEXT, TOKEN_TEXT_RULE } from '../../shared/token-text';
import { WardenError } from '../engine';

// The fleet file: every deployment an operator looks after, by name and group, and how to reach
// it — a local database file, a `warden serve` agent by URL, or an agent on a VM's loopback
// through an SSH tunnel. Tokens are never in the file: it names the environment variable or the
// file that holds each one, or says the desktop app keeps it in the OS keychain (tokenKeychain).
// Relative paths are relative to the fleet file's folder.

// Not only dots: the console opens a deployment at /fleet/<name>/…, and a browser reads "." and ".." there as folders.
const NAME = /^(?!\.+$)[A-Za-z0-9_.-]{1,64}$/;
const name = z.string().check(z.regex(NAME, 'a name of 1–64 letters, digits, _ . - (not only dots)'));
const path = z.string().check(z.minLength(1, 'a path'));
const port = z.number().check(z.int('a whole number'), z.minimum(1, 'a port from 1 to 65535'), z.maximum(65535, 'a port from 1 to 65535'));
const envName = z.string().check(z.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name'));

/** http(s)://host:port and nothing else: no user, path, query or fragment (the client adds /api/<method>). */
function isAgentAddress(value: string): boolean {
  if (/\s/.test(value)) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.host !== '' && url.pathname === '/' && !value.includes('?') && !value.includes('#');
}

const deploymentJson = z.strictObject({
  name,
  group: z._default(name, 'default'),
  /** A local database file. */
  file: z.optional(path),
  /** The schema folder of a local file (default: the schema the command was given). */
  schema: z.optional(path),
  /** A `warden serve` agent reachable directly. */
  url: z.optional(
    z.string().check(
      // A password in the address would be a secret in clear, and would be printed wherever the address is.
      z.refine((v) => !/^[^/]*\/\/[^/]*@/.test(v), "an agent address without a user name or password (the agent's token comes from tokenEnv or tokenFile)"),
      z.refine(isAgentAddress, 'an agent address like http://10.0.0.5:7373 (scheme, host and port only)'),
    ),
  ),
  /** An agent listening on a VM's loopback, reached through `ssh -L`. */
  ssh: z.optional(
    z.strictObject({
      // Never starting with "-": ssh would read it as an option.
      host: z.string().check(z.regex(/^(?!-)[A-Za-z0-9_.:-]{1,253}$/, 'a host name or address (not starting with -)')),
      port: z.optional(port),
      user: z.string().check(z.regex(/^[a-z_][a-z0-9_.-]{0,31}$/i, 'a user name')),
      identityFile: z.optional(path),
      /** Where the VM's host key is checked (default: ssh's own known_hosts). */
      knownHostsFile: z.optional(path),
    }),
  ),
  /** The agent's port on the VM (ssh deployments). */
  remotePort: z.optional(port),
  tokenEnv: z.optional(envName),
  tokenFile: z.optional(path),
  /** The desktop app keeps this deployment's token, encrypted by the OS keychain (Electron safeStorage); the CLI cannot read it. */
  tokenKeychain: z.optional(z.literal(true, 'true (the desktop app keeps the token)')),
  /** Which of the agent's databases (its id); needed only when the agent serves several. */
  database: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_.-]{1,64}$/, 'a database id (letters, digits, _ . -)'))),
});

const fleetJson = z.strictObject({ deployments: z.array(deploymentJson).check(z.minLength(1, 'at least one deployment')) });

type DeploymentJson = z.output<typeof deploymentJson>;

/** A token the desktop app keeps for a deployment of this fleet, or null when it keeps none. */
export type KeychainLookup = (deployment: string) => string | null;

/** keychain: the desktop app's lookup; null in the CLI and `warden serve`, which cannot read the app's keychain. */
export type TokenSource = { env: string } | { file: string } | { keychain: KeychainLookup | null };

export interface SshTarget {
  host: string;
  port: number;
  user: string;
  identityFile: string | null;
  knownHostsFile: string | null;
}

export type Reach =
  | { kind: 'file'; file: string; schemaDir: string | null }
  | { kind: 'agent'; url: string; token: TokenSource; database: string | null }
  | { kind: 'ssh'; ssh: SshTarget; remotePort: number; token: TokenSource; database: string | null };

export interface Deployment {
  name: string;
  group: string;
  reach: Reach;
}

export interface Fleet {
  path: string;
  deployments: Deployment[];
}

function invalid(file: string, where: string, message: string, hint: string): WardenError {
  return new WardenError('INVALID_INPUT', `The fleet file ${file} is not valid: ${where}${message}`, hint, { file, field: where.replace(/: $/, '') });
}

/** `~/…` and paths relative to the fleet file. */
function pathFrom(base: string, value: string): string {
  return value.startsWith('~/') ? resolve(homedir(), value.slice(2)) : resolve(base, value);
}

/**
 * Whatever a fleet file names is read and sent to the deployment's address, and whoever edits a
 * shared fleet file chooses that address: a tokenEnv of AWS_SECRET_ACCESS_KEY or a tokenFile of
 * ~/.ssh/id_ed25519 would hand that secret to them. So only names meant for an agent's token are
 * read: variables whose name starts with WARDEN_, files whose name ends in .token.
 */
export const TOKEN_ENV_PREFIX = 'WARDEN_';
export const TOKEN_FILE_SUFFIX = '.token';
/**
 * The variables `warden serve` reads its own tokens from (serve-command.ts): this machine's tokens,
 * which rule over its databases, never an agent's. A fleet file naming one would send them away.
 */
export const OPERATOR_TOKEN_VARIABLE = 'WARDEN_TOKEN';
export const READ_ONLY_TOKEN_VARIABLE = 'WARDEN_READ_ONLY_TOKEN';
const HOST_TOKEN_VARIABLES: Readonly<Record<string, string>> = { [OPERATOR_TOKEN_VARIABLE]: 'operator token', [READ_ONLY_TOKEN_VARIABLE]: 'read-only token' };

function tokenSource(d: DeploymentJson, at: string, file: string, base: string): TokenSource {
  const given = (['tokenEnv', 'tokenFile', 'tokenKeychain'] as const).filter((k) => d[k] !== undefined);
  if (given.length > 1) throw invalid(file, `${at}: `, `give one of ${given.join(', ')}, not ${given.length}.`, "Keep the one that holds the agent's token.");
  if (d.tokenEnv !== undefined) {
    if (!d.tokenEnv.startsWith(TOKEN_ENV_PREFIX) || d.tokenEnv.length === TOKEN_ENV_PREFIX.length) {
      throw invalid(
        file,
        `${at}.tokenEnv: `,
        `the environment variable ${d.tokenEnv} of ${d.name} is not one meant for a Schema Warden token: its name must start with ${TOKEN_ENV_PREFIX}, so that no other secret of the environment is sent to an agent.`,
        `Export the agent's token as, say, ${TOKEN_ENV_PREFIX}TOKEN_${d.name.toUpperCase().replace(/[^A-Z0-9_]/g, '_')} and name that variable in "tokenEnv".`,
      );
    }
    const hostToken = Object.hasOwn(HOST_TOKEN_VARIABLES, d.tokenEnv) ? HOST_TOKEN_VARIABLES[d.tokenEnv] : undefined;
    if (hostToken) {
      throw invalid(
        file,
        `${at}.tokenEnv: `,
        `the environment variable ${d.tokenEnv} of ${d.name} is where warden serve on this machine reads its own ${hostToken}, not an agent's: it is never sent to an agent.`,
        `Export the agent's token as, say, ${TOKEN_ENV_PREFIX}TOKEN_${d.name.toUpperCase().replace(/[^A-Z0-9_]/g, '_')} and name that variable in "tokenEnv".`,
      );
    }
    return { env: d.tokenEnv };
  }
  if (d.tokenFile !== undefined) {
    const path = pathFrom(base, d.tokenFile);
    if (!basename(path).endsWith(TOKEN_FILE_SUFFIX) || basename(path) === TOKEN_FILE_SUFFIX) {
      throw invalid(
        file,
        `${at}.tokenFile: `,
        `the file ${path} of ${d.name} is not one meant for a Schema Warden token: its name must end in ${TOKEN_FILE_SUFFIX}, so that no other secret on this machine is sent to an agent.`,
        `Keep the agent's token alone in a file such as ${d.name}${TOKEN_FILE_SUFFIX} (chmod 600) and name it in "tokenFile".`,
      );
    }
    return { file: path };
  }
  if (d.tokenKeychain) return { keychain: null };
  throw invalid(
    file,
    `${at}: `,
    'an agent needs its token: tokenEnv (an environment variable), tokenFile (a file holding it) or tokenKeychain (kept by the desktop app).',
    'Add "tokenEnv": "WARDEN_…" (a variable whose name starts with WARDEN_), "tokenFile": "….token" (a file whose name ends in .token) or "tokenKeychain": true; the token itself never goes into the fleet file.',
  );
}

function reachOf(d: DeploymentJson, at: string, file: string, base: string): Reach {
  const ways = (['file', 'url', 'ssh'] as const).filter((k) => d[k] !== undefined);
  if (ways.length !== 1) {
    throw invalid(
      file,
      `${at}: `,
      ways.length === 0 ? 'it says nothing about how to reach it.' : `it gives ${ways.join(' and ')}; give exactly one.`,
      'Give "file" (a local database), "url" (a warden serve agent) or "ssh" with "remotePort" (an agent on a VM\'s loopback).',
    );
  }
  const agentOnly = (['tokenEnv', 'tokenFile', 'tokenKeychain', 'database', 'remotePort'] as const).filter((k) => d[k] !== undefined);
  if (d.file !== undefined) {
    if (agentOnly.length > 0) throw invalid(file, `${at}.${agentOnly[0]}: `, 'a local file needs no agent settings.', `Remove "${agentOnly[0]}".`);
    return { kind: 'file', file: pathFrom(base, d.file), schemaDir: d.schema === undefined ? null : pathFrom(base, d.schema) };
  }
  if (d.schema !== undefined) throw invalid(file, `${at}.schema: `, 'an agent knows its own schema.', 'Remove "schema" (it is for local files).');
  const token = tokenSource(d, at, file, base);
  if (d.url !== undefined) {
    if (d.remotePort !== undefined)
      throw invalid(file, `${at}.remotePort: `, 'remotePort is for ssh deployments.', 'Remove it, or use "ssh" instead of "url".');
    return { kind: 'agent', url: new URL(d.url).origin, token, database: d.database ?? null };
  }
  const ssh = d.ssh!;
  if (d.remotePort === undefined)
    throw invalid(
      file,
      `${at}.remotePort: `,
      "an ssh deployment needs the port its agent listens on, on the VM's loopback.",
      'Add "remotePort": 7373 (the agent\'s --port).',
    );
  return {
    kind: 'ssh',
    ssh: {
      host: ssh.host,
      port: ssh.port ?? 22,
      user: ssh.user,
      identityFile: ssh.identityFile === undefined ? null : pathFrom(base, ssh.identityFile),
      knownHostsFile: ssh.knownHostsFile === undefined ? null : pathFrom(base, ssh.knownHostsFile),
    },
    remotePort: d.remotePort,
    token,
    database: d.database ?? null,
  };
}

/** Tokens in clear are refused before anything else is looked at, naming where. */
function refuseClearTokens(raw: unknown, file: string): void {
  const deployments = (raw as { deployments?: unknown })?.deployments;
  if (!Array.isArray(deployments)) return;
  deployments.forEach((d, i) => {
    if (d && typeof d === 'object' && 'token' in d) {
      throw invalid(
        file,
        `deployments[${i}].token: `,
        'a token is never written into the fleet file in clear.',
        'Put it in an environment variable whose name starts with WARDEN_ ("tokenEnv": "WARDEN_…"), a file only you can read whose name ends in .token ("tokenFile": "….token"), or let the desktop app keep it ("tokenKeychain": true).',
      );
    }
  });
}

export function parseFleet(raw: unknown, file: string): Fleet {
  refuseClearTokens(raw, file);
  const parsed = fleetJson.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path
      .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
      .join('')
      .replace(/^\./, '');
    throw invalid(
      file,
      where ? `${where}: ` : '',
      /[.)]$/.test(issue.message) ? issue.message : `${issue.message}.`,
      'Each deployment has "name", "group" and one of "file", "url" or "ssh" (see the README\'s fleet section).',
    );
  }
  const base = dirname(file);
  const seen = new Map<string, string>();
  const databases = new Map<string, string>();
  const deployments = parsed.data.deployments.map((d, i) => {
    const at = `deployments[${i}]`;
    const same = seen.get(d.name.toLowerCase());
    if (same === d.name) throw invalid(file, `${at}.name: `, `"${d.name}" names two deployments.`, 'Give each deployment its own name.');
    // vm1 and VM1 would be told apart by case alone, on the command line (--canary) as in the console.
    if (same !== undefined) throw invalid(file, `${at}.name: `, `"${d.name}" and "${same}" differ only in case.`, 'Give each deployment a name of its own.');
    seen.set(d.name.toLowerCase(), d.name);
    const deployment = { name: d.name, group: d.group, reach: reachOf(d, at, file, base) };
    const where = databaseKey(deployment);
    const twin = databases.get(where);
    // A rollout would migrate it twice, and the fleet would count it twice.
    if (twin !== undefined)
      throw invalid(file, `${at}: `, `"${d.name}" is the same database as "${twin}" (${addressOf(deployment)}).`, 'List each database once.');
    databases.set(where, d.name);
    return deployment;
  });
  return { path: file, deployments };
}

/** Which database a deployment reaches: the same file, or the same agent and database, is one database however it is named. */
function databaseKey(deployment: Deployment): string {
  const { reach } = deployment;
  if (reach.kind === 'file') return `file:${reach.file}`;
  return `${addressOf(deployment)}|${reach.database ?? ''}`;
}

/** Far more than any fleet needs (a hundred deployments take some 20 kB): a bigger file is not a fleet file. */
export const MAX_FLEET_FILE_BYTES = 4 * 1024 * 1024;

function statOf(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

export function loadFleet(file: string): Fleet {
  const stat = statOf(file);
  if (!stat) throw new WardenError('NOT_FOUND', `There is no fleet file at ${file}.`, 'Give the path of a fleet JSON file with --fleet.');
  // A folder, a FIFO or a device is refused before it is read (reading a FIFO would wait forever).
  if (stat.isDirectory())
    throw new WardenError('IS_DIRECTORY', `The fleet file ${file} is a folder.`, 'Give the path of the fleet JSON file itself with --fleet.');
  if (!stat.isFile())
    throw new WardenError('NOT_REGULAR_FILE', `The fleet file ${file} is not a regular file.`, 'Give the path of a fleet JSON file with --fleet.');
  if (stat.size > MAX_FLEET_FILE_BYTES)
    throw invalid(file, '', `it holds ${stat.size} bytes, more than a fleet file's ${MAX_FLEET_FILE_BYTES}.`, 'Check that --fleet names the fleet JSON file.');
  let raw: unknown;
  try {
    // Editors on Windows may start a UTF-8 file with a byte-order mark, which JSON.parse refuses.
    raw = JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
  } catch (err) {
    throw invalid(file, '', `it is not JSON (${(err as Error).message}).`, 'Fix the JSON syntax.');
  }
  return parseFleet(raw, file);
}

/** Where a deployment is, for people and for binding a kept token to it: a path, a URL, user@host. */
export function addressOf(deployment: Deployment): string {
  const { reach } = deployment;
  if (reach.kind === 'file') return reach.file;
  if (reach.kind === 'agent') return reach.url;
  return `${reach.ssh.user}@${reach.ssh.host}:${reach.ssh.port} → 127.0.0.1:${reach.remotePort}`;
}

/** The desktop app's keychain: a deployment's token, only for the address it was given for. */
export type AddressedKeychain = (deployment: string, address: string) => string | null;

/** The fleet with the desktop app's keychain behind every tokenKeychain deployment, each asked for its own address. */
export function withKeychain(fleet: Fleet, lookup: AddressedKeychain): Fleet {
  return {
    ...fleet,
    deployments: fleet.deployments.map((d) =>
      d.reach.kind !== 'file' && 'keychain' in d.reach.token
        ? { ...d, reach: { ...d.reach, token: { keychain: (name: string) => lookup(name, addressOf(d)) } } }
        : d,
    ),
  };
}

/**
 * A token file must be a file, and one only its owner can read, as ssh insists for a private key
 * (ssh's rule: a file of ours with any group or other permission is refused; one of another owner,
 * e.g. root:warden 0640, is that owner's choice). An operator token readable by every user of the
 * machine lets any of them migrate or restore the agent's database.
 */
export function unsafeTokenFile(path: string, options: { pipes?: boolean } = {}): string | null {
  const stat = statOf(path);
  if (!stat) return null; // reading it says why
  if (stat.isDirectory()) return 'is a folder';
  // A pipe is refused where nobody may be writing to it (reading would wait forever); `warden serve --token-file <(pass show …)` takes one.
  if (!stat.isFile() && !(options.pipes && stat.isFIFO())) return 'is not a regular file';
  if (process.platform !== 'win32' && stat.uid === process.getuid?.() && (stat.mode & 0o077) !== 0) {
    return `can be read or changed by other users (permissions ${(stat.mode & 0o777).toString(8).padStart(4, '0')}), so it is not used`;
  }
  return null;
}

function refuseUnsafeTokenFile(path: string, deployment: string): void {
  const problem = unsafeTokenFile(path);
  if (problem === null) return;
  const hint = problem.startsWith('can be read')
    ? `Make it yours alone: chmod 600 ${path}`
    : "Point tokenFile in the fleet file at the file holding the agent's token.";
  throw new WardenError('UNAUTHORIZED', `The token file of ${deployment}, ${path}, ${problem}.`, hint);
}

/** A token as agents take it; anything else (two lines, non-ASCII) could not even be sent, and would be blamed on the agent. */
function tokenText(value: string, where: string, deployment: string): string {
  if (TOKEN_TEXT.test(value)) return value;
  throw new WardenError(
    'UNAUTHORIZED',
    `The token of ${deployment} in ${where} is not a warden serve token: a token is ${TOKEN_TEXT_RULE}.`,
    `Put the agent's operator token alone in ${where}.`,
  );
}

/** Reads a deployment's token from where the fleet file says it is. */
export function readToken(source: TokenSource, deployment: string): string {
  if ('keychain' in source) {
    if (!source.keychain) {
      throw new WardenError(
        'UNAUTHORIZED',
        `The token of ${deployment} is kept by the Schema Warden desktop app (tokenKeychain), which only that app can read; for the CLI and warden serve, name an environment variable or a file for it in the fleet file (tokenEnv or tokenFile).`,
        'Here, give the token by "tokenEnv" or "tokenFile" in the fleet file instead.',
      );
    }
    const kept = source.keychain(deployment);
    if (!kept)
      throw new WardenError('UNAUTHORIZED', `No token is kept for ${deployment} in this app.`, `Set ${deployment}'s token on the Fleet page (Set token).`);
    return kept;
  }
  if ('env' in source) {
    const value = process.env[source.env]?.trim();
    if (!value)
      throw new WardenError(
        'UNAUTHORIZED',
        `The token of ${deployment} is not set: the environment variable ${source.env} is empty.`,
        `Export ${source.env} with the agent's token.`,
      );
    return tokenText(value, `the environment variable ${source.env}`, deployment);
  }
  refuseUnsafeTokenFile(source.file, deployment);
  try {
    const value = readFileSync(source.file, 'utf8').trim();
    if (value) return tokenText(value, source.file, deployment);
  } catch (err) {
    if (err instanceof WardenError) throw err;
    throw new WardenError(
      'UNAUTHORIZED',
      `The token of ${deployment} cannot be read from ${source.file} (${(err as NodeJS.ErrnoException).code ?? 'error'}).`,
      'Check the tokenFile path in the fleet file.',
    );
  }
  throw new WardenError('UNAUTHORIZED', `The token file of ${deployment}, ${source.file}, is empty.`, "Write the agent's token into it.");
}

const LOOPBACK_HOST = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/i;

/**
 * One warning per agent reached over plain HTTP beyond this machine: its operator token crosses
 * the network unencrypted with every call (as `warden serve` warns when it listens beyond loopback).
 */
export function plainHttpWarnings(deployments: Deployment[]): string[] {
  return deployments.flatMap(({ name, reach }) => {
    if (reach.kind !== 'agent') return [];
    const url = new URL(reach.url);
    if (url.protocol !== 'http:' || LOOPBACK_HOST.test(url.hostname)) return [];
    return [
      `warning: ${name} is reached over plain HTTP (${reach.url}): its token crosses the network unencrypted with every call. Reach it through "ssh" (the agent on the VM's loopback), or put TLS in front of it (https://).`,
    ];
  });
}
