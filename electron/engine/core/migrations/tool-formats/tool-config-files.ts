import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { invalidMigrationsFolder } from '../migration-file';

// A tool's own configuration beside its migrations folder (flyway.conf at the project's root,
// drizzle.config.ts beside drizzle/): where it names the history table otherwise than by default.

/** The plain names Schema Warden writes tables under (the tools' own defaults are all such names). */
export const PLAIN_TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The folders a tool's configuration may sit in: the migrations folder, its parent and its grandparent (db/migrations in a project). */
function foldersAround(dir: string): string[] {
  const parent = dirname(dir);
  return [...new Set([dir, parent, dirname(parent)])];
}

/** The nearest folder around `dir` holding one of `names`, with the ones of them it holds (nearest first; empty: none). */
export function nearestConfigFiles(dir: string, names: string[]): string[] {
  for (const folder of foldersAround(dir)) {
    const found = names.map((name) => join(folder, name)).filter((path) => existsSync(path));
    if (found.length) return found;
  }
  return [];
}

export function readConfigText(dir: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw invalidMigrationsFolder(
      dir,
      `its tool's configuration ${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      'Make it readable, or remove it and name the history table in schema.json "migrations.table".',
    );
  }
}

/** A configured name Schema Warden can write as the tool does: a plain table name. */
export function checkedTableName(dir: string, table: string, source: string): string {
  if (!PLAIN_TABLE_NAME.test(table)) {
    throw invalidMigrationsFolder(
      dir,
      `${source} names the history table "${table}", which is not a plain table name (letters, digits, underscores)`,
      'Give the history table a plain name there; Schema Warden writes only such names.',
    );
  }
  return table;
}
