import type { SchemaDefinition } from './schema-folder';
import { parseSchemaReference } from './schema-reference';

// What a host says it found in a folder a person chose for a database (the desktop's schema or
// migrations folder): how it was read, its versions, and where the app's history will be read.

const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function recognisedFolderNote(schema: SchemaDefinition): string {
  const folder = parseSchemaReference(schema.dir).folder;
  const how = schema.detected
    ? `a ${schema.migrationFormat} migrations folder (no schema.json: the format was detected from its files)`
    : `the schema "${schema.title}" (schema.json${schema.migrationFormat === 'warden' ? '' : `, its migrations in ${schema.migrationFormat}'s format`})`;
  const first = schema.migrations[0].version;
  const versions = schema.migrations.length === 1 ? `1 version (${first})` : `${count(schema.migrations.length, 'version')} (${first} to ${schema.latest})`;
  const repeatables = schema.repeatables.length ? ` and ${count(schema.repeatables.length, 'repeatable migration')}` : '';
  const app = schema.appVersionTable;
  const history = app ? `; the app's history is read from ${app.table}${app.namedIn ? ` (named in ${app.namedIn})` : ''}` : '';
  return `Read ${folder} as ${how}: ${versions}${repeatables}${history}.`;
}
