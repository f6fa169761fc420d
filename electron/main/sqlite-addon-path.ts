import { existsSync } from 'node:fs';
import { join } from 'node:path';

// better-sqlite3 built for Electron's ABI, kept apart from node_modules' Node build so that the
// tests, the CLI and `warden serve` (Node) and the desktop app (Electron) never break each other.
// How to produce it: README, "Electron and the native module".
export const ELECTRON_SQLITE_ADDON = 'native/electron/node_modules/better-sqlite3/build/Release/better_sqlite3.node';

/** The Electron build of the addon when present; otherwise undefined (node_modules' build is used). */
export function electronSqliteAddon(appRoot: string): string | undefined {
  const path = join(appRoot, ELECTRON_SQLITE_ADDON);
  return existsSync(path) ? path : undefined;
}
