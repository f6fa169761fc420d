import { closeSync, existsSync, fchmodSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import * as z from 'zod/mini';
import { TOKEN_TEXT, TOKEN_TEXT_RULE } from '../../shared/token-text';
import '../../shared/zod-messages';
import { WardenError } from '../engine';
import type { AddressedKeychain } from '../fleet/fleet-file';

// The agents' tokens of the fleet's `tokenKeychain` deployments, kept by the desktop app: each
// encrypted by the OS keychain (Electron's safeStorage: Keychain on macOS, DPAPI on Windows, the
// desktop's secret service on Linux) and stored, as base64, in one file under userData. A token
// is keyed by the fleet file's path and the deployment's name, and bound to the address it was given
// for (inside the encrypted record): whoever edits a shared fleet file to point `prod` at their own
// URL does not receive prod's token; the app asks for it again (Set token…). It never goes back
// to the page.

/** The part of Electron's safeStorage used here (a test gives its own). The synchronous API: Electron 41. */
export interface Encryption {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: 'basic_text' means no secret store, the key is a constant compiled into Electron. */
  getSelectedStorageBackend?(): string;
}

// Version 1 kept the token alone; its records are not sent anywhere until set again (bound to an address).
const storeFile = z.object({ version: z.union([z.literal(1), z.literal(2)]), tokens: z.record(z.string(), z.string()) });
const keptRecord = z.object({ token: z.string(), address: z.string() });

const keyOf = (fleetPath: string, deployment: string) => `${fleetPath}\n${deployment}`;

/** A version 2 record ({ token, address }), or null for a version 1 one (the token alone). */
function safeJson(plain: string): z.infer<typeof keptRecord> | null {
  try {
    const parsed = keptRecord.safeParse(JSON.parse(plain));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export class FleetTokens {
  constructor(
    private readonly file: string,
    private readonly encryption: Encryption,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {}

  /** Why tokens cannot be kept here, or null when they can. */
  unavailable(): string | null {
    if (!this.encryption.isEncryptionAvailable()) return "this system's keychain is not available to Schema Warden";
    if (this.platform === 'linux' && this.encryption.getSelectedStorageBackend?.() === 'basic_text') {
      return 'this desktop has no secret service (GNOME Keyring, KWallet), so a token would only be obscured, not protected';
    }
    return null;
  }

  /** Keeps `token` for `deployment` at `address`: it is sent there and nowhere else. */
  keep(fleetPath: string, deployment: string, address: string, token: string): void {
    const why = this.unavailable();
    if (why)
      throw new WardenError(
        'NOT_SUPPORTED',
        `The token of ${deployment} was not kept: ${why}.`,
        'Give the token by "tokenEnv" or "tokenFile" in the fleet file instead, or start a secret service and try again.',
      );
    if (!TOKEN_TEXT.test(token)) {
      throw new WardenError(
        'INVALID_INPUT',
        `That is not an agent token: a token is ${TOKEN_TEXT_RULE}.`,
        'Paste the token the agent printed when it started (warden serve).',
        { field: 'token' },
      );
    }
    const tokens = this.read();
    tokens[keyOf(fleetPath, deployment)] = this.encryption.encryptString(JSON.stringify({ token, address })).toString('base64');
    this.write(tokens);
  }

  forget(fleetPath: string, deployment: string): boolean {
    const tokens = this.read();
    const key = keyOf(fleetPath, deployment);
    if (!(key in tokens)) return false;
    delete tokens[key];
    this.write(tokens);
    return true;
  }

  /** The deployments of this fleet file whose token is kept (one read of the store). */
  keptFor(fleetPath: string): Set<string> {
    const prefix = keyOf(fleetPath, '');
    return new Set(
      Object.keys(this.read())
        .filter((key) => key.startsWith(prefix))
        .map((key) => key.slice(prefix.length)),
    );
  }

  /** The lookup a fleet's tokenKeychain deployments read their token with (see withKeychain): a token only for its own address. */
  lookupFor(fleetPath: string): AddressedKeychain {
    return (deployment, address) => {
      const kept = this.read()[keyOf(fleetPath, deployment)];
      if (kept === undefined) return null;
      let plain: string;
      try {
        plain = this.encryption.decryptString(Buffer.from(kept, 'base64'));
      } catch (err) {
        throw new WardenError(
          'UNAUTHORIZED',
          `The token kept for ${deployment} cannot be decrypted (${(err as Error).message}): the keychain it was kept with is not this one.`,
          `Set ${deployment}'s token again on the Fleet page.`,
        );
      }
      const record = safeJson(plain);
      if (!record)
        throw new WardenError(
          'UNAUTHORIZED',
          `The token kept for ${deployment} was kept by an older version, before tokens were bound to an address, so it is not sent anywhere.`,
          `Set ${deployment}'s token again on the Fleet page (Set token…).`,
        );
      if (record.address !== address) {
        throw new WardenError(
          'UNAUTHORIZED',
          `The token kept for ${deployment} was given for ${record.address}, and the fleet file now points ${deployment} at ${address}: it is not sent to an address it was not given for.`,
          `If ${address} is right, set ${deployment}'s token again on the Fleet page (Set token…); if not, fix the fleet file.`,
        );
      }
      return record.token;
    };
  }

  private read(): Record<string, string> {
    if (!existsSync(this.file)) return {};
    let parsed;
    try {
      parsed = storeFile.safeParse(JSON.parse(readFileSync(this.file, 'utf8')));
    } catch {
      parsed = null;
    }
    if (!parsed?.success) {
      // Never overwrite what we cannot read: the user may have other tokens in it.
      throw new WardenError(
        'INTERNAL',
        `The desktop app's token file ${this.file} cannot be read.`,
        'Move it aside (the tokens in it are lost) and set the tokens again on the Fleet page.',
      );
    }
    return { ...parsed.data.tokens };
  }

  /**
   * Only the user can read it (0600 on every write, whatever a leftover file had), written whole,
   * synced, then renamed and the folder synced, so a crash or a power cut never leaves half a file.
   */
  private write(tokens: Record<string, string>): void {
    const folder = dirname(this.file);
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const next = `${this.file}.${process.pid}.tmp`;
    const fd = openSync(next, 'w', 0o600);
    try {
      fchmodSync(fd, 0o600);
      writeSync(fd, JSON.stringify({ version: 2, tokens }, null, 2));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(next, this.file);
    const dir = openSync(folder, 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  }
}
