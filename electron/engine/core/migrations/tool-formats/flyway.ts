import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { invalidMigrationsFolder, type MigrationFile } from '../migration-file';
import { readMigrationText, withoutBom, wordsOf } from './folder-files';
import { flywayConfiguredTable } from './flyway-config';
import { FLYWAY_REPEATABLES, byDescription } from './flyway-repeatables';
import { abbreviatedDescription, abbreviatedScript, flywayChecksum } from './flyway-row';
import type { RepeatableFile, ToolFolder, ToolFormat } from './tool-format';

export { flywayChecksum } from './flyway-row';

// Flyway (documentation.red-gate.com, "Migrations" and "Flyway schema history table"):
// V<version>__<description>.sql, the version numbers joined by dots or underscores (1, 1.1, 2_1 is
// 2.1), found in the folder and its sub-folders. Its history in SQLite is flyway_schema_history,
// one row per applied migration: installed_rank, version, description, type 'SQL', script (the path
// inside the folder), checksum (CRC-32 of the file's lines, see flywayChecksum), installed_by ('' on
// SQLite), installed_on (its column default), execution_time (ms), success (1, or 0 for a failure).

const VERSIONED = /^V(\d+(?:[._]\d+)*)__(.*)\.sql$/;
const UNDO = /^U\d+(?:[._]\d+)*__.*\.sql$/;
const REPEATABLE = /^R__(.*)\.sql$/;

/** Every .sql file under `dir`, as a path inside it ('sub/V2__x.sql'), sorted; a link to a folder is not followed (it could loop). */
function sqlFilesUnder(dir: string, inside = ''): string[] {
  return readdirSync(join(dir, inside))
    .sort()
    .flatMap((entry) => {
      const path = inside ? `${inside}/${entry}` : entry;
      if (lstatSync(join(dir, path)).isDirectory()) return sqlFilesUnder(dir, path);
      return entry.toLowerCase().endsWith('.sql') ? [path] : [];
    });
}

const fileName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/** Flyway refuses two repeatables of one description ("Found more than one repeatable migration"): the description is their identity. */
function assertDistinctDescriptions(dir: string, repeatables: RepeatableFile[]): void {
  const twice = repeatables.find((r, k) => repeatables.findIndex((other) => other.description === r.description) !== k);
  if (!twice) return;
  const both = repeatables
    .filter((r) => r.description === twice.description)
    .map((r) => r.file)
    .join(' and ');
  throw invalidMigrationsFolder(
    dir,
    `${both} are two repeatable migrations with the description "${twice.description}", which Flyway refuses`,
    'Give each repeatable migration its own description (the part after R__).',
  );
}

function readFolder(dir: string): ToolFolder {
  const migrations: MigrationFile[] = [];
  const repeatables: RepeatableFile[] = [];
  for (const path of sqlFilesUnder(dir)) {
    const name = fileName(path);
    if (UNDO.test(name)) continue; // the way back (Flyway Teams' undo); Schema Warden only goes forward
    const repeatable = REPEATABLE.exec(name);
    if (repeatable) {
      const raw = readMigrationText(dir, path);
      repeatables.push({ description: wordsOf(repeatable[1]), file: path, sql: withoutBom(raw), raw });
      continue;
    }
    const match = VERSIONED.exec(name);
    if (!match)
      throw invalidMigrationsFolder(
        dir,
        `the Flyway migration file name "${path}" is not V<version>__<description>.sql`,
        'Name it as Flyway expects: V1__create_notes.sql, V1_1__add_tags.sql; Schema Warden does not run Flyway callbacks.',
      );
    const raw = readMigrationText(dir, path);
    migrations.push({ version: match[1].replace(/_/g, '.'), description: wordsOf(match[2]), file: path, sql: withoutBom(raw), raw });
  }
  assertDistinctDescriptions(dir, repeatables);
  return { migrations, names: {}, repeatables: repeatables.sort(byDescription) };
}

