import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { invalidMigrationsFolder } from '../migration-file';

// Reading a tool's migration files as they are: every .sql file of the folder (any case of .sql:
// one skipped in silence would never be applied), and each file's text exactly as stored.

/** The .sql files of `dir`, sorted by name. */
export function sqlFilesOf(dir: string): string[] {
  return readdirSync(dir)
    .filter((file) => file.toLowerCase().endsWith('.sql'))
    .sort();
}

/** A migration file's text as stored (a BOM kept: the tools' checksums include or strip it as each does). */
export function readMigrationText(dir: string, file: string): string {
  try {
    return readFileSync(join(dir, file), 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw invalidMigrationsFolder(
      dir,
      `${file} cannot be read (${reason})`,
      "Make it a readable file holding the migration's SQL; a symbolic link must lead to an existing file.",
    );
  }
}

/** The text without a leading BOM: what SQLite is given. */
export const withoutBom = (text: string) => text.replace(/^\uFEFF/, '');

/** A file name's words: 'create_notes' → 'create notes'. */
export const wordsOf = (name: string) => name.replace(/_/g, ' ');
