import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Encryption } from '../fleet-tokens';

/** Stands in for Electron's safeStorage (which needs the binary): AES-256-GCM under a key of its own, like an OS keychain's. */
export function fakeKeychain(key = randomBytes(32), backend = 'gnome_libsecret', available = true): Encryption {
  return {
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend,
    encryptString(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    decryptString(data) {
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
      decipher.setAuthTag(data.subarray(12, 28));
      return Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}
