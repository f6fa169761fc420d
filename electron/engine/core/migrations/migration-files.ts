import { invalidMigrationsFolder, type MigrationFile, type MigrationFormat } from './migration-file';
import { readMigrationText, sqlFilesOf, withoutBom, wordsOf } from './tool-formats/folder-files';
import type { ToolFolder } from './tool-formats/tool-format';
import { TOOL_FORMATS } from './tool-formats/tool-formats';
import type { VersionNames } from '../schema/version-order';

// Migration files read as they are (never rewritten): Schema Warden's own, <version>__<name>.sql
// with the whole file as the step (1.2.0__add_x.sql, or 20240101__add_x.sql where versions are
// ordered numbers), or another tool's folder as that tool writes it (tool-formats/).

/** A migration file of Schema Warden's own, named by a semantic version. */
export const MIGRATION_FILE = /^(\d+\.\d+\.\d+)__([A-Za-z0-9_]+)\.sql$/;

const WARDEN_FILE: Record<VersionNames, RegExp> = {
  semver: MIGRATION_FILE,
  ordered: /^(\d+)__([A-Za-z0-9_]+)\.sql$/,
  dotted: /^(\d+(?:\.\d+)*)__([A-Za-z0-9_]+)\.sql$/,
};

const EXAMPLE: Record<VersionNames, string> = {
  semver: '1.3.0__add_file_tags.sql (a semantic version',
  ordered: '20240101120000__add_file_tags.sql (a number',
  dotted: '1.3__add_file_tags.sql (numbers joined by dots',
};

function readWardenFolder(dir: string, versionNames: VersionNames): MigrationFile[] {
  return sqlFilesOf(dir).map((file) => {
    const match = WARDEN_FILE[versionNames].exec(file);
    if (!match)
      throw invalidMigrationsFolder(
        dir,
        `the migration file name "${file}" is not <version>__<name>.sql`,
        `Rename it like ${EXAMPLE[versionNames]}, two underscores, a name).`,
      );
    const raw = readMigrationText(dir, file);
    return { version: match[1], description: wordsOf(match[2]), file, sql: withoutBom(raw), raw };
  });
}

/** The migrations of `dir` in `format`, the names the tool's history gives their versions where they differ, and its repeatable migrations. */
export function readMigrationFiles(dir: string, format: MigrationFormat, versionNames: VersionNames): ToolFolder {
  if (format === 'warden') return { migrations: readWardenFolder(dir, versionNames), names: {} };
  return TOOL_FORMATS[format].readFolder(dir);
}
