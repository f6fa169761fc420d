import { basename } from 'node:path';
import { invalidMigrationsFolder } from '../migration-file';
import { checkedTableName, nearestConfigFiles, readConfigText } from './tool-config-files';
import type { ConfiguredTable } from './tool-format';

// Flyway's name for its history table (documentation.red-gate.com, "Table" setting): flyway.table
// in flyway.conf (Java properties), or table under [flyway] in flyway.toml; default
// flyway_schema_history. Flyway reads these from the folder it runs in, usually the project's
// root above its migrations folder.

/** flyway.table in a .conf file: Java properties (key=value, key: value; # and ! comments). */
function tableInConf(text: string): string | null {
  let table: string | null = null;
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*flyway\.table\s*[=:\s]\s*(.*?)\s*$/.exec(line);
    if (match) table = match[1]; // the last one wins, as Properties.load keeps it
  }
  return table;
}

/** table under [flyway] in a .toml file, as a quoted string. */
function tableInToml(text: string): string | null {
  let section = '';
  let table: string | null = null;
  for (const line of text.split(/\r?\n/)) {
    const header = /^\s*\[([^\]]+)\]\s*(#.*)?$/.exec(line);
    if (header) section = header[1].trim();
    const match = section === 'flyway' ? /^\s*table\s*=\s*(?:"([^"]*)"|'([^']*)')\s*(#.*)?$/.exec(line) : null;
    if (match) table = match[1] ?? match[2];
  }
  return table;
}

/** The history table flyway.conf or flyway.toml beside the migrations folder names (null: neither names one). */
export function flywayConfiguredTable(dir: string): ConfiguredTable | null {
  const found = nearestConfigFiles(dir, ['flyway.toml', 'flyway.conf']).flatMap((path) => {
    const text = readConfigText(dir, path);
    const table = basename(path) === 'flyway.toml' ? tableInToml(text) : tableInConf(text);
    const setting = basename(path) === 'flyway.toml' ? '[flyway] table' : 'flyway.table';
    return table === null ? [] : [{ table, source: `${path} (${setting})` }];
  });
  if (found.length === 2 && found[0].table !== found[1].table) {
    throw invalidMigrationsFolder(
      dir,
      `${found[0].source} names the history table "${found[0].table}" but ${found[1].source} names "${found[1].table}"`,
      'Keep one of the two settings, so Flyway and Schema Warden read the same table.',
    );
  }
  if (found.length === 0) return null;
  if (found[0].table.includes('${')) {
    throw invalidMigrationsFolder(
      dir,
      `${found[0].source} names the history table with a placeholder ("${found[0].table}"), which Schema Warden does not resolve`,
      'Name the table in schema.json "migrations.table" (or as the history table given with the folder) as the placeholder resolves.',
      [{ action: 'migrationsTable' }],
    );
  }
  return { table: checkedTableName(dir, found[0].table, found[0].source), source: found[0].source };
}
