import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WardenError } from './errors';
import type { VersionNames } from './version-order';

// Migration files as each tool writes them, read as they are (never rewritten):
// - warden: <version>__<name>.sql, the whole file is the step (1.2.0__add_x.sql, or 20240101__add_x.sql
//   where versions are ordered numbers);
// - dbmate: <version>_<name>.sql with `-- migrate:up` and `-- migrate:down` sections; the step is the
//   up section (github.com/amacneil/dbmate, "Creating Migrations").

export type MigrationFormat = 'warden' | 'dbmate';

/** A migration file as read: its version, its name's words, and the SQL of its forward step. */
export interface MigrationFile {
  version: string;
  description: string;
  file: string;
  sql: string;
}

interface Named {
  version: string;
  name: string;
}

/** A migration file of Schema Warden's own, named by a semantic version. */
export const MIGRATION_FILE = /^(\d+\.\d+\.\d+)__([A-Za-z0-9_]+)\.sql$/;

const WARDEN_FILE: Record<VersionNames, RegExp> = {
  semver: MIGRATION_FILE,
  ordered: /^(\d+)__([A-Za-z0-9_]+)\.sql$/,
};
const DBMATE_FILE = /^(\d+)_?(.*)\.sql$/;
const DBMATE_UP = /^--\s*migrate:up\b.*$/m;
const DBMATE_DOWN = /^--\s*migrate:down\b.*$/m;

function invalid(dir: string, what: string, hint: string): WardenError {
  return new WardenError('SCHEMA_INVALID', `The migrations folder ${dir} is not valid: ${what}.`, hint);
}

function nameOf(format: MigrationFormat, versionNames: VersionNames, file: string, dir: string): Named {
  if (format === 'dbmate') {
    const match = DBMATE_FILE.exec(file);
    if (!match) throw invalid(dir, `the dbmate migration file name "${file}" does not start with its version`, 'Name it as dbmate new does: 20240101120000_create_notes.sql.');
    return { version: match[1], name: match[2] };
  }
  const match = WARDEN_FILE[versionNames].exec(file);
  if (!match) {
    const example = versionNames === 'semver' ? '1.3.0__add_file_tags.sql (a semantic version' : '20240101120000__add_file_tags.sql (a number';
    throw invalid(dir, `the migration file name "${file}" is not <version>__<name>.sql`, `Rename it like ${example}, two underscores, a name).`);
  }
  return { version: match[1], name: match[2] };
}

/** dbmate's up section, with the lines before it kept blank so a failing statement's line is the file's. */
function dbmateUp(text: string, file: string, dir: string): string {
  const up = DBMATE_UP.exec(text);
  if (!up) throw invalid(dir, `${file} has no "-- migrate:up" line`, 'Start the forward step with a line "-- migrate:up", as dbmate requires.');
  const start = up.index + up[0].length;
  const down = DBMATE_DOWN.exec(text.slice(start));
  const body = down ? text.slice(start, start + down.index) : text.slice(start);
  const before = text.slice(0, start).split('\n').length - 1;
  return '\n'.repeat(before) + body;
}

/** Reads every .sql file of `dir` in `format` (any case of .sql: one skipped in silence would never be applied). */
export function readMigrationFiles(dir: string, format: MigrationFormat, versionNames: VersionNames): MigrationFile[] {
  const files: MigrationFile[] = [];
  for (const file of readdirSync(dir).sort()) {
    if (!file.toLowerCase().endsWith('.sql')) continue;
    const { version, name } = nameOf(format, versionNames, file, dir);
    let text: string;
    try {
      text = readFileSync(join(dir, file), 'utf8').replace(/^\uFEFF/, '');
    } catch (err) {
      const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      throw invalid(dir, `${file} cannot be read (${reason})`, 'Make it a readable file holding the migration\'s SQL; a symbolic link must lead to an existing file.');
    }
    files.push({ version, description: name.replace(/_/g, ' '), file, sql: format === 'dbmate' ? dbmateUp(text, file, dir) : text });
  }
  return files;
}
