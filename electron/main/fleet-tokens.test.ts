import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WardenError } from '../engine/errors';
import { parseFleet, readToken, withKeychain } from '../fleet/fleet-file';
import { FleetTokens } from './fleet-tokens';
import { fakeKeychain as keychain } from './test-support/fake-keychain';

// The desktop app's keychain for agent tokens, with an AES key standing in for the OS keychain
// (safeStorage needs the Electron binary): what reaches the disk, what is refused, and how a
// tokenKeychain deployment of a fleet file reads its token through it.

const FLEET = '/etc/warden/fleet.json';
const TOKEN = 'Zq3v-8Hk_0bT9xY2mN4pL6rS1uW5eA7c';
const VM1 = 'http://10.0.0.5:7373';
const storeIn = () => join(mkdtempSync(join(tmpdir(), 'warden-tokens-')), 'nested', 'fleet-tokens.json');

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(WardenError);
    return `${(err as WardenError).code}: ${(err as WardenError).message}`;
  }
  throw new Error('no error');
}

describe('FleetTokens', () => {
  it('keeps a token encrypted in a file only the user can read, and gives it back to the lookup only', () => {
    const file = storeIn();
    const tokens = new FleetTokens(file, keychain(), 'linux');
    tokens.keep(FLEET, 'vm1', VM1, TOKEN);
    const onDisk = readFileSync(file, 'utf8');
    expect(onDisk).not.toContain(TOKEN);
    expect(onDisk).not.toContain(Buffer.from(TOKEN).toString('base64'));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(tokens.keptFor(FLEET).has('vm1')).toBe(true);
    expect(tokens.lookupFor(FLEET)('vm1', VM1)).toBe(TOKEN);
    // Another fleet file with a deployment of the same name does not get it.
    expect(tokens.lookupFor('/home/qa/fleet.json')('vm1', VM1)).toBeNull();
    expect(tokens.forget(FLEET, 'vm1')).toBe(true);
    expect(tokens.lookupFor(FLEET)('vm1', VM1)).toBeNull();
    expect(tokens.forget(FLEET, 'vm1')).toBe(false);
  });

  it('sends a kept token only to the address it was given for: a fleet file pointed elsewhere gets a refusal naming both', () => {
    const file = storeIn();
    const tokens = new FleetTokens(file, keychain(), 'linux');
    tokens.keep(FLEET, 'vm1', VM1, TOKEN);
    expect(codeOf(() => tokens.lookupFor(FLEET)('vm1', 'https://attacker.example:7373'))).toBe(
      `UNAUTHORIZED: The token kept for vm1 was given for ${VM1}, and the fleet file now points vm1 at https://attacker.example:7373: it is not sent to an address it was not given for.`,
    );
    // The address is inside the encrypted record: the file does not show where tokens go.
    expect(readFileSync(file, 'utf8')).not.toContain('10.0.0.5');
    // 0600 on every write, even over a leftover temporary file another mode made.
    writeFileSync(`${file}.${process.pid}.tmp`, 'left over', { mode: 0o644 });
    tokens.keep(FLEET, 'vm2', VM1, TOKEN);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('refuses to keep a token where the keychain would not protect it, writing nothing', () => {
    const file = storeIn();
    expect(codeOf(() => new FleetTokens(file, keychain(undefined, 'basic_text'), 'linux').keep(FLEET, 'vm1', VM1, TOKEN))).toMatch(
      /^NOT_SUPPORTED: The token of vm1 was not kept: this desktop has no secret service/,
    );
    expect(codeOf(() => new FleetTokens(file, keychain(undefined, 'gnome_libsecret', false), 'darwin').keep(FLEET, 'vm1', VM1, TOKEN))).toMatch(
      /keychain is not available/,
    );
    expect(existsSync(file)).toBe(false);
    // basic_text is a Linux word only: elsewhere the OS keychain is used.
    expect(new FleetTokens(file, keychain(undefined, 'basic_text'), 'win32').unavailable()).toBeNull();
  });

  it('refuses what agents would not take as a token (blanks, control characters, too short, too long)', () => {
    const tokens = new FleetTokens(storeIn(), keychain(), 'linux');
    for (const bad of ['', 'short', 'two words in a token', 'line\nbreak-0123456789', 'x'.repeat(513), 'tab\there-0123456789', 'non-ascii-tökén-0123456789']) {
      expect(codeOf(() => tokens.keep(FLEET, 'vm1', VM1, bad))).toMatch(/^INVALID_INPUT: That is not an agent token/);
    }
  });

  it('never overwrites a token file it cannot read, and says a token kept with another keychain cannot be decrypted', () => {
    const file = storeIn();
    new FleetTokens(file, keychain(), 'linux').keep(FLEET, 'vm1', VM1, TOKEN);
    // A token kept under another key (another user's keychain, a reinstalled system).
    expect(codeOf(() => new FleetTokens(file, keychain(), 'linux').lookupFor(FLEET)('vm1', VM1))).toMatch(
      /^UNAUTHORIZED: The token kept for vm1 cannot be decrypted/,
    );
    writeFileSync(file, '{"version": 1, "tokens": ');
    const before = readFileSync(file);
    expect(codeOf(() => new FleetTokens(file, keychain(), 'linux').keep(FLEET, 'vm2', VM1, TOKEN))).toMatch(/token file .* cannot be read/);
    expect(readFileSync(file)).toEqual(before);
  });
});

describe('a tokenKeychain deployment', () => {
  const fleet = parseFleet(
    {
      deployments: [
        { name: 'vm1', url: 'http://10.0.0.5:7373', tokenKeychain: true },
        { name: 'vm2', url: 'http://10.0.0.6:7373', tokenEnv: 'WARDEN_VM2_TOKEN' },
      ],
    },
    FLEET,
  );

  it('reads its token from the desktop app, and the CLI says where to put it instead', () => {
    const [vm1, vm2] = fleet.deployments;
    if (vm1.reach.kind === 'file' || vm2.reach.kind === 'file') throw new Error('agents expected');
    expect(codeOf(() => readToken(vm1.reach.kind === 'file' ? { env: '' } : vm1.reach.token, 'vm1'))).toMatch(
      /^UNAUTHORIZED: The token of vm1 is kept by the Schema Warden desktop app/,
    );

    const tokens = new FleetTokens(storeIn(), keychain(), 'linux');
    const desktop = withKeychain(fleet, tokens.lookupFor(FLEET));
    const reachOf = (i: number) => desktop.deployments[i].reach;
    const token = (i: number) => {
      const reach = reachOf(i);
      if (reach.kind === 'file') throw new Error('agent expected');
      return () => readToken(reach.token, desktop.deployments[i].name);
    };
    expect(codeOf(token(0))).toMatch(/^UNAUTHORIZED: No token is kept for vm1 in this app/);
    tokens.keep(FLEET, 'vm1', VM1, TOKEN);
    expect(token(0)()).toBe(TOKEN);
    // Deployments that name an environment variable or a file keep them.
    expect(reachOf(1)).toEqual(fleet.deployments[1].reach);
  });

  it('is one token source: not beside tokenEnv or tokenFile, and only for agents', () => {
    expect(codeOf(() => parseFleet({ deployments: [{ name: 'vm1', url: 'http://10.0.0.5:7373', tokenKeychain: true, tokenEnv: 'WARDEN_X' }] }, FLEET))).toMatch(
      /give one of tokenEnv, tokenKeychain, not 2/,
    );
    expect(codeOf(() => parseFleet({ deployments: [{ name: 'db', file: 'a.db', tokenKeychain: true }] }, FLEET))).toMatch(
      /a local file needs no agent settings/,
    );
    expect(codeOf(() => parseFleet({ deployments: [{ name: 'vm1', url: 'http://10.0.0.5:7373', tokenKeychain: false }] }, FLEET))).toMatch(/tokenKeychain/);
  });
});
