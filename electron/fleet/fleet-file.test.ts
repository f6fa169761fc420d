import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WardenError } from '../engine/errors';
import { suiteDir } from '../server/test-support/suite-dir';
import { finished, resultOf, runCli, SOURCE_CLI } from '../engine/test-support/cli';
import { REPO_ROOT } from '../engine/test-support/fixtures';
import { loadFleet, MAX_FLEET_FILE_BYTES, parseFleet, plainHttpWarnings, readToken } from './fleet-file';

// The fleet file: what it accepts, and the sentence (naming the field) for what it refuses.

const FILE = '/etc/warden/fleet.json';

function refusal(raw: unknown): string {
  try {
    parseFleet(raw, FILE);
  } catch (err) {
    expect(err).toBeInstanceOf(WardenError);
    expect((err as WardenError).code).toBe('INVALID_INPUT');
    return (err as WardenError).message;
  }
  throw new Error('accepted');
}

describe('fleet file', () => {
  it("never reads warden serve's own token variables for an agent (WARDEN_TOKEN, WARDEN_READ_ONLY_TOKEN), naming the variable and the deployment", () => {
    expect(refusal({ deployments: [{ name: 'prod', url: 'https://evil.example:443', tokenEnv: 'WARDEN_TOKEN' }] })).toBe(
      `The fleet file ${FILE} is not valid: deployments[0].tokenEnv: the environment variable WARDEN_TOKEN of prod is where warden serve on this machine reads its own operator token, not an agent's: it is never sent to an agent.`,
    );
    expect(
      refusal({
        deployments: [
          { name: 'a', url: 'http://h:1', tokenEnv: 'WARDEN_A' },
          { name: 'b', url: 'http://h:2', tokenEnv: 'WARDEN_READ_ONLY_TOKEN' },
        ],
      }),
    ).toMatch(
      /deployments\[1\]\.tokenEnv: the environment variable WARDEN_READ_ONLY_TOKEN of b is where warden serve on this machine reads its own read-only token/,
    );
    // Names that only begin like them are an agent's.
    expect(parseFleet({ deployments: [{ name: 'a', url: 'http://h:1', tokenEnv: 'WARDEN_TOKEN_A' }] }, FILE).deployments[0].reach).toMatchObject({
      token: { env: 'WARDEN_TOKEN_A' },
    });
  });

  it('reads a token only from names meant for it: variables starting with WARDEN_, files ending in .token', () => {
    // Whoever edits a shared fleet file chooses the address the token is sent to: any other secret would go there too.
    expect(refusal({ deployments: [{ name: 'prod', url: 'https://evil.example:443', tokenEnv: 'AWS_SECRET_ACCESS_KEY' }] })).toBe(
      `The fleet file ${FILE} is not valid: deployments[0].tokenEnv: the environment variable AWS_SECRET_ACCESS_KEY of prod is not one meant for a Schema Warden token: its name must start with WARDEN_, so that no other secret of the environment is sent to an agent.`,
    );
    expect(refusal({ deployments: [{ name: 'prod', url: 'https://evil.example:443', tokenEnv: 'WARDEN_' }] })).toMatch(
      /tokenEnv: the environment variable WARDEN_ of prod is not one meant/,
    );
    expect(
      refusal({
        deployments: [
          { name: 'a', url: 'http://h:1', tokenEnv: 'WARDEN_A' },
          { name: 'b', ssh: { host: 'h', user: 'u' }, remotePort: 1, tokenFile: '~/.ssh/id_ed25519' },
        ],
      }),
    ).toMatch(
      /^The fleet file \/etc\/warden\/fleet\.json is not valid: deployments\[1\]\.tokenFile: the file \/.+\/\.ssh\/id_ed25519 of b is not one meant for a Schema Warden token: its name must end in \.token, so that no other secret on this machine is sent to an agent\.$/,
    );
    expect(refusal({ deployments: [{ name: 'b', url: 'http://h:1', tokenFile: 'tokens/.token' }] })).toMatch(
      /tokenFile: the file \/etc\/warden\/tokens\/\.token of b is not one meant/,
    );
    const accepted = parseFleet(
      {
        deployments: [
          { name: 'a', url: 'http://h:1', tokenEnv: 'WARDEN_TOKEN_A' },
          { name: 'b', url: 'http://h:2', tokenFile: 'b.token' },
        ],
      },
      FILE,
    );
    expect(accepted.deployments.map((d) => d.reach.kind !== 'file' && d.reach.token)).toEqual([{ env: 'WARDEN_TOKEN_A' }, { file: '/etc/warden/b.token' }]);
  });

  it('reads the three ways to reach a deployment, paths relative to the file', () => {
    const fleet = parseFleet(
      {
        deployments: [
          { name: 'local', file: 'data/a.db' },
          { name: 'vm1', group: 'production', url: 'http://10.0.0.5:7373/', tokenEnv: 'WARDEN_VM1_TOKEN', database: 'conversation_files' },
          {
            name: 'vm2',
            group: 'production',
            ssh: { host: 'vm2.internal', user: 'warden', identityFile: 'keys/id_ed25519' },
            remotePort: 7373,
            tokenFile: 'tokens/vm2.token',
          },
        ],
      },
      FILE,
    );
    expect(fleet.deployments).toEqual([
      { name: 'local', group: 'default', reach: { kind: 'file', file: '/etc/warden/data/a.db', schemaDir: null } },
      {
        name: 'vm1',
        group: 'production',
        reach: { kind: 'agent', url: 'http://10.0.0.5:7373', token: { env: 'WARDEN_VM1_TOKEN' }, database: 'conversation_files' },
      },
      {
        name: 'vm2',
        group: 'production',
        reach: {
          kind: 'ssh',
          ssh: { host: 'vm2.internal', port: 22, user: 'warden', identityFile: '/etc/warden/keys/id_ed25519', knownHostsFile: null },
          remotePort: 7373,
          token: { file: '/etc/warden/tokens/vm2.token' },
          database: null,
        },
      },
    ]);
  });

  it('refuses a token in clear, naming where, with what to do instead', () => {
    expect(
      refusal({
        deployments: [
          { name: 'a', file: 'a.db' },
          { name: 'b', url: 'http://h:1', token: 'secret' },
        ],
      }),
    ).toBe(`The fleet file ${FILE} is not valid: deployments[1].token: a token is never written into the fleet file in clear.`);
  });

  it('names the deployment and the field of every other mistake', () => {
    expect(refusal({ deployments: [{ name: 'a' }] })).toMatch(/deployments\[0\]: it says nothing about how to reach it\.$/);
    expect(refusal({ deployments: [{ name: 'a', file: 'a.db', url: 'http://h:1', tokenEnv: 'WARDEN_T' }] })).toMatch(
      /deployments\[0\]: it gives file and url; give exactly one\.$/,
    );
    expect(refusal({ deployments: [{ name: 'a', url: 'http://h:1' }] })).toMatch(
      /deployments\[0\]: an agent needs its token: tokenEnv .*, tokenFile .* or tokenKeychain/,
    );
    expect(refusal({ deployments: [{ name: 'a', ssh: { host: 'h', user: 'u' }, tokenEnv: 'WARDEN_T' }] })).toMatch(
      /deployments\[0\]\.remotePort: an ssh deployment needs the port/,
    );
    expect(refusal({ deployments: [{ name: 'a', url: 'http://h:1/api', tokenEnv: 'WARDEN_T' }] })).toMatch(
      /deployments\[0\]\.url: an agent address like http:\/\/10\.0\.0\.5:7373/,
    );
    expect(
      refusal({
        deployments: [
          { name: 'a', file: 'a.db' },
          { name: 'a', file: 'b.db' },
        ],
      }),
    ).toMatch(/deployments\[1\]\.name: "a" names two deployments\./);
    expect(refusal({ deployments: [{ name: 'a', file: 'a.db', tokenEnv: 'WARDEN_T' }] })).toMatch(
      /deployments\[0\]\.tokenEnv: a local file needs no agent settings\./,
    );
    expect(refusal({ deployments: [{ name: 'a', file: 'a.db', colour: 'red' }] })).toMatch(/deployments\[0\]: Unrecognized key: "colour"/);
    expect(refusal({ deployments: [{ name: 'a', ssh: { host: 'h', user: 'u', port: 70000 }, remotePort: 1, tokenEnv: 'WARDEN_T' }] })).toMatch(
      /deployments\[0\]\.ssh\.port: /,
    );
    expect(refusal({ deployments: [] })).toMatch(/deployments: .*at least one deployment/);
  });

  // What an outside tester tried: each of these was accepted, or failed in a way that named the wrong thing.
  it('refuses names a browser or a person would take for something else', () => {
    // /fleet/../api/status is /api/status to a browser: the console would show the host's own databases under that name.
    expect(refusal({ deployments: [{ name: '..', file: 'a.db' }] })).toMatch(
      /deployments\[0\]\.name: a name of 1–64 letters, digits, _ \. - \(not only dots\)$/,
    );
    expect(refusal({ deployments: [{ name: '.', file: 'a.db' }] })).toMatch(/deployments\[0\]\.name: .*not only dots/);
    expect(
      refusal({
        deployments: [
          { name: 'vm1', file: 'a.db' },
          { name: 'VM1', file: 'b.db' },
        ],
      }),
    ).toMatch(/deployments\[1\]\.name: "VM1" and "vm1" differ only in case\.$/);
    expect(
      parseFleet(
        {
          deployments: [
            { name: 'v1.2', file: 'a.db' },
            { name: '.hidden', file: 'b.db' },
          ],
        },
        FILE,
      ).deployments.map((d) => d.name),
    ).toEqual(['v1.2', '.hidden']);
  });

  it('refuses an agent address with a password, a path, a query or a bad port, without repeating the password', () => {
    const withPassword = refusal({ deployments: [{ name: 'a', url: 'http://admin:s3cret@10.0.0.5:7373', tokenEnv: 'WARDEN_T' }] });
    expect(withPassword).toMatch(/deployments\[0\]\.url: an agent address without a user name or password/);
    expect(withPassword).not.toContain('s3cret');
    for (const url of ['http://10.0.0.5:7373?x=1', 'http://10.0.0.5:7373/#x', 'http://10.0.0.5:99999', 'ftp://10.0.0.5:7373', 'http://10.0.0.5:7373/../api']) {
      expect(refusal({ deployments: [{ name: 'a', url, tokenEnv: 'WARDEN_T' }] }), url).toMatch(
        /deployments\[0\]\.url: an agent address like http:\/\/10\.0\.0\.5:7373/,
      );
    }
    expect(parseFleet({ deployments: [{ name: 'a', url: 'HTTP://Agent.Example:7373/', tokenEnv: 'WARDEN_T' }] }, FILE).deployments[0].reach).toMatchObject({
      url: 'http://agent.example:7373',
    });
  });

  it('refuses an ssh host that ssh would read as an option', () => {
    expect(refusal({ deployments: [{ name: 'a', ssh: { host: '-oProxyCommand', user: 'u' }, remotePort: 1, tokenEnv: 'WARDEN_T' }] })).toMatch(
      /deployments\[0\]\.ssh\.host: a host name or address \(not starting with -\)$/,
    );
  });

  it('warns of each agent whose token would cross the network over plain HTTP', () => {
    const fleet = parseFleet(
      {
        deployments: [
          { name: 'lan', url: 'http://10.0.0.5:7373', tokenEnv: 'WARDEN_T' },
          { name: 'tls', url: 'https://vm1.example:7373', tokenEnv: 'WARDEN_T' },
          { name: 'here', url: 'http://127.0.0.1:7373', tokenEnv: 'WARDEN_T' },
          { name: 'here6', url: 'http://[::1]:7373', tokenEnv: 'WARDEN_T' },
          { name: 'tunnel', ssh: { host: 'vm2', user: 'u' }, remotePort: 7373, tokenEnv: 'WARDEN_T' },
        ],
      },
      FILE,
    );
    expect(plainHttpWarnings(fleet.deployments)).toEqual([
      'warning: lan is reached over plain HTTP (http://10.0.0.5:7373): its token crosses the network unencrypted with every call. Reach it through "ssh" (the agent on the VM\'s loopback), or put TLS in front of it (https://).',
    ]);
  });

  describe('the file itself', () => {
    const folder = suiteDir();
    afterAll(() => folder.remove());
    const fleetJson = JSON.stringify({ deployments: [{ name: 'a', file: 'a.db' }] });

    it('warns on stderr when `warden fleet status` sends a token over plain HTTP beyond this machine', () => {
      const path = join(folder.path, 'lan.json');
      writeFileSync(path, JSON.stringify({ deployments: [{ name: 'lan', url: 'http://agent.invalid:7373', tokenEnv: 'WARDEN_FLEET_FILE_TEST_LAN' }] }));
      const run = runCli(['fleet', 'status', '--fleet', path, '--json']);
      expect(run.stderr).toContain('warning: lan is reached over plain HTTP (http://agent.invalid:7373): its token crosses the network unencrypted');
      expect(resultOf(run).deployments[0].status).toBe('unreachable');
    }, 60_000);

    it('reads a file that starts with a byte-order mark (Notepad writes one)', () => {
      const path = join(folder.path, 'bom.json');
      writeFileSync(path, `\uFEFF${fleetJson}`);
      expect(loadFleet(path).deployments.map((d) => d.name)).toEqual(['a']);
    });

    it('refuses a folder, a FIFO and a huge file before reading them, naming which', () => {
      const code = (path: string) => {
        try {
          loadFleet(path);
        } catch (err) {
          return [(err as WardenError).code, (err as WardenError).message];
        }
        return 'accepted';
      };
      mkdirSync(join(folder.path, 'dir.json'));
      expect(code(join(folder.path, 'dir.json'))).toEqual(['IS_DIRECTORY', `The fleet file ${join(folder.path, 'dir.json')} is a folder.`]);
      // Reading a FIFO no one writes to would wait forever.
      execFileSync('mkfifo', [join(folder.path, 'fifo.json')]);
      expect(code(join(folder.path, 'fifo.json'))[0]).toBe('NOT_REGULAR_FILE');
      writeFileSync(join(folder.path, 'huge.json'), Buffer.alloc(MAX_FLEET_FILE_BYTES + 1, 32));
      expect(code(join(folder.path, 'huge.json'))).toEqual([
        'INVALID_INPUT',
        `The fleet file ${join(folder.path, 'huge.json')} is not valid: it holds ${MAX_FLEET_FILE_BYTES + 1} bytes, more than a fleet file's ${MAX_FLEET_FILE_BYTES}.`,
      ]);
    });

    it('uses a token file only when it is a file only its owner can read (as ssh does with keys)', () => {
      const file = join(folder.path, 'agent.token');
      writeFileSync(file, 'a-token-of-the-agent-0123\n', { mode: 0o600 });
      expect(readToken({ file }, 'vm1')).toBe('a-token-of-the-agent-0123');
      const refused = (path: string) => {
        try {
          readToken({ file: path }, 'vm1');
        } catch (err) {
          return (err as WardenError).toInfo();
        }
        throw new Error('accepted');
      };
      chmodSync(file, 0o644);
      const info = refused(file);
      expect(info.message).toBe(`The token file of vm1, ${file}, can be read or changed by other users (permissions 0644), so it is not used.`);
      expect(info.hint).toBe(`Make it yours alone: chmod 600 ${file}`);
      expect(JSON.stringify(info)).not.toContain('a-token-of-the-agent');
      // Two lines, or a letter outside ASCII: it could not be sent in a header, and was reported as the agent not answering (ERR_INVALID_CHAR).
      writeFileSync(file, 'a-token-of-the-agent-0123\nand a second line\n');
      chmodSync(file, 0o600);
      expect(refused(file).message).toBe(
        `The token of vm1 in ${file} is not a warden serve token: a token is 16 to 512 letters, digits or . _ ~ + / = - on one line.`,
      );
      process.env.WARDEN_FLEET_FILE_TEST_TOKEN = 'tökenwithumlaut0123456789';
      expect(() => readToken({ env: 'WARDEN_FLEET_FILE_TEST_TOKEN' }, 'vm1')).toThrow(
        'The token of vm1 in the environment variable WARDEN_FLEET_FILE_TEST_TOKEN is not a warden serve token',
      );
      expect(refused(folder.path).message).toBe(`The token file of vm1, ${folder.path}, is a folder.`);
      expect(refused(join(folder.path, 'fifo.json')).message).toMatch(/is not a regular file\.$/);
    });

    /** A server on loopback standing for the address a hostile fleet file names: it records the Authorization it is sent. */
    async function collector() {
      const seen: string[] = [];
      const server = createServer((req, res) => {
        seen.push(req.headers.authorization ?? '');
        res.writeHead(401, { 'content-type': 'application/json' }).end('{}');
      });
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      return { seen, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((done) => server.close(done)) };
    }
    const HOST_TOKEN = 'this-hosts-own-operator-token-0123456789';

    it("`warden fleet status` never sends this machine's $WARDEN_TOKEN to the address a fleet file names", async () => {
      const evil = await collector();
      const path = join(folder.path, 'host-token-env.json');
      writeFileSync(path, JSON.stringify({ deployments: [{ name: 'prod', url: evil.url, tokenEnv: 'WARDEN_TOKEN' }] }));
      const run = await finished(
        spawn(process.execPath, [...SOURCE_CLI, 'fleet', 'status', '--fleet', path], { cwd: REPO_ROOT, env: { ...process.env, WARDEN_TOKEN: HOST_TOKEN } }),
      );
      await evil.close();
      expect(evil.seen.join()).not.toContain(HOST_TOKEN);
      expect(run.stderr).toContain(
        'deployments[0].tokenEnv: the environment variable WARDEN_TOKEN of prod is where warden serve on this machine reads its own operator token',
      );
      expect(run.code).not.toBe(0);
    }, 60_000);

    it('`warden serve --fleet` refuses a fleet file whose tokenFile is its own --token-file, before any agent is asked', async () => {
      const evil = await collector();
      const own = join(folder.path, 'serve.token');
      writeFileSync(own, `${HOST_TOKEN}\n`, { mode: 0o600 });
      const path = join(folder.path, 'host-token-file.json');
      writeFileSync(path, JSON.stringify({ deployments: [{ name: 'prod', url: evil.url, tokenFile: 'serve.token' }] }));
      const serve = spawn(
        process.execPath,
        [...SOURCE_CLI, 'serve', '--port', '0', '--db', join(folder.path, 'served.db'), '--token-file', own, '--fleet', path],
        { cwd: REPO_ROOT },
      );
      const stop = setTimeout(() => serve.kill('SIGINT'), 20_000); // had it started, it would serve until stopped
      const run = await finished(serve);
      clearTimeout(stop);
      await evil.close();
      expect(evil.seen.join()).not.toContain(HOST_TOKEN);
      expect(run.stderr).toContain(
        `error [INVALID_INPUT]: The fleet file ${path} gives prod the token file ${own}, which holds this server's own operator token (--token-file): it is never sent to an agent.`,
      );
      expect(run.code).toBe(2);
    }, 60_000);
  });
});
