import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as z from 'zod/mini';
import { TOKEN_TEXT, TOKEN_TEXT_RULE } from '../../shared/token-text';
import '../../shared/zod-messages';
import { WardenError } from '../engine/errors';
import type { KeychainLookup } from '../fleet/fleet-file';

// The agents' tokens of the fleet's `tokenKeychain` deployments, kept by the desktop app: each
// encrypted by the OS keychain (Electron's safeStorage: Keychain on macOS, DPAPI on Windows, the
// desktop's secret service on Linux) and stored, as base64, in one file under userData. A token
// is keyed by the fleet file's path and the deployment's name; it never goes back to the page.

/** The part of Electron's safeStorage used here (a test gives its own). The synchronous API: Electron 41. */
export interface Encryption {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: 'basic_text' means no secret store, the key is a constant compiled into Electron. */
  getSelectedStorageBackend?(): string;
}

const storeFile = z.object({ version: z.literal(1), tokens: z.record(z.string(), z.string()) });


const keyOf = (fleetPath: string, deployment: string) => `${fleetPath}\n${deployment}`;

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

  keep(fleetPath: string, deployment: string, token: string): void {
    const why = this.unavailable();
    if (why) throw new WardenError('NOT_SUPPORTED', `The token of ${deployment} was not kept: ${why}.`, 'Give the token by "tokenEnv" or "tokenFile" in the fleet file instead, or start a secret service and try again.');
    if (!TOKEN_TEXT.test(token)) {
      throw new WardenError('INVALID_INPUT', `That is not an agent token: a token is ${TOKEN_TEXT_RULE}.`, 'Paste the token the agent printed when it started (warden serve).', { field: 'token' });
    }
    const tokens = this.read();
    tokens[keyOf(fleetPath, deployment)] = this.encryption.encryptString(token).toString('base64');
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
    return new Set(Object.keys(this.read()).filter((key) => key.startsWith(prefix)).map((key) => key.slice(prefix.length)));
  }

  /** The lookup a fleet's tokenKeychain deployments read their token with (see withKeychain). */
  lookupFor(fleetPath: string): KeychainLookup {
    return (deployment) => {
      const kept = this.read()[keyOf(fleetPath, deployment)];
      if (kept === undefined) return null;
      try {
        return this.encryption.decryptString(Buffer.from(kept, 'base64'));
      } catch (err) {
        throw new WardenError('UNAUTHORIZED', `The token kept for ${deployment} cannot be decrypted (${(err as Error).message}): the keychain it was kept with is not this one.`, `Set ${deployment}'s token again on the Fleet page.`);
      }
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
      throw new WardenError('INTERNAL', `The desktop app's token file ${this.file} cannot be read.`, 'Move it aside (the tokens in it are lost) and set the tokens again on the Fleet page.');
    }
    return { ...parsed.data.tokens };
  }

  /** Only the user can read it (0600), written whole then renamed so a crash never leaves half a file. */
  private write(tokens: Record<string, string>): void {
    mkdirSync(dirname(this.file), { recursive: true });
    const next = `${this.file}.${process.pid}.tmp`;
    writeFileSync(next, JSON.stringify({ version: 1, tokens }, null, 2), { mode: 0o600 });
    renameSync(next, this.file);
  }
}
