import { describe, expect, it } from 'vitest';
import { WardenError } from '../engine/errors';
import { parseFleet } from './fleet-file';

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
  it('reads the three ways to reach a deployment, paths relative to the file', () => {
    const fleet = parseFleet({
      deployments: [
        { name: 'local', file: 'data/a.db' },
        { name: 'vm1', group: 'production', url: 'http://10.0.0.5:7373/', tokenEnv: 'VM1_TOKEN', database: 'conversation_files' },
        { name: 'vm2', group: 'production', ssh: { host: 'vm2.internal', user: 'warden', identityFile: 'keys/id_ed25519' }, remotePort: 7373, tokenFile: 'tokens/vm2' },
      ],
    }, FILE);
    expect(fleet.deployments).toEqual([
      { name: 'local', group: 'default', reach: { kind: 'file', file: '/etc/warden/data/a.db', schemaDir: null } },
      { name: 'vm1', group: 'production', reach: { kind: 'agent', url: 'http://10.0.0.5:7373', token: { env: 'VM1_TOKEN' }, database: 'conversation_files' } },
      { name: 'vm2', group: 'production', reach: { kind: 'ssh', ssh: { host: 'vm2.internal', port: 22, user: 'warden', identityFile: '/etc/warden/keys/id_ed25519', knownHostsFile: null }, remotePort: 7373, token: { file: '/etc/warden/tokens/vm2' }, database: null } },
    ]);
  });

  it('refuses a token in clear, naming where, with what to do instead', () => {
    expect(refusal({ deployments: [{ name: 'a', file: 'a.db' }, { name: 'b', url: 'http://h:1', token: 'secret' }] }))
      .toBe(`The fleet file ${FILE} is not valid: deployments[1].token: a token is never written into the fleet file in clear.`);
  });

  it('names the deployment and the field of every other mistake', () => {
    expect(refusal({ deployments: [{ name: 'a' }] })).toMatch(/deployments\[0\]: it says nothing about how to reach it\.$/);
    expect(refusal({ deployments: [{ name: 'a', file: 'a.db', url: 'http://h:1', tokenEnv: 'T' }] })).toMatch(/deployments\[0\]: it gives file and url; give exactly one\.$/);
    expect(refusal({ deployments: [{ name: 'a', url: 'http://h:1' }] })).toMatch(/deployments\[0\]: an agent needs its token: tokenEnv .*, tokenFile .* or tokenKeychain/);
    expect(refusal({ deployments: [{ name: 'a', ssh: { host: 'h', user: 'u' }, tokenEnv: 'T' }] })).toMatch(/deployments\[0\]\.remotePort: an ssh deployment needs the port/);
    expect(refusal({ deployments: [{ name: 'a', url: 'http://h:1/api', tokenEnv: 'T' }] })).toMatch(/deployments\[0\]\.url: an agent address like http:\/\/10\.0\.0\.5:7373/);
    expect(refusal({ deployments: [{ name: 'a', file: 'a.db' }, { name: 'a', file: 'b.db' }] })).toMatch(/deployments\[1\]\.name: "a" names two deployments\./);
    expect(refusal({ deployments: [{ name: 'a', file: 'a.db', tokenEnv: 'T' }] })).toMatch(/deployments\[0\]\.tokenEnv: a local file needs no agent settings\./);
    expect(refusal({ deployments: [{ name: 'a', file: 'a.db', colour: 'red' }] })).toMatch(/deployments\[0\]: Unrecognized key: "colour"/);
    expect(refusal({ deployments: [{ name: 'a', ssh: { host: 'h', user: 'u', port: 70000 }, remotePort: 1, tokenEnv: 'T' }] })).toMatch(/deployments\[0\]\.ssh\.port: /);
    expect(refusal({ deployments: [] })).toMatch(/deployments: .*at least one deployment/);
  });
});
