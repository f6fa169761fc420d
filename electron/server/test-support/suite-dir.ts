import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A temp folder that lives for a whole suite (the engine fixtures' tempDir is removed after each test). */
export function suiteDir(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'warden-host-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
