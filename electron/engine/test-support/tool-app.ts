import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { tempDir } from './fixtures';

// An app's checkout whose migrations another tool wrote: its folder (db/migrations) holding the
// tool's files as the tool lays them out, and a Schema Warden folder beside it (warden/) whose
// schema.json points at them. The files come from the tool's documented format; the sqlite3 shell
// plays the tool where a test needs a database the tool left.

export interface ToolApp {
  root: string;
  migrationsDir: string;
  dbPath: string;
  schemaDir: string;
  /** Writes the remaining files (the app's next release). */
  addAll(): void;
}

/** The app with the first `count` of `files` (paths inside the migrations folder) written; the rest come with addAll. */
export function toolApp(format: string, files: [string, string][], count: number = files.length): ToolApp {
  const root = tempDir();
  const migrationsDir = join(root, 'db/migrations');
  mkdirSync(migrationsDir, { recursive: true });
  const write = (upTo: number) => {
    for (const [file, text] of files.slice(0, upTo)) {
      mkdirSync(dirname(join(migrationsDir, file)), { recursive: true });
      writeFileSync(join(migrationsDir, file), text);
    }
  };
  write(count);
  mkdirSync(join(root, 'warden'));
  writeFileSync(
    join(root, 'warden/schema.json'),
    JSON.stringify({ name: 'notes_app', title: 'Notes app', applicationId: 0x4e415050, migrations: { dir: '../db/migrations', format } }),
  );
  return { root, migrationsDir, dbPath: join(root, 'notes.db'), schemaDir: join(root, 'warden'), addAll: () => write(files.length) };
}

/** Every file under `dir` with the SHA-256 of its bytes and its modification time: equal before and after means untouched. */
export function folderDigest(dir: string): Record<string, string> {
  const digest: Record<string, string> = {};
  const walk = (at: string) => {
    for (const entry of readdirSync(at).sort()) {
      const path = join(at, entry);
      const stat = statSync(path);
      if (stat.isDirectory()) walk(path);
      else digest[relative(dir, path)] = `${createHash('sha256').update(readFileSync(path)).digest('hex')} ${stat.mtimeMs}`;
    }
  };
  walk(dir);
  return digest;
}