export const FLYWAY: ToolFormat = {
  tool: 'flyway',
  versionNames: 'dotted',
  // Its files at the top of the folder (a folder given as it is may be anything: it is not walked to recognise it).
  recognises: (_dir, entries) => entries.some((file) => VERSIONED.test(file)),
  readFolder,
  history: {
    table: 'flyway_schema_history',
    namedBy: 'flyway.table (flyway.conf, or table under [flyway] in flyway.toml)',
    versionColumn: 'version',
    // As Flyway's SQLiteDatabase.getRawCreateScript writes it, in schema "main", its index named after the table.
    definition: (table) =>
      [
        `CREATE TABLE "main"."${table}" (`,
        '    "installed_rank" INT NOT NULL PRIMARY KEY,',
        '    "version" VARCHAR(50),',
        '    "description" VARCHAR(200) NOT NULL,',
        '    "type" VARCHAR(20) NOT NULL,',
        '    "script" VARCHAR(1000) NOT NULL,',
        '    "checksum" INT,',
        '    "installed_by" VARCHAR(100) NOT NULL,',
        "    \"installed_on\" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now')),",
        '    "execution_time" INT NOT NULL,',
        '    "success" BOOLEAN NOT NULL',
        ');',
        `CREATE INDEX "main"."${table}_s_idx" ON "${table}" ("success");`,
      ].join('\n'),
    columns: ['installed_rank', 'version', 'description', 'type', 'script', 'checksum', 'installed_by', 'installed_on', 'execution_time', 'success'],
    indexes: (table) => [`${table}_s_idx`],
    // Applied: a successful versioned row (a migration, or the << Flyway Baseline >> row), not an undo or a deletion marker.
    appliedRows: "success = 1 AND version IS NOT NULL AND type NOT IN ('DELETE', 'UNDO_SQL', 'UNDO_JDBC', 'UNDO_SCRIPT')",
  },
  configuredTable: flywayConfiguredTable,
  checksum: {
    column: 'checksum',
    // Validate (on by default before migrate) compares the recorded checksum with the file's; a baseline row has none.
    matches: (recorded, file) => recorded === null || Number(recorded) === flywayChecksum(file.raw),
    complaint: 'flyway migrate refuses to run (validate: "Migration checksum mismatch")',
    hint: "Restore the file as it was when Flyway applied it; if the change is meant, run flyway repair, which records the file's checksum instead.",
  },
  unfinished(db, table) {
    const row = db.prepare(`SELECT version, script FROM "${table}" WHERE success = 0 ORDER BY installed_rank DESC LIMIT 1`).get() as
      | { version: string | null; script: string }
      | undefined;
    if (!row) return null;
    const which = row.version === null ? row.script : `${row.script} (version ${row.version})`;
    return {
      name: row.version ?? row.script,
      message: `Flyway recorded ${which} as failed in ${table}: it stopped part-way, so the schema may hold only some of its changes`,
      hint: `Finish or undo what ${row.script} changed by hand, then run flyway repair (it removes the failed row from ${table}) and migrate again. Schema Warden writes nothing while the failed row is there.`,
    };
  },
  repeatables: FLYWAY_REPEATABLES,
  record(db, table, migration) {
    const { rank } = db.prepare(`SELECT COALESCE(MAX("installed_rank"), 0) + 1 AS rank FROM "${table}"`).get() as { rank: number };
    // Flyway's insert names every column but installed_on, which takes its default.
    db.prepare(
      `INSERT INTO "${table}" ("installed_rank", "version", "description", "type", "script", "checksum", "installed_by", "execution_time", "success") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      rank,
      migration.name,
      abbreviatedDescription(migration.file.description),
      'SQL',
      abbreviatedScript(migration.file.file),
      flywayChecksum(migration.file.raw),
      '',
      migration.executionMs ?? 0,
      1,
    );
  },
};
