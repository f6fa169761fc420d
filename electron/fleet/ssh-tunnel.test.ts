import { copyFileSync, mkdirSync } from 'node:fs';
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { suiteDir } from '../server/test-support/suite-dir';
import { SHIPPED_SCHEMA_DIR } from '../engine/test-support/fixtures';
import { parseFleet } from './fleet-file';
import { fleetStatus } from './fleet-status';
import { openTunnel, sshPathValue } from './ssh-tunnel';
import { sshdUnavailable, startSshd, type SshServer } from './test-support/sshd';

// The key and known_hosts file of an ssh deployment may live in folders whose names have spaces,
// a % or a quote in them (a home folder "Jane Doe", a vault mount "keys 100%"): the real OpenSSH
// client must be given those very files. Before, a space split the known_hosts path in two and a
// % was expanded by ssh, and the tunnel failed with "Host key verification failed".

const unavailable = sshdUnavailable();

describe('ssh tunnel paths', () => {
  it('quotes a path for an ssh option, escaping what ssh would read otherwise', () => {
    expect(sshPathValue('/home/jane/.ssh/id')).toBe('"/home/jane/.ssh/id"');
    expect(sshPathValue('/Users/Jane Doe/100%/say "hi"\\x')).toBe('"/Users/Jane Doe/100%%/say \\"hi\\"\\\\x"');
  });

  it('names a known_hosts file that does not exist (ssh would only say "Host key verification failed")', async () => {
    process.env.WARDEN_SSH_TUNNEL_TEST_TOKEN = 'a-token-nobody-will-read-0123';
    const fleet = parseFleet(
      {
        deployments: [
          {
            name: 'vm',
            ssh: { host: 'vm.example', user: 'warden', knownHostsFile: 'no-such-known-hosts' },
            remotePort: 7373,
            tokenEnv: 'WARDEN_SSH_TUNNEL_TEST_TOKEN',
          },
        ],
      },
      '/etc/warden/fleet.json',
    );
    const [status] = (await fleetStatus(fleet, fleet.deployments, { defaultSchemaDir: SHIPPED_SCHEMA_DIR }, { waitMs: 25_000 })).deployments; // an ssh login on a busy machine can take longer than the default wait
    expect([status.status, status.reason]).toEqual([
      'unreachable',
      "The known_hosts file of vm, /etc/warden/no-such-known-hosts, does not exist, so ssh cannot check the VM's host key. Add the key to it (ssh-keyscan -p 22 vm.example >> /etc/warden/no-such-known-hosts, then compare the fingerprint with the VM's own).",
    ]);
  });

  describe.skipIf(unavailable !== null)('through a real sshd', () => {
    const folder = suiteDir();
    let sshd: SshServer;
    let agent: Server;

    beforeAll(async () => {
      mkdirSync(join(folder.path, 'ssh'));
      sshd = await startSshd(join(folder.path, 'ssh'));
      agent = createServer((_req, res) => res.end('agent here'));
      await new Promise<void>((resolve) => agent.listen(0, '127.0.0.1', resolve));
    }, 30_000);
    afterAll(async () => {
      agent.close();
      await sshd.stop();
      folder.remove();
    });

    it("says why when no agent listens on the VM's port, in ssh's words (it was only ECONNRESET)", async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      process.env.WARDEN_SSH_TUNNEL_TEST_TOKEN = 'a-token-nobody-will-read-0123';
      const fleet = parseFleet(
        {
          deployments: [
            {
              name: 'vm',
              ssh: { host: '127.0.0.1', port: sshd.port, user: sshd.user, identityFile: sshd.identityFile, knownHostsFile: sshd.knownHostsFile },
              remotePort: port,
              tokenEnv: 'WARDEN_SSH_TUNNEL_TEST_TOKEN',
            },
          ],
        },
        join(folder.path, 'fleet.json'),
      );
      const [status] = (await fleetStatus(fleet, fleet.deployments, { defaultSchemaDir: SHIPPED_SCHEMA_DIR }, { waitMs: 25_000 })).deployments; // an ssh login on a busy machine can take longer than the default wait
      expect(status.status).toBe('unreachable');
      expect(status.reason).toMatch(/did not answer listDatabases \(\w+; ssh says: channel \d+: open failed: connect failed: Connection refused\)\.$/);
    }, 30_000);

    it.each([
      ['a space', 'Jane Doe'],
      ['a percent sign', 'keys 100%d'],
      ['a quote', 'say "hi"'],
    ])(
      'reaches the agent when the key and known_hosts folder has %s',
      async (_what, name) => {
        const dir = join(folder.path, name);
        mkdirSync(dir);
        copyFileSync(sshd.identityFile, join(dir, 'id key'));
        copyFileSync(sshd.knownHostsFile, join(dir, 'known hosts'));
        const tunnel = await openTunnel(
          { host: '127.0.0.1', port: sshd.port, user: sshd.user, identityFile: join(dir, 'id key'), knownHostsFile: join(dir, 'known hosts') },
          (agent.address() as AddressInfo).port,
        );
        try {
          const body = await new Promise<string>((resolve, reject) =>
            get(tunnel.origin, (res) => {
              let text = '';
              res.on('data', (c: Buffer) => (text += c.toString()));
              res.on('end', () => resolve(text));
            }).on('error', reject),
          );
          expect(body).toBe('agent here');
        } finally {
          await tunnel.close();
        }
      },
      30_000,
    );
  });
});
