import { invalidMigrationsFolder } from '../migration-file';
import { checkedTableName, nearestConfigFiles, readConfigText } from './tool-config-files';
import type { ConfiguredTable } from './tool-format';

// Drizzle Kit's name for its history table (orm.drizzle.team, drizzle.config "migrations"):
// migrations: { table: '…', schema: '…' } in drizzle.config.{ts,mjs,js,cjs,json}, which drizzle-kit
// migrate passes to drizzle-orm's migrator as migrationsTable / migrationsSchema. drizzle-orm's
// SQLite migrator reads only the table (SQLite has no schemas: migrationsSchema is for PostgreSQL).
// The config is a program; only a name written in it as a string literal is read.

const CONFIG_FILES = ['drizzle.config.ts', 'drizzle.config.mts', 'drizzle.config.mjs', 'drizzle.config.js', 'drizzle.config.cjs', 'drizzle.config.json'];
const MIGRATIONS_BLOCK = /["']?migrations["']?\s*:\s*\{([^{}]*)\}/;
const TABLE_KEY = /["']?table["']?\s*:\s*([^,}\n]*)/;
const STRING_LITERAL = /^\s*(["'`])([^"'`$]*)\1\s*$/;

/** The history table drizzle.config beside the out folder names (null: it names none, or there is no config). */
export function drizzleConfiguredTable(dir: string): ConfiguredTable | null {
  const [path] = nearestConfigFiles(dir, CONFIG_FILES);
  if (path === undefined) return null;
  const block = MIGRATIONS_BLOCK.exec(readConfigText(dir, path))?.[1];
  const value = block === undefined ? undefined : TABLE_KEY.exec(block)?.[1];
  if (value === undefined) return null;
  const source = `${path} (migrations.table)`;
  const literal = STRING_LITERAL.exec(value);
  if (!literal) {
    throw invalidMigrationsFolder(
      dir,
      `${source} names the history table by an expression (${value.trim()}), which Schema Warden does not run`,
      'Write the name there as a string, or name the same table in schema.json "migrations.table".',
    );
  }
  return { table: checkedTableName(dir, literal[2], source), source };
}
