import Database from 'better-sqlite3';

// better-sqlite3's compiled addon is built for one runtime. Node (tests, the CLI, `warden serve`)
// uses the build in node_modules; the Electron host points at a build for Electron's ABI kept in
// its own folder. Every connection the engine opens goes through newConnection so both work.

let addonPath: string | undefined;

/** Loads better-sqlite3's addon from `path` for every later connection (undefined: node_modules' build). */
export function useSqliteAddon(path: string | undefined): void {
  addonPath = path;
}

/** The addon every connection loads (undefined: node_modules' build), for processes that open their own (read-process.ts). */
export function sqliteAddonPath(): string | undefined {
  return addonPath;
}

export function newConnection(filename: string | Buffer, options: Database.Options = {}): Database.Database {
  return new Database(filename, addonPath ? { ...options, nativeBinding: addonPath } : options);
}
